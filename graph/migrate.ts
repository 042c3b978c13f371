import { nodes } from './schema/nodes';
import { relationships } from './schema/relationships';
import { EDGE_KEY, edgeKeyExpression, keyedRelationships } from './cypher/edgeKeys';
import { escapeName as n } from './cypher/escape';
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
 * MERGE after a migration seeks instead of scanning. `note` hears about slow one-off upgrades.
 */
export async function migrate(graph: Graph, note: (message: string) => void = () => {}): Promise<SchemaState> {
  const before = await readSchemaState(graph);
  for (const statement of schemaStatements()) await graph.run(statement);
  await graph.run('CALL db.awaitIndexes(600)');
  if (!before || before.version < EDGE_KEYS_SINCE) {
    // A new database has no edges to name; an older one can have millions (a minute or so).
    if (before) note('upgrading the graph to schema version 2: naming its FLOW edges (once; about a minute per million edges)');
    await nameParallelEdges(graph);
  }
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

/** The schema version whose parallel edges carry an edgeKey. */
const EDGE_KEYS_SINCE = 2;

/**
 * Schema version 2: edges written before parallel edges carried an edgeKey get theirs, or the
 * next load would MERGE a second edge beside each of them. Once per database, in transactions
 * of 10,000 so a large graph does not need one huge transaction.
 */
async function nameParallelEdges(graph: Graph): Promise<void> {
  for (const type of keyedRelationships()) {
    for (const from of relationships[type].from) {
      for (const to of relationships[type].to) {
        const [a, b] = [`a.${n(nodes[from].key)}`, `b.${n(nodes[to].key)}`];
        await graph.run(
          `MATCH (a:${n(from)})-[r:${n(type)}]->(b:${n(to)}) WHERE r.${n(EDGE_KEY)} IS NULL
           CALL (a, r, b) { SET r.${n(EDGE_KEY)} = ${edgeKeyExpression(type, a, b, 'r')} } IN TRANSACTIONS OF 10000 ROWS`,
        );
      }
    }
  }
}
