import { inject } from 'vitest';
import { Graph } from '../../graph/driver';
import type { Neo4jSettings } from '../../graph/config';
import { Group } from '../../graph/vocabulary';

export function testNeo4jSettings(): Neo4jSettings {
  return { uri: inject('neo4jUri'), user: 'neo4j', password: process.env.TRAILHOUND_TEST_NEO4J_PASSWORD, database: 'neo4j' };
}

/** Environment for running the real CLI against the test database. */
export function testEnv(): NodeJS.ProcessEnv {
  const settings = testNeo4jSettings();
  return { ...process.env, NEO4J_URI: settings.uri, ...(settings.password ? { NEO4J_PASSWORD: settings.password } : {}) };
}

export async function connectTestGraph(): Promise<Graph> {
  return Graph.connect(testNeo4jSettings());
}

/** Empties the test database (it is disposable by contract). Schema stays; migrations are idempotent. */
export async function wipeGraph(graph: Graph): Promise<void> {
  await graph.run('MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
}

/** Every (a)-[r]->(b) of the given types as readable strings "Label:key -TYPE-> Label:key". */
export async function relationshipTuples(graph: Graph, types: readonly string[]): Promise<Set<string>> {
  const result = await graph.read<{ tuple: string }>(
    `MATCH (a)-[r]->(b) WHERE type(r) IN $types
     WITH a, r, b, [l IN labels(a) WHERE l <> $group][0] AS la, [l IN labels(b) WHERE l <> $group][0] AS lb
     RETURN la + ':' + coalesce(a.principalKey, a.accessKeyId, a.ip, a.value, a.name, a.instanceId, a.arn, a.accountId, a.eventId)
            + ' -' + type(r) + '-> ' +
            lb + ':' + coalesce(b.principalKey, b.accessKeyId, b.ip, b.value, b.name, b.instanceId, b.arn, b.accountId, b.eventId) AS tuple`,
    { types, group: Group.Principal },
  );
  return new Set(result.records.map((r) => r.get('tuple')));
}

/** Counts that must not change when the same data is ingested again. */
export async function graphCounts(graph: Graph): Promise<Record<string, number>> {
  const nodes = await graph.read<{ label: string; n: number }>('MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n');
  const rels = await graph.read<{ type: string; n: number; total: number }>(
    'MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n, sum(coalesce(r.count, 0)) AS total',
  );
  const out: Record<string, number> = {};
  for (const r of nodes.records) out[`nodes:${r.get('label')}`] = r.get('n');
  for (const r of rels.records) {
    out[`rels:${r.get('type')}`] = r.get('n');
    out[`count:${r.get('type')}`] = r.get('total');
  }
  return out;
}
