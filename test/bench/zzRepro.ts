import { mkdirSync, rmSync } from 'node:fs';
import { Graph } from '../../graph/driver';
import { runCli } from '../../test/support/runCli';
const graph = await Graph.connect({ uri: 'bolt://127.0.0.1:7687', user: 'neo4j', password: undefined, database: 'neo4j' });
const storeDir = '/tmp/repro-store';
const input = process.argv[2] ?? '.bench/lake-100000-seed42';
const source = process.argv[3] ?? 'ocsf';
for (let i = 0; i < Number(process.argv[4] ?? 4); i++) {
  await graph.run('MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
  rmSync(storeDir, { recursive: true, force: true }); mkdirSync(storeDir, { recursive: true });
  const t = Date.now();
  const r = await runCli(['ingest', source, input, '--json', '--quiet'], { ...process.env, NEO4J_URI: 'bolt://127.0.0.1:7687', TRAILHOUND_EVENTS_DIR: storeDir });
  console.log(i, source, r.code, (Date.now() - t) / 1000, r.code ? r.stderr.slice(0, 600) : JSON.parse(r.stdout).loaded);
}
await graph.close();
