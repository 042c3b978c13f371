import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boltUri, localNeo4jOptions, startLocalNeo4j, stopLocalNeo4j } from '../../db/localNeo4j';
import { BackgroundActivity } from '../../demo/cloudtrail/background';
import { buildWorld } from '../../demo/cloudtrail/world';
import { Random } from '../../demo/random';
import { Graph } from '../../graph/driver';
import { normalizeCloudTrailEvent } from '../../ingest/cloudtrail/normalize';
import { toCypherProps } from '../../graph/writePlan';
import { Label } from '../../graph/vocabulary';
import { freePort } from '../support/freePort';

/**
 * What one Event node costs Neo4j on this machine, apart from everything else ingest does:
 * batches of 5,000 nodes written in one transaction (commit included), median of 6 batches
 * after a warm-up batch. Explains the ceiling the end-to-end benchmark meets.
 */
const random = new Random(1);
const world = buildWorld(random);
const end = Date.UTC(2026, 10, 1);
const events = [...new BackgroundActivity(world, random, end - 86_400_000, end).events(40_000)];
const rows = events.map((event) => {
  const result = normalizeCloudTrailEvent(event);
  if (!result.ok) throw new Error(result.reason);
  return toCypherProps(Label.Event, result.facts.record!.props);
});

const dataDir = mkdtempSync(join(tmpdir(), 'trailhound-bench-nodes-'));
const options = localNeo4jOptions({ dataDir, port: await freePort() }, {});
await startLocalNeo4j(options);
const graph = await Graph.connect({ uri: boltUri(options), user: 'neo4j', password: undefined, database: 'neo4j' });
const label = 'BenchEvent';

async function trial(name: string, indexes: string[][], shape: (row: Record<string, unknown>) => Record<string, unknown>) {
  await graph.run(`CREATE CONSTRAINT bench_unique IF NOT EXISTS FOR (x:${label}) REQUIRE x.eventId IS UNIQUE`);
  for (const [i, props] of indexes.entries()) await graph.run(`CREATE INDEX bench_${i} IF NOT EXISTS FOR (x:${label}) ON (${props.map((p) => `x.${p}`).join(', ')})`);
  await graph.run('CALL db.awaitIndexes(300)');
  const times: number[] = [];
  for (let batch = 0; batch < 7; batch++) {
    const slice = rows.slice(batch * 5000, (batch + 1) * 5000).map(shape);
    const started = performance.now();
    await graph.write((tx) => tx.run(`UNWIND $rows AS row CREATE (e:${label}) SET e = row`, { rows: slice }));
    times.push(performance.now() - started);
  }
  const median = times.slice(1).sort((a, b) => a - b)[3]!;
  process.stdout.write(`| ${name} | ${Math.round(median)} ms | ${Math.round((median * 1000) / 5000)} µs | ${Math.round(5_000_000 / median).toLocaleString('en-US')} |\n`);
  await graph.run(`MATCH (x:${label}) CALL (x) { DELETE x } IN TRANSACTIONS OF 10000 ROWS`);
  await graph.run('DROP CONSTRAINT bench_unique');
  for (const i of indexes.keys()) await graph.run(`DROP INDEX bench_${i}`);
}

const eventIndexes = [['time'], ['principalKey', 'time'], ['sourceIp', 'time']];
const keyOnly = (row: Record<string, unknown>) => ({ eventId: row.eventId });
const withoutJson = ({ requestParameters: _r, responseElements: _s, raw: _w, ...rest }: Record<string, unknown>) => rest;
try {
  process.stdout.write('| Event node written as | per 5,000 | per node | nodes/s |\n|---|---|---|---|\n');
  await trial('eventId only (unique constraint)', [], keyOnly);
  await trial('filter properties, no JSON, + 3 indexes', eventIndexes, withoutJson);
  await trial('as Trailhound stores it (+ JSON text, + 3 indexes)', eventIndexes, (row) => row);
} finally {
  await graph.close();
  await stopLocalNeo4j(dataDir, () => {}, 60_000);
  rmSync(dataDir, { recursive: true, force: true });
}
