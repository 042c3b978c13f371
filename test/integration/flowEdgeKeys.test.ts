import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDGE_KEY, edgeKeyOf } from '../../graph/cypher/edgeKeys';
import type { Graph } from '../../graph/driver';
import { nodes } from '../../graph/schema/nodes';
import { Label, Rel } from '../../graph/vocabulary';
import { runCli } from '../support/runCli';
import { connectTestGraph, testEnv, wipeGraph } from '../support/testGraph';

const FLOWS = join(import.meta.dirname, '..', 'fixtures', 'vpcflow', 'default-v2.valid.log');

type FlowEdge = {
  from: string;
  to: string;
  hour: number;
  dstPort: number;
  protocol: number;
  action: string;
  edgeKey: string | null;
  count: number;
  bytes: number;
};

/**
 * FLOW edges are merged by an indexed edgeKey. Graphs loaded before edges had one get it from
 * the schema migration, and later loads then add to those same edges.
 */
describe('FLOW edges are named by an indexed edgeKey', () => {
  let graph: Graph;
  const flowEdges = async () =>
    (
      await graph.read<FlowEdge>(
        `MATCH (a:${Label.IpAddress})-[f:${Rel.FLOW}]->(b:${Label.IpAddress})
         RETURN a.ip AS from, b.ip AS to, f.hour AS hour, f.dstPort AS dstPort, f.protocol AS protocol, f.action AS action,
                f.${EDGE_KEY} AS edgeKey, f.count AS count, f.bytes AS bytes
         ORDER BY edgeKey, from, to, hour, dstPort, protocol, action`,
      )
    ).records.map((r) => r.toObject());
  const ingest = async () => {
    const result = await runCli(['ingest', 'vpcflow', FLOWS, '--json'], testEnv());
    expect(result.code, result.stderr).toBe(0);
    return result.stderr;
  };

  beforeAll(async () => {
    graph = await connectTestGraph();
    await wipeGraph(graph);
  });
  afterAll(async () => graph.close());

  it('gives every FLOW edge the key of its endpoints, hour, port, protocol and action', async () => {
    // A new database needs no upgrade, and is not told about one.
    expect(await ingest()).not.toContain('schema version');
    const edges = await flowEdges();
    expect(edges.length).toBeGreaterThan(3);
    for (const edge of edges) expect(edge.edgeKey).toBe(edgeKeyOf(Rel.FLOW, edge.from, edge.to, edge));
  });

  it('names the edges of a graph loaded before edgeKey existed, so the next load adds to them', async () => {
    const loaded = await flowEdges();
    // The graph as the previous schema version left it: no edge keys, version 1, and a ledger
    // that does not know this file (so that its flows load again and must be added).
    await graph.run(`MATCH ()-[f:${Rel.FLOW}]->() REMOVE f.${EDGE_KEY}`);
    await graph.run(`MATCH (m:${Label.TrailhoundMeta} {${nodes.TrailhoundMeta.key}: 'schema'}) SET m.schemaVersion = 1`);
    await graph.run(`MATCH (o:${Label.IngestedObject}) DETACH DELETE o`);

    // The one-off upgrade says what it is doing before the load's own progress.
    expect(await ingest()).toContain('upgrading the graph to schema version 2');
    const after = await flowEdges();
    // Same edges, same keys as a fresh load gives them; every count and sum doubled.
    expect(after.map((e) => e.edgeKey)).toEqual(loaded.map((e) => e.edgeKey));
    expect(after.map((e) => [e.count, e.bytes])).toEqual(loaded.map((e) => [e.count * 2, e.bytes * 2]));
  });
});
