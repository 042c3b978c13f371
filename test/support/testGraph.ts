import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { Graph } from '../../graph/driver';
import { openEventStore, type EventStore, type StoreParams, type TableSources } from '../../store/eventStore';
import type { Neo4jSettings } from '../../graph/config';
import { Group } from '../../graph/vocabulary';

export function testNeo4jSettings(): Neo4jSettings {
  return { uri: inject('neo4jUri'), user: 'neo4j', password: process.env.TRAILHOUND_TEST_NEO4J_PASSWORD, database: 'neo4j' };
}

/**
 * The test database's event store: a folder of this test process's own, emptied with the graph
 * (wipeGraph), since a graph and its store are loaded together.
 */
export const TEST_STORE_DIR = join(tmpdir(), `trailhound-test-events-${process.pid}`);

/** Environment for running the real CLI against the test database and its event store. */
export function testEnv(): NodeJS.ProcessEnv {
  const settings = testNeo4jSettings();
  return { ...process.env, NEO4J_URI: settings.uri, TRAILHOUND_EVENTS_DIR: TEST_STORE_DIR, ...(settings.password ? { NEO4J_PASSWORD: settings.password } : {}) };
}

/** The test graph's event store, opened for reading as a server opens it. */
export function openTestStore(graph: Graph): Promise<EventStore> {
  return openEventStore(graph, TEST_STORE_DIR);
}

export async function connectTestGraph(): Promise<Graph> {
  return Graph.connect(testNeo4jSettings());
}

/**
 * Empties the test database (it is disposable by contract) and its event store. Schema stays;
 * migrations are idempotent.
 */
export async function wipeGraph(graph: Graph): Promise<void> {
  await graph.run('MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
  rmSync(TEST_STORE_DIR, { recursive: true, force: true });
  mkdirSync(TEST_STORE_DIR, { recursive: true });
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
  // Event store commit markers are left out: how many there are depends on how the windows fell
  // (a rerun after a crash commits in other windows), not on what was loaded.
  const nodes = await graph.read<{ label: string; n: number }>(
    "MATCH (n) WHERE NOT coalesce(n.contentHash STARTS WITH 'commit:', false) UNWIND labels(n) AS label RETURN label, count(*) AS n",
  );
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

/** Rows of a read query over the test store (opened and closed around it, as a fresh reader would). */
export async function storeRows<R = Record<string, unknown>>(graph: Graph, sql: (t: TableSources) => string, params: StoreParams = {}): Promise<R[]> {
  const events = await openTestStore(graph);
  try {
    return await events.all<R>(sql, params);
  } finally {
    await events.close();
  }
}

/**
 * What the test store holds, in numbers that must not change when the same data is ingested
 * again, or after a crash and a rerun: rows per table, distinct events, a digest of their ids,
 * and the flow sums.
 */
export async function storeCounts(graph: Graph): Promise<Record<string, unknown>> {
  const [events] = await storeRows(graph, (t) => `SELECT count(*) AS rows, count(DISTINCT eventId) AS ids, md5(coalesce(string_agg(eventId, ',' ORDER BY eventId), '')) AS digest FROM ${t.cloudtrail}`);
  const [flows] = await storeRows(graph, (t) => `SELECT count(*) AS rows, coalesce(sum(bytes), 0) AS bytes, coalesce(sum(packets), 0) AS packets FROM ${t.vpcflow}`);
  const [hours] = await storeRows(graph, (t) => `SELECT coalesce(sum(flows), 0) AS flows, coalesce(sum(bytes), 0) AS bytes FROM ${t.vpcflow_hours}`);
  return { events, flows, hours };
}
