import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { boltUri, localNeo4jOptions, startLocalNeo4j, stopLocalNeo4j } from '../../db/localNeo4j';
import { Graph } from '../../graph/driver';
import { Label, Rel } from '../../graph/vocabulary';
import { freePort } from '../support/freePort';
import { runCli } from '../support/runCli';
import { readManifest } from '../../store/manifest';
import { generateFlowFile } from './generateFlows';

/**
 * Flow-log ingest benchmark: generates one .log.gz of N realistic flow records (cached under
 * .bench/), starts a fresh throwaway Neo4j, and runs the real `trailhound ingest vpcflow`:
 *   1. --dry-run    read, gunzip, parse and aggregate: the parsing ceiling
 *   2. first load   end-to-end lines/s and peak RSS, and how many FLOW edges the lines became
 *   3. second load  the same file again: skipped by the ledger before it is read
 */
await new Command('flow-benchmark')
  .option('--lines <n>', 'flow records in the generated file', '5000000')
  .option('--seed <n>', 'generator seed', '42')
  .action(async (flags: { lines: string; seed: string }) => {
    const lines = Number(flags.lines);
    const input = join('.bench', `flows-${lines}-seed${flags.seed}.log.gz`);
    if (!existsSync(input)) {
      process.stderr.write(`generating ${lines} flow records into ${input}...\n`);
      await generateFlowFile(input, lines, Number(flags.seed));
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'trailhound-bench-flows-'));
    const storeDir = mkdtempSync(join(tmpdir(), 'trailhound-bench-flow-events-'));
    const options = localNeo4jOptions({ dataDir, port: await freePort() }, {});
    await startLocalNeo4j(options);
    const env = { ...process.env, NEO4J_URI: boltUri(options), TRAILHOUND_EVENTS_DIR: storeDir };
    try {
      const rows: string[] = [];
      for (const [name, args] of [
        ['read + parse + aggregate (--dry-run)', ['--dry-run']],
        ['first load', []],
        ['second load (file already in the ledger)', []],
      ] as const) {
        const started = Date.now();
        const result = await runCli(['ingest', 'vpcflow', input, '--json', '--quiet', ...args], env);
        if (result.code !== 0) throw new Error(`${name} failed (${result.code}): ${result.stderr}`);
        const summary = JSON.parse(result.stdout) as { read: number; loaded: number; duplicates: number; peakRssMb: number };
        const wall = (Date.now() - started) / 1000;
        rows.push(
          `| ${name} | ${summary.read.toLocaleString('en-US')} | ${summary.loaded.toLocaleString('en-US')} | ${wall.toFixed(1)} s | ` +
            `${Math.round(summary.read / wall).toLocaleString('en-US')} | ${summary.peakRssMb} MB | ${result.peakTreeRssMb} MB |`,
        );
        process.stderr.write(`${rows[rows.length - 1]}\n`);
      }
      const graph = await Graph.connect({ uri: boltUri(options), user: 'neo4j', password: undefined, database: 'neo4j' });
      const shape = await graph.read<{ edges: number; records: number; addresses: number }>(
        `MATCH ()-[f:${Rel.FLOW}]->() WITH count(f) AS edges, sum(f.count) AS records
         MATCH (ip:${Label.IpAddress}) RETURN edges, records, count(ip) AS addresses`,
      );
      await graph.close();
      const s = shape.records[0]!;
      const mb = (statSync(input).size / 1024 / 1024).toFixed(1);
      const segments = readManifest(storeDir).segments;
      const stored = (table: string) => segments.filter((x) => x.table === table).reduce((n, x) => n + x.rows, 0);
      const bytes = segments.reduce((n, x) => n + x.bytes, 0);
      process.stdout.write(
        `\n${lines.toLocaleString('en-US')} flow records, ${input} (${mb} MB gzipped): they became ${s.get('edges').toLocaleString('en-US')} FLOW edges ` +
          `(${(s.get('records') / s.get('edges')).toFixed(1)} records per edge) between ${s.get('addresses').toLocaleString('en-US')} addresses; ` +
          `the event store holds ${stored('vpcflow').toLocaleString('en-US')} records and ${stored('vpcflow_hours').toLocaleString('en-US')} hourly volumes in ${(bytes / 1024 / 1024).toFixed(1)} MB\n\n` +
          '| run | lines read | loaded | wall time | lines/s (wall) | peak RSS of ingest | peak RSS, whole command |\n|---|---|---|---|---|---|---|\n' +
          `${rows.join('\n')}\n`,
      );
    } finally {
      await stopLocalNeo4j(dataDir, () => {}, 60_000);
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(storeDir, { recursive: true, force: true });
    }
  })
  .parseAsync(process.argv);
