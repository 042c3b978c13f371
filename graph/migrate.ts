import { nodes } from './schema/nodes';
import { SCHEMA_VERSION, schemaDigest, schemaStatements } from './cypher/migrations';
import { cypherInt, type Graph } from './driver';
import { Label } from './vocabulary';

export interface SchemaState {
  readonly version: number;
  readonly digest: string;
}

/**
 * Applies the declared constraints and indexes (idempotent) and records the schema version.
 * Run before every ingest and serve; waits until new indexes are online so that the first
 * MERGE after a migration seeks instead of scanning.
 */
export async function migrate(graph: Graph): Promise<SchemaState> {
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
