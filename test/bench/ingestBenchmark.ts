import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { boltUri, localNeo4jOptions, startLocalNeo4j, stopLocalNeo4j } from '../../db/localNeo4j';
import { runCli } from '../support/runCli';
import { freePort } from '../support/freePort';
import { generateCloudTrailFile } from './generateCloudTrail';

/**
 * End-to-end ingest benchmark: generates realistic CloudTrail (cached under .bench/), starts a
 * fresh throwaway Neo4j, and runs the real `trailhound ingest cloudtrail` command on it:
 *   1. --dry-run      the parsing ceiling (read, gunzip, parse, normalise; no database)
 *   2. first load     end-to-end events/s and the ingest process's peak RSS
 *   3. second load    the same file again: every event a duplicate, no count changes
 * Prints a Markdown table for docs/benchmarks.md.
 */
const program = new Command('ingest-benchmark')
  .option('--events <n>', 'events in the generated file', '200000')
  .option('--seed <n>', 'generator seed', '42')
  .option('--heap <size>', 'Neo4j heap', '3g')
  .option('--pagecache <size>', 'Neo4j page cache', '4g')
  .option('--extra <args>', 'extra arguments for the ingest command, e.g. "--batch-size 10000"', '')
  .action(async (flags: { events: string; seed: string; heap: string; pagecache: string; extra: string }) => {
    const events = Number(flags.events);
    const input = join('.bench', `cloudtrail-${events}-seed${flags.seed}.json.gz`);
    if (!existsSync(input)) {
      process.stderr.write(`generating ${events} events into ${input}...\n`);
      await generateCloudTrailFile(input, events, Number(flags.seed));
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'trailhound-bench-neo4j-'));
    const options = localNeo4jOptions({ dataDir, port: await freePort(), heap: flags.heap, pageCache: flags.pagecache }, {});
    await startLocalNeo4j(options);
    const env = { ...process.env, NEO4J_URI: boltUri(options) };
    const extra = flags.extra.split(' ').filter(Boolean);
    try {
      const rows: string[] = [];
      for (const [name, args] of [
        ['parse only (--dry-run)', ['--dry-run']],
        ['first load', []],
        ['second load (all duplicates)', []],
      ] as const) {
        const started = Date.now();
        const result = await runCli(['ingest', 'cloudtrail', input, '--json', '--quiet', ...args, ...extra], env);
        if (result.code !== 0) throw new Error(`${name} failed (${result.code}): ${result.stderr}`);
        const summary = JSON.parse(result.stdout) as { read: number; loaded: number; duplicates: number; seconds: number; peakRssMb: number };
        const wall = (Date.now() - started) / 1000;
        rows.push(
          `| ${name} | ${summary.read.toLocaleString('en-US')} | ${summary.loaded.toLocaleString('en-US')} | ${summary.duplicates.toLocaleString('en-US')} | ` +
            `${wall.toFixed(1)} s | ${Math.round(summary.read / wall).toLocaleString('en-US')} | ${summary.peakRssMb} MB | ${result.peakTreeRssMb} MB |`,
        );
        process.stderr.write(`${name}: ${rows[rows.length - 1]}\n`);
      }
      const mb = (statSync(input).size / 1024 / 1024).toFixed(1);
      process.stdout.write(
        `\n${events.toLocaleString('en-US')} events, ${input} (${mb} MB gzipped), Neo4j heap ${flags.heap}, page cache ${flags.pagecache}\n\n` +
          '| run | read | loaded | duplicates | wall time | events/s (wall) | peak RSS of ingest | peak RSS, whole command |\n|---|---|---|---|---|---|---|---|\n' +
          `${rows.join('\n')}\n`,
      );
    } finally {
      await stopLocalNeo4j(dataDir, () => {}, 60_000);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
await program.parseAsync(process.argv);
