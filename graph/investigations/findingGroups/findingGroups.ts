import type { Node as Neo4jNode } from 'neo4j-driver';
import type { Graph } from '../../driver';
import { cypherInt } from '../../driver';
import { Label, isPrincipalLabel, isNodeLabel } from '../../vocabulary';
import type { EventStore } from '../../../store/eventStore';
import { eventsWhere, timelinePageSql, TIMELINE_COLUMNS, type TimelineColumn } from '../../../store/queries/timelineEvents';
import { entityRef } from '../entities';
import { iso, toGraphNode } from '../shapes';
import { PrincipalNames, timelineEventOf, timelineSource, type TimelineEvent } from '../timeline';
import { describeGroup, groupScore, severityLabel, tacticOfFindingType, tacticsOf } from './describeGroup';
import { groupFindings, type FindingFacts, type Grouped, type RelatedEntity, type SharedEntity } from './groupFindings';
import { FINDINGS_TO_GROUP } from './groupQueries';

const HOUR = 3_600_000;
/** Findings read for grouping at most, the most severe first (the answer says when there were more). */
export const MAX_GROUPED_FINDINGS = 10_000;
/** Events in a group's merged timeline at most (each principal's own timeline has them all). */
const MAX_TIMELINE_EVENTS = 500;

export interface GroupOptions {
  readonly from: number;
  readonly to: number;
  /** Two findings of one entity join when active within this of each other. */
  readonly windowHours: number;
  readonly includeArchived: boolean;
}

export interface GroupedFinding {
  readonly findingId: string;
  readonly id: string;
  readonly type: string;
  readonly title: string | null;
  readonly severity: number;
  readonly severityLabel: string;
  readonly tactic: string | null;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly accountId: string | null;
  readonly region: string | null;
}

export interface FindingGroup {
  /** "fg-" and the id of its earliest finding: stable while the group grows forward. */
  readonly id: string;
  readonly rank: number;
  readonly score: number;
  readonly severity: number;
  readonly severityLabel: string;
  readonly summary: string;
  readonly tactics: readonly string[];
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  readonly findings: readonly GroupedFinding[];
  readonly sharedEntities: readonly SharedEntity[];
}

export interface FindingGroups {
  readonly groups: readonly FindingGroup[];
  readonly total: number;
  /** Findings in the scope that share nothing with another. */
  readonly ungroupedFindings: number;
  /** Findings read; when it is MAX_GROUPED_FINDINGS, there were more, and the least severe were left out. */
  readonly findingsRead: number;
  readonly truncated: boolean;
  readonly scope: { readonly from: string; readonly to: string; readonly windowHours: number };
}

/** Every finding group in the scope, ranked (most severe, most tactics, largest first). */
export async function findingGroups(graph: Graph, options: GroupOptions): Promise<FindingGroups> {
  return (await computeGroups(graph, options)).answer;
}

async function computeGroups(graph: Graph, options: GroupOptions): Promise<{ answer: FindingGroups; related: Map<string, Grouped> }> {
  const { findings, places } = await readFindings(graph, options);
  const { groups, alone } = groupFindings(findings, options.windowHours * HOUR);
  const scored = groups.map((g) => ({ g, score: groupScore(g) })).sort((a, b) => b.score - a.score || b.g.findings[0]!.firstSeen - a.g.findings[0]!.firstSeen);
  const ranked = scored.map(({ g, score }, i) => shapeGroup(g, score, i + 1, places));
  const related = new Map(scored.map(({ g }, i) => [ranked[i]!.id, g]));
  const answer: FindingGroups = {
    groups: ranked,
    total: ranked.length,
    ungroupedFindings: alone,
    findingsRead: findings.length,
    truncated: findings.length >= MAX_GROUPED_FINDINGS,
    scope: { from: iso(options.from), to: iso(options.to), windowHours: options.windowHours },
  };
  return { answer, related };
}

/** A merged timeline entry: a finding's activity or one CloudTrail call of the group's principals. */
export type GroupTimelineEntry =
  | { readonly kind: 'finding'; readonly time: string; readonly finding: GroupedFinding }
  | { readonly kind: 'event'; readonly time: string; readonly event: TimelineEvent };

export interface FindingGroupDetail {
  readonly group: FindingGroup;
  readonly timeline: {
    readonly entries: readonly GroupTimelineEntry[];
    /** The principals whose calls (and their sessions' calls) are merged in. */
    readonly principals: readonly string[];
    readonly eventsShown: number;
    /** True when the window holds more calls than shown: open a principal's timeline for the rest. */
    readonly eventsTruncated: boolean;
    readonly from: string;
    readonly to: string;
  };
}

/** One group by id, with its findings and the calls of its principals merged into one timeline. */
export async function findingGroup(graph: Graph, events: EventStore, id: string, options: GroupOptions): Promise<FindingGroupDetail | null> {
  const { answer, related } = await computeGroups(graph, options);
  const group = answer.groups.find((g) => g.id === id);
  const grouped = related.get(id);
  if (!group || !grouped) return null;
  const from = Date.parse(group.firstSeen) - HOUR;
  const to = Date.parse(group.lastSeen) + HOUR;

  // The principals the findings are about, directly, through their keys or as session starters.
  const principals = [...new Set(grouped.findings.flatMap((f) => f.entities).filter((e) => isPrincipalLabel(e.kind) || e.kind === Label.AccessKey).map((e) => e.id))].slice(0, 20);
  const names = new PrincipalNames(graph);
  const keys = new Set<string>();
  for (const id of principals) {
    const at = id.indexOf(':');
    const kind = id.slice(0, at);
    if (!isNodeLabel(kind)) continue;
    try {
      const source = await timelineSource(graph, entityRef(kind, id.slice(at + 1)), true, names);
      if (source.of.of === 'principals') for (const k of source.of.keys) keys.add(k);
    } catch {
      // A key no principal is known to use has no calls to merge.
    }
  }
  let calls: TimelineEvent[] = [];
  let more = false;
  if (keys.size > 0) {
    const { where, params } = eventsWhere({ of: 'principals', keys: [...keys], accessKeyId: null }, {}, from, to);
    const rows = await events.all<Record<TimelineColumn, unknown>>(timelinePageSql(where, false), { ...params, limit: MAX_TIMELINE_EVENTS + 1 }, { from, to });
    more = rows.length > MAX_TIMELINE_EVENTS;
    const shown = rows.slice(0, MAX_TIMELINE_EVENTS);
    await names.learn(shown.map((r) => r.principalKey));
    calls = shown.map((r) => timelineEventOf(Object.fromEntries(TIMELINE_COLUMNS.map((c) => [c, r[c]])), names.of(r.principalKey)));
  }
  const entries: GroupTimelineEntry[] = [
    ...group.findings.map((finding) => ({ kind: 'finding' as const, time: finding.firstSeen, finding })),
    ...calls.map((event) => ({ kind: 'event' as const, time: event.time, event })),
  ].sort((a, b) => a.time.localeCompare(b.time) || (a.kind === b.kind ? 0 : a.kind === 'finding' ? -1 : 1));
  return { group, timeline: { entries, principals, eventsShown: calls.length, eventsTruncated: more, from: iso(from), to: iso(to) } };
}

async function readFindings(graph: Graph, options: GroupOptions): Promise<{ findings: FindingFacts[]; places: Map<string, string> }> {
  const result = await graph.read(FINDINGS_TO_GROUP, { from: cypherInt(options.from), to: cypherInt(options.to), includeArchived: options.includeArchived, cap: cypherInt(MAX_GROUPED_FINDINGS) });
  const places = new Map<string, string>();
  const findings = result.records.map((r): FindingFacts => {
    const f = (r.get('f') as Neo4jNode).properties as Record<string, unknown>;
    const entities: RelatedEntity[] = [];
    for (const [node, via] of r.get('related') as [Neo4jNode | null, RelatedEntity['via']][]) {
      if (!node) continue;
      const shaped = toGraphNode(node);
      if (!shaped) continue;
      entities.push({ id: shaped.id, kind: shaped.kind, key: shaped.key, label: shaped.label, via });
      const p = node.properties as Record<string, unknown>;
      if (shaped.kind === Label.IpAddress && typeof p.country === 'string') places.set(shaped.id, [p.country, typeof p.asnOrg === 'string' ? p.asnOrg : null].filter(Boolean).join(', '));
    }
    const num = (v: unknown) => (typeof v === 'number' ? v : null);
    const first = num(f.eventFirstSeen) ?? num(f.createdAt) ?? 0;
    return {
      findingId: String(f.findingId),
      type: String(f.type ?? 'unknown'),
      title: typeof f.title === 'string' ? f.title : null,
      severity: num(f.severity) ?? 0,
      firstSeen: first,
      lastSeen: num(f.eventLastSeen) ?? num(f.updatedAt) ?? first,
      accountId: typeof f.accountId === 'string' ? f.accountId : null,
      region: typeof f.region === 'string' ? f.region : null,
      count: num(f.count),
      entities,
    };
  });
  return { findings, places };
}

function shapeGroup(group: Grouped, score: number, rank: number, places: ReadonlyMap<string, string>): FindingGroup {
  const severity = Math.max(...group.findings.map((f) => f.severity));
  return {
    id: `fg-${group.findings[0]!.findingId}`,
    rank,
    score,
    severity,
    severityLabel: severityLabel(severity),
    summary: describeGroup(group, places),
    tactics: tacticsOf(group),
    firstSeen: iso(Math.min(...group.findings.map((f) => f.firstSeen))),
    lastSeen: iso(Math.max(...group.findings.map((f) => f.lastSeen))),
    accounts: [...new Set(group.findings.map((f) => f.accountId).filter((a): a is string => a !== null))],
    regions: [...new Set(group.findings.map((f) => f.region).filter((a): a is string => a !== null))],
    findings: group.findings.map((f) => ({
      findingId: f.findingId,
      id: `${Label.Finding}:${f.findingId}`,
      type: f.type,
      title: f.title,
      severity: f.severity,
      severityLabel: severityLabel(f.severity),
      tactic: tacticOfFindingType(f.type),
      firstSeen: iso(f.firstSeen),
      lastSeen: iso(f.lastSeen),
      accountId: f.accountId,
      region: f.region,
    })),
    sharedEntities: group.shared,
  };
}
