import { escapeName as n } from '../graph/cypher/escape';
import type { Graph } from '../graph/driver';
import { readCase } from '../graph/cases/caseReads';
import { VERDICTS, type CaseFile, type CaseHeader, type Pin, type Verdict } from '../graph/cases/caseTypes';
import { parseEntityRef, refId, type EntityRef } from '../graph/investigations/entities';
import { investigate } from '../graph/investigations/indicators/investigate';
import { DEFAULT_SETTINGS, type Severity } from '../graph/investigations/indicators/types';
import { timelineStream, type TimelineEvent } from '../graph/investigations/timeline';
import { Label, isPrincipalLabel } from '../graph/vocabulary';
import type { EventStore } from '../store/eventStore';

/**
 * A case as a report for the rest of the response: what was concluded (pins by verdict, with
 * notes), what was written (notes), the merged timeline of the principals it pins (their sessions'
 * calls included), and what their investigations flag. The CLI writes it as JSON or Markdown; the
 * UI previews it.
 */

export interface ReportTimelineEntry {
  readonly time: string;
  readonly eventId: string;
  readonly eventName: string | null;
  readonly eventSource: string | null;
  readonly region: string | null;
  readonly accountId: string | null;
  readonly errorCode: string | null;
  readonly sourceIp: string | null;
  readonly principal: { readonly id: string; readonly kind: string; readonly label: string } | null;
  /** Which pinned principals this event belongs to (itself or one of its sessions made it). */
  readonly of: readonly string[];
  /** The verdict of this event's own pin, if the case pins it ('undecided' when pinned without one). */
  readonly pinned: Verdict | 'undecided' | null;
}

export interface ReportInvestigation {
  readonly entity: string;
  readonly label: string;
  readonly scope: { readonly from: string; readonly to: string };
  readonly indicators: readonly { readonly severity: Severity; readonly title: string; readonly explanation: string; readonly firstSeen: string; readonly lastSeen: string; readonly tactics: readonly string[]; readonly eventCount: number }[];
}

export interface CaseReport {
  readonly case: CaseHeader;
  readonly generatedAt: string;
  readonly summary: {
    readonly pins: number;
    readonly verdicts: Readonly<Record<Verdict | 'undecided', number>>;
    readonly notes: number;
    readonly principals: number;
    readonly archivedFindings: number;
    readonly logEntries: number;
  };
  /** Most damning first: malicious, suspicious, undecided, false positive, benign; newest first within each. */
  readonly pins: readonly Pin[];
  readonly notes: CaseFile['notes'];
  readonly views: CaseFile['views'];
  readonly queries: CaseFile['queries'];
  readonly findings: CaseFile['findings'];
  readonly timeline: {
    /** The pinned principals (and access keys) whose calls it merges. */
    readonly principals: readonly string[];
    /** The window it covers, and why that one. */
    readonly from: string;
    readonly to: string;
    readonly window: string;
    readonly entries: readonly ReportTimelineEntry[];
    /** Some principal had more events than the limit: the report shows the earliest `limit` of the merge. */
    readonly truncated: boolean;
    readonly limit: number;
  };
  readonly investigations: readonly ReportInvestigation[];
  /** What the report left out or could not do, in words. */
  readonly remarks: readonly string[];
}

const VERDICT_ORDER: readonly (Verdict | 'undecided')[] = ['malicious', 'suspicious', 'undecided', 'false-positive', 'benign'];
/** Investigations are a few seconds each on a big graph: a report runs them for this many principals at most. */
export const MAX_INVESTIGATED = 10;

export interface ReportOptions {
  readonly timelineLimit: number;
  /** The timeline's window (epoch ms); by default the span of the pinned events and findings, a day either side. */
  readonly from?: number | null;
  readonly to?: number | null;
  readonly now?: number;
}

export async function buildCaseReport(graph: Graph, events: EventStore, caseId: string, options: ReportOptions): Promise<CaseReport> {
  const file = await readCase(graph, caseId);
  const remarks: string[] = [];
  const subjects = timelineSubjects(file.pins);
  const now = options.now ?? Date.now();
  const span = await pinnedSpan(graph, file.pins);
  const from = options.from ?? (span ? span.from - DAY : 0);
  const to = options.to ?? (span ? span.to + DAY : now);
  const window =
    options.from != null || options.to != null
      ? 'the window asked for'
      : span
        ? 'the pinned events and findings, a day either side'
        : 'all time (nothing pinned has a time: pin an event or a finding to focus it)';
  const timeline = await mergedTimeline(graph, events, subjects, file.pins, options.timelineLimit, from, to);
  if (timeline.truncated) remarks.push(`The timeline shows the first ${options.timelineLimit.toLocaleString('en-US')} events of the pinned principals; there are more. Export a principal's whole timeline with: npx trailhound export timeline --entity <kind:key>`);
  const investigations: ReportInvestigation[] = [];
  for (const ref of subjects.slice(0, MAX_INVESTIGATED)) {
    try {
      const answer = await investigate(graph, events, ref, { from: null, to: null, baselineDays: 45 }, DEFAULT_SETTINGS);
      if (!answer || answer.indicators.length === 0) continue;
      investigations.push({
        entity: refId(ref),
        label: answer.entity.label,
        scope: { from: answer.scope.from, to: answer.scope.to },
        indicators: answer.indicators.map((i) => ({ severity: i.severity, title: i.title, explanation: i.explanation, firstSeen: i.firstSeen, lastSeen: i.lastSeen, tactics: i.tactics, eventCount: i.evidence.eventCount })),
      });
    } catch (error) {
      remarks.push(`The investigation of ${refId(ref)} failed: ${(error as Error).message}`);
    }
  }
  if (subjects.length > MAX_INVESTIGATED) remarks.push(`Indicators are given for the first ${MAX_INVESTIGATED} pinned principals of ${subjects.length}; investigate the others with: npx trailhound investigate --entity <kind:key>`);
  const verdicts = Object.fromEntries([...VERDICTS, 'undecided'].map((v) => [v, file.pins.filter((p) => (p.verdict ?? 'undecided') === v).length])) as CaseReport['summary']['verdicts'];
  const pins = [...file.pins].sort((a, b) => VERDICT_ORDER.indexOf(a.verdict ?? 'undecided') - VERDICT_ORDER.indexOf(b.verdict ?? 'undecided'));
  return {
    case: { caseId: file.caseId, title: file.title, status: file.status, owner: file.owner, createdAt: file.createdAt, createdBy: file.createdBy, updatedAt: file.updatedAt },
    generatedAt: new Date(options.now ?? Date.now()).toISOString(),
    summary: { pins: file.pins.length, verdicts, notes: file.notes.length, principals: subjects.length, archivedFindings: file.findings.filter((f) => f.archived).length, logEntries: file.logEntries },
    pins,
    notes: file.notes,
    views: file.views,
    queries: file.queries,
    findings: file.findings,
    timeline: { principals: subjects.map(refId), from: new Date(from).toISOString(), to: new Date(Math.min(to, 8_640_000_000_000)).toISOString(), window, entries: timeline.entries, truncated: timeline.truncated, limit: options.timelineLimit },
    investigations,
    remarks,
  };
}

const DAY = 86_400_000;

/** When the pinned events happened and the pinned findings were seen: the incident's span, or null. */
async function pinnedSpan(graph: Graph, pins: readonly Pin[]): Promise<{ from: number; to: number } | null> {
  const times = pins.filter((p) => p.kind === 'event' && p.eventTime).map((p) => Date.parse(p.eventTime!));
  const findingIds = pins.filter((p) => p.kind === 'entity' && p.ref.startsWith(`${Label.Finding}:`)).map((p) => p.ref.slice(Label.Finding.length + 1));
  if (findingIds.length) {
    const seen = await graph.read(`MATCH (f:${n(Label.Finding)}) WHERE f.findingId IN $ids RETURN min(f.eventFirstSeen) AS first, max(f.eventLastSeen) AS last`, { ids: findingIds });
    for (const name of ['first', 'last']) {
      const value = seen.records[0]?.get(name) as number | null | undefined;
      if (typeof value === 'number') times.push(value);
    }
  }
  return times.length ? { from: Math.min(...times), to: Math.max(...times) } : null;
}

/** Pinned principals and access keys, the ones a timeline and an investigation are about; benign and false-positive pins are left out. */
function timelineSubjects(pins: readonly Pin[]): EntityRef[] {
  const out: EntityRef[] = [];
  for (const pin of pins) {
    if (pin.kind !== 'entity' || pin.verdict === 'benign' || pin.verdict === 'false-positive') continue;
    let ref: EntityRef;
    try {
      ref = parseEntityRef(pin.ref);
    } catch {
      continue;
    }
    if (isPrincipalLabel(ref.kind) || ref.kind === Label.AccessKey) out.push(ref);
  }
  return out;
}

/**
 * The principals' timelines merged in time order, each event once: every timeline is read up to
 * limit + 1 events (which is all the merge's first `limit` can need), then merged.
 */
async function mergedTimeline(graph: Graph, events: EventStore, subjects: readonly EntityRef[], pins: readonly Pin[], limit: number, from: number, to: number): Promise<{ entries: ReportTimelineEntry[]; truncated: boolean }> {
  const pinnedEvents = new Map(pins.filter((p) => p.kind === 'event').map((p) => [p.ref, p.verdict ?? 'undecided'] as const));
  let byId = new Map<string, { event: TimelineEvent; of: string[] }>();
  let truncated = false;
  // Held at most `limit` events plus one timeline's: after each principal only the earliest
  // `limit` of the merge are kept (what a later principal adds can only push the others back).
  const earliest = () => [...byId.values()].sort((a, b) => (a.event.time < b.event.time ? -1 : a.event.time > b.event.time ? 1 : a.event.eventId < b.event.eventId ? -1 : 1));
  for (const ref of subjects) {
    let taken = 0;
    outer: for await (const batch of timelineStream(graph, events, ref, { from, to, includeSessions: true, records: 'none' })) {
      for (const { event } of batch) {
        if (taken === limit) {
          truncated = true;
          break outer;
        }
        taken += 1;
        const seen = byId.get(event.eventId);
        if (seen) seen.of.push(refId(ref));
        else byId.set(event.eventId, { event, of: [refId(ref)] });
      }
    }
    if (byId.size > limit) {
      truncated = true;
      byId = new Map(earliest().slice(0, limit).map((entry) => [entry.event.eventId, entry]));
    }
  }
  const merged = earliest();
  const entries = merged.slice(0, limit).map(({ event, of }) => ({
    time: event.time,
    eventId: event.eventId,
    eventName: event.eventName,
    eventSource: event.eventSource,
    region: event.region,
    accountId: event.accountId,
    errorCode: event.errorCode,
    sourceIp: event.sourceIp ?? event.sourceIPAddress,
    principal: event.principal,
    of,
    pinned: pinnedEvents.get(event.eventId) ?? null,
  }));
  return { entries, truncated };
}

export { caseReportMarkdown } from './caseReportMarkdown';
