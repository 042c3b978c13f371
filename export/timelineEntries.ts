import type { Node as Neo4jNode, Relationship } from 'neo4j-driver';
import type { Graph } from '../graph/driver';
import { cypherInt } from '../graph/driver';
import type { EntityRef } from '../graph/investigations/entities';
import { findingsOfQuery, flowsOfQuery } from '../graph/investigations/readQueries';
import { iso } from '../graph/investigations/shapes';
import { isFiltered, timelineStream, type TimelineFilters } from '../graph/investigations/timeline';
import { Label } from '../graph/vocabulary';
import type { FindingEntry, FlowEntry, TimelineEntry } from './entries';

export interface ExportOptions {
  readonly from: number;
  readonly to: number;
  readonly includeSessions: boolean;
  /** Only the matching events; flows and findings are left out when any filter is set. */
  readonly filters?: TimelineFilters;
  /** Every event's stored record, for formats that carry it (OCSF, JSON). */
  readonly withRecords: boolean;
}

/** Flow hours and findings are bounded side lists; events stream without limit. */
const MAX_FLOWS = 200_000;
const MAX_FINDINGS = 10_000;

/**
 * An entity's whole timeline, oldest first, in batches: its CloudTrail events (and its sessions'
 * events), merged with the hours of flow traffic of its addresses and the findings about it.
 * Never held in memory whole: events stream from one ordered query.
 */
export async function* timelineEntries(graph: Graph, ref: EntityRef, options: ExportOptions): AsyncGenerator<TimelineEntry[]> {
  // The side lists are read while Neo4j finds and sorts the events (no event can arrive sooner).
  const sideLists = isFiltered(options.filters) ? Promise.resolve([]) : Promise.all([findingEntries(graph, ref, options), flowEntries(graph, ref, options)]).then((lists) => lists.flat().sort(byTime));
  sideLists.catch(() => undefined); // awaited below, with the first events or at the end
  let next = 0;
  const hasEvents = ref.kind !== Label.Finding && ref.kind !== Label.NetworkInterface && ref.kind !== Label.Account && ref.kind !== Label.UserAgent;
  if (hasEvents) {
    try {
      for await (const events of timelineStream(graph, ref, options)) {
        const side = await sideLists;
        const batch: TimelineEntry[] = [];
        for (const { event, raw } of events) {
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
  if (next < side.length) yield side.slice(next);
}

const byTime = (a: TimelineEntry, b: TimelineEntry) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0);

async function flowEntries(graph: Graph, ref: EntityRef, options: ExportOptions): Promise<TimelineEntry[]> {
  if (ref.kind !== Label.IpAddress && ref.kind !== Label.Ec2Instance) return [];
  const result = await graph.read(flowsOfQuery(ref.kind), { key: ref.key, from: cypherInt(options.from - 3_600_000), to: cypherInt(options.to), limit: cypherInt(MAX_FLOWS) }, { timeoutMs: 60_000 });
  return result.records.map((r) => {
    const f = (r.get('f') as Relationship).properties as Record<string, number | string>;
    const flow: FlowEntry = {
      hour: iso(f.hour as number),
      firstSeen: iso(f.firstSeen as number),
      lastSeen: iso(f.lastSeen as number),
      src: r.get('src') as string,
      dst: r.get('dst') as string,
      dstPort: f.dstPort as number,
      protocol: f.protocol as number,
      action: String(f.action),
      bytes: (f.bytes as number) ?? 0,
      packets: (f.packets as number) ?? 0,
      flows: (f.count as number) ?? 0,
    };
    return { type: 'flow' as const, time: flow.firstSeen, flow };
  });
}

async function findingEntries(graph: Graph, ref: EntityRef, options: ExportOptions): Promise<TimelineEntry[]> {
  if (ref.kind === Label.Event || ref.kind === Label.Finding) return [];
  const result = await graph.read(findingsOfQuery(ref.kind), { key: ref.key, from: cypherInt(options.from), to: cypherInt(options.to), limit: cypherInt(MAX_FINDINGS) });
  return result.records.map((r) => {
    const p = (r.get('f') as Neo4jNode).properties as Record<string, unknown>;
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
    return { type: 'finding' as const, time: iso(time), finding };
  });
}
