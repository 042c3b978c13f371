import type { Node as Neo4jNode } from 'neo4j-driver';
import type { Graph } from '../graph/driver';
import { cypherInt } from '../graph/driver';
import type { EntityRef } from '../graph/investigations/entities';
import { instanceAddresses } from '../graph/investigations/profile';
import { findingsOfQuery } from '../graph/investigations/readQueries';
import type { EventStore } from '../store/eventStore';
import { flowHoursSql } from '../store/queries/flows';
import { iso } from '../graph/investigations/shapes';
import { isFiltered, timelineStream, type RecordDetail, type TimelineFilters } from '../graph/investigations/timeline';
import { Label } from '../graph/vocabulary';
import type { FindingEntry, FlowEntry, TimelineEntry } from './entries';

export interface ExportOptions {
  readonly from: number;
  readonly to: number;
  readonly includeSessions: boolean;
  /** Only the matching events; flows and findings are left out when any filter is set. */
  readonly filters?: TimelineFilters;
  /** How much of every event's stored record (and each finding's) the format carries. */
  readonly records: RecordDetail;
  /** Caps on the side lists held in memory (defaults: EXPORT_CAPS). */
  readonly caps?: Partial<typeof EXPORT_CAPS>;
  /** Told what the export leaves out, before its first entry is written (also written as a note entry). */
  readonly onIncomplete?: (note: string) => void;
}

/**
 * Flow hours and findings are side lists merged in memory, so they are bounded; events stream
 * without limit. An export that reaches a cap says so: a note entry first, and onIncomplete.
 */
export const EXPORT_CAPS = { flowHours: 200_000, findings: 10_000 };

/** The caps, as TRAILHOUND_EXPORT_MAX_FLOW_HOURS / _MAX_FINDINGS set them (a server with memory to spare may raise them). */
export function exportCaps(env: NodeJS.ProcessEnv = process.env): typeof EXPORT_CAPS {
  const read = (name: string, fallback: number) => {
    const text = env[name]?.trim();
    const value = Number(text);
    // Unset or empty keeps the default: an empty setting must not export no flows at all.
    return text && Number.isSafeInteger(value) && value >= 0 ? value : fallback;
  };
  return { flowHours: read('TRAILHOUND_EXPORT_MAX_FLOW_HOURS', EXPORT_CAPS.flowHours), findings: read('TRAILHOUND_EXPORT_MAX_FINDINGS', EXPORT_CAPS.findings) };
}

/**
 * An entity's whole timeline, oldest first, in batches: its CloudTrail events (and its sessions'
 * events), merged with the hours of flow traffic of its addresses and the findings about it.
 * Never held in memory whole: events stream from one ordered query.
 */
export async function* timelineEntries(graph: Graph, events: EventStore, ref: EntityRef, options: ExportOptions): AsyncGenerator<TimelineEntry[]> {
  const caps = { ...exportCaps(), ...options.caps };
  const notes: string[] = [];
  const incomplete = (note: string) => {
    notes.push(note);
    options.onIncomplete?.(note);
  };
  // Notes lead the first batch: every cap is known before the first entry (they are a header).
  const exportedAt = new Date().toISOString();
  const takeNotes = (): TimelineEntry[] => notes.splice(0).map((note) => ({ type: 'note', time: exportedAt, note }));
  // The side lists are read while Neo4j finds and sorts the events (no event can arrive sooner).
  const sideLists = isFiltered(options.filters)
    ? Promise.resolve([])
    : Promise.all([findingEntries(graph, ref, options, caps.findings, incomplete), flowEntries(graph, events, ref, options, caps.flowHours, incomplete)]).then((lists) => lists.flat().sort(byTime));
  sideLists.catch(() => undefined); // awaited below, with the first events or at the end
  let next = 0;
  const hasEvents = ref.kind !== Label.Finding && ref.kind !== Label.NetworkInterface && ref.kind !== Label.Account && ref.kind !== Label.UserAgent;
  if (hasEvents) {
    try {
      for await (const batchOfEvents of timelineStream(graph, events, ref, { ...options, onIncomplete: incomplete })) {
        const side = await sideLists;
        const batch: TimelineEntry[] = takeNotes();
        for (const { event, raw } of batchOfEvents) {
          while (next < side.length && side[next]!.time <= event.time) batch.push(side[next++]!);
          batch.push({ type: 'event', time: event.time, event, raw });
        }
        yield batch;
      }
    } catch (error) {
      if ((error as { code?: string }).code !== 'NO_TIMELINE') throw error;
    }
  }
  const side = await sideLists;
  const rest = [...takeNotes(), ...side.slice(next)];
  if (rest.length > 0) yield rest;
}

const cappedNote = (what: string, cap: number) =>
  `${what}: only the first ${cap.toLocaleString('en-US')} (in time order) are in this export, and there are more. Export a shorter time range (from, to) to get the rest.`;

const byTime = (a: TimelineEntry, b: TimelineEntry) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0);

async function flowEntries(graph: Graph, events: EventStore, ref: EntityRef, options: ExportOptions, cap: number, incomplete: (note: string) => void): Promise<TimelineEntry[]> {
  if (ref.kind !== Label.IpAddress && ref.kind !== Label.Ec2Instance) return [];
  const ips = ref.kind === Label.IpAddress ? [ref.key] : await instanceAddresses(graph, ref.key);
  if (ips.length === 0) return [];
  const range = { from: options.from - 3_600_000, to: options.to };
  // One more than the cap: whether there are more is known without counting them all.
  const rows = await events.all<{ hour: number; firstSeen: number; lastSeen: number; src: string; dst: string; dstPort: number; protocol: number; action: string; bytes: number; packets: number; flows: number }>(
    flowHoursSql,
    { ips, ...range, limit: cap + 1 },
    range,
  );
  if (rows.length > cap) {
    rows.length = cap;
    incomplete(cappedNote('Flow hours', cap));
  }
  return rows.map((f) => {
    const flow: FlowEntry = {
      hour: iso(f.hour),
      firstSeen: iso(f.firstSeen),
      lastSeen: iso(f.lastSeen),
      src: f.src,
      dst: f.dst,
      dstPort: f.dstPort,
      protocol: f.protocol,
      action: String(f.action),
      bytes: f.bytes ?? 0,
      packets: f.packets ?? 0,
      flows: f.flows ?? 0,
    };
    return { type: 'flow' as const, time: flow.firstSeen, flow };
  });
}

async function findingEntries(graph: Graph, ref: EntityRef, options: ExportOptions, cap: number, incomplete: (note: string) => void): Promise<TimelineEntry[]> {
  if (ref.kind === Label.Finding) return [];
  const result = await graph.read(findingsOfQuery(ref.kind), { key: ref.key, from: cypherInt(options.from), to: cypherInt(options.to), limit: cypherInt(cap + 1) });
  if (result.records.length > cap) {
    result.records.length = cap;
    incomplete(cappedNote('Findings', cap));
  }
  return result.records.map((r) => findingEntryOf((r.get('f') as Neo4jNode).properties as Record<string, unknown>, options.records === 'whole'));
}

/** A Finding node's properties as a timeline entry, at its first sighting; `withRaw`: with the finding as GuardDuty reported it. */
export function findingEntryOf(p: Record<string, unknown>, withRaw: boolean): TimelineEntry {
  const time = (p.eventFirstSeen ?? p.createdAt ?? p.updatedAt) as number;
  const finding: FindingEntry = {
    findingId: String(p.findingId),
    type: String(p.type),
    title: (p.title as string | undefined) ?? null,
    description: (p.description as string | undefined) ?? null,
    severity: (p.severity as number | undefined) ?? null,
    severityLabel: (p.severityLabel as string | undefined) ?? null,
    firstSeen: typeof p.eventFirstSeen === 'number' ? iso(p.eventFirstSeen) : null,
    lastSeen: typeof p.eventLastSeen === 'number' ? iso(p.eventLastSeen) : null,
    updatedAt: typeof p.updatedAt === 'number' ? iso(p.updatedAt) : null,
    accountId: (p.accountId as string | undefined) ?? null,
    region: (p.region as string | undefined) ?? null,
    sample: p.sample === true,
  };
  return { type: 'finding' as const, time: iso(time), finding, ...(withRaw ? { raw: parseRaw(p.raw) } : {}) };
}

/** The finding as GuardDuty reported it (secrets redacted at ingest), for formats that carry it. */
function parseRaw(raw: unknown): Record<string, unknown> | null {
  if (typeof raw !== 'string') return null;
  try {
    const value = JSON.parse(raw) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
