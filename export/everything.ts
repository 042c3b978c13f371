import type { Node as Neo4jNode } from 'neo4j-driver';
import { cypherInt, type Graph } from '../graph/driver';
import { everyEventStream } from '../graph/investigations/timeline';
import { Label } from '../graph/vocabulary';
import type { EventStore } from '../store/eventStore';
import { everyFlowRecordSql, FLOW_RECORD_COLUMNS } from '../store/queries/flows';
import { compact } from './ocsf/vocabulary';
import { flowRecordActivity, type StoredFlowRecord } from './ocsf/networkActivity';
import { ocsfRecord } from './ocsf';
import { findingEntryOf } from './timelineEntries';

/** Findings read from the graph a page at a time (they are few beside events and flows). */
const FINDINGS_PAGE = 5_000;

export interface EverythingCounts {
  findings: number;
  events: number;
  flows: number;
}

/**
 * Everything loaded in [from, to] as OCSF JSON Lines, for a SIEM or a data lake: every finding,
 * then every CloudTrail event, then every flow record, each in time order. Unlike an entity's
 * timeline, flows are the flow-log records themselves (not hourly sums), so that the export read
 * back (`trailhound ingest ocsf`) gives the same graph. Streamed: memory stays flat.
 */
export async function exportEverythingAsOcsf(graph: Graph, events: EventStore, range: { from: number; to: number }, write: (text: string) => Promise<void>): Promise<EverythingCounts> {
  const counts: EverythingCounts = { findings: 0, events: 0, flows: 0 };
  let buffer = '';
  const add = async (record: Record<string, unknown>) => {
    buffer += `${JSON.stringify(compact(record))}\n`;
    if (buffer.length >= 64 * 1024) {
      await write(buffer);
      buffer = '';
    }
  };

  for (let skip = 0; ; skip += FINDINGS_PAGE) {
    const page = await graph.read(
      `MATCH (f:${Label.Finding}) WHERE coalesce(f.eventFirstSeen, f.createdAt, f.updatedAt) >= $from AND coalesce(f.eventFirstSeen, f.createdAt, f.updatedAt) <= $to
       RETURN f ORDER BY coalesce(f.eventFirstSeen, f.createdAt, f.updatedAt), f.findingId SKIP $skip LIMIT $limit`,
      { from: cypherInt(range.from), to: cypherInt(range.to), skip: cypherInt(skip), limit: cypherInt(FINDINGS_PAGE) },
    );
    for (const r of page.records) {
      await add(ocsfRecord(findingEntryOf((r.get('f') as Neo4jNode).properties as Record<string, unknown>, true)));
      counts.findings += 1;
    }
    if (page.records.length < FINDINGS_PAGE) break;
  }

  for await (const batch of everyEventStream(graph, events, range.from, range.to)) {
    for (const { event, raw } of batch) {
      await add(ocsfRecord({ type: 'event', time: event.time, event, raw }));
      counts.events += 1;
    }
  }

  for await (const chunk of events.stream(everyFlowRecordSql, range, range)) {
    for (const row of chunk) {
      const values = JSON.parse(row[0] as string) as unknown[];
      const flow = Object.fromEntries(FLOW_RECORD_COLUMNS.map((c, i) => [c, values[i] ?? null])) as unknown as StoredFlowRecord;
      await add(flowRecordActivity(flow));
      counts.flows += 1;
    }
  }
  if (buffer) await write(buffer);
  return counts;
}
