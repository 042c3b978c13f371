import { nodes } from './schema/nodes';
import { escapeName as n } from './cypher/escape';
import { SCHEMA_VERSION, schemaDigest, schemaStatements } from './cypher/migrations';
import { cypherInt, type Graph } from './driver';
import { TrailhoundError } from './errors';
import { Label } from './vocabulary';

export interface SchemaState {
  readonly version: number;
  readonly digest: string;
}

/** The schema version since which raw events live in the event store, not in the graph. */
export const EVENT_STORE_SINCE = 3;

/**
 * The label of a CloudTrail event node in graphs of schema version 2 and before, whose
 * properties raw, requestParameters and responseElements hold the record (read by rebuild).
 */
export const LEGACY_EVENT_LABEL = 'Event';

/**
 * Applies the declared constraints and indexes (idempotent) and records the schema version.
 * Run before every ingest and serve; waits until new indexes are online so that the first
 * MERGE after a migration seeks instead of scanning. A graph loaded by a version that kept
 * events in Neo4j is refused with the command that rebuilds it: its aggregates (one FLOW edge
 * per hour and port) and its events cannot be read as this version's.
 */
export async function migrate(graph: Graph, _note: (message: string) => void = () => {}): Promise<SchemaState> {
  const before = await readSchemaState(graph);
  if (before && before.version < EVENT_STORE_SINCE && (await holdsData(graph))) throw oldGraph(before.version);
  for (const statement of schemaStatements()) await graph.run(statement);
  await graph.run('CALL db.awaitIndexes(600)');
  const state = { version: SCHEMA_VERSION, digest: schemaDigest() };
  await graph.run(
    `MERGE (m:${Label.TrailhoundMeta} {${nodes.TrailhoundMeta.key}: 'schema'})
     SET m.schemaVersion = $version, m.schemaDigest = $digest, m.migratedAt = $now`,
    { version: cypherInt(state.version), digest: state.digest, now: cypherInt(Date.now()) },
  );
  return state;
}

/** The schema a database says it carries, or null before the first migration. */
export async function readSchemaState(graph: Graph): Promise<SchemaState | null> {
  const result = await graph.read<{ version: number; digest: string }>(
    `MATCH (m:${Label.TrailhoundMeta} {${nodes.TrailhoundMeta.key}: 'schema'}) RETURN m.schemaVersion AS version, m.schemaDigest AS digest`,
  );
  const record = result.records[0];
  return record ? { version: record.get('version'), digest: record.get('digest') } : null;
}

/** Whether the graph holds anything but bookkeeping. */
async function holdsData(graph: Graph): Promise<boolean> {
  const result = await graph.read(`MATCH (x) WHERE NOT x:${n(Label.TrailhoundMeta)} RETURN count(x) > 0 AS any LIMIT 1`);
  return result.records[0]?.get('any') === true;
}

export function oldGraph(version: number): TrailhoundError {
  return new TrailhoundError(
    'OLD_GRAPH',
    `This graph was loaded by an earlier Trailhound (schema version ${version}), which kept every event in Neo4j; this version keeps events in an event store beside the graph.`,
    'Rebuild it once (it re-reads the events and findings in it, and the flow-log files in its ledger): npx trailhound rebuild',
  );
}
