import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { JsonRecordScanner } from '../../ingest/read/jsonRecords';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { boltUri, localNeo4jOptions, startLocalNeo4j, stopLocalNeo4j } from '../../db/localNeo4j';
import { runCli } from '../support/runCli';
import { readManifest } from '../../store/manifest';
import { freePort } from '../support/freePort';
import { generateCloudTrailFile } from './generateCloudTrail';

/**
 * End-to-end ingest benchmark: generates realistic CloudTrail (cached under .bench/), starts a
 * fresh throwaway Neo4j and event store, and runs the real `trailhound ingest cloudtrail` command on it:
 *   1. --dry-run      the parsing ceiling (read, gunzip, parse, normalise; no database)
 *   2. first load     end-to-end events/s and the ingest process's peak RSS
 *   3. second load    the same file again: skipped by the ledger, no count changes
 *   4. as JSON Lines  the same events in another file: every event a duplicate by its eventId
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
    const extra = flags.extra.split(' ').filter(Boolean);
    const rows: string[] = [];
    const lines = input.replace(/\.json\.gz$/, '.jsonl.gz');
    if (!existsSync(lines)) await asJsonLines(input, lines);
    // Parse only needs no database, so it runs before one starts: a JVM starting up keeps a core
    // busy for a while. It still varies from run to run here (45,000-53,500 events/s at 1M).
    rows.push(await measure('parse only (--dry-run, before the database starts)', input, ['--dry-run', ...extra], process.env));
    const dataDir = mkdtempSync(join(tmpdir(), 'trailhound-bench-neo4j-'));
    const storeDir = mkdtempSync(join(tmpdir(), 'trailhound-bench-events-'));
    const options = localNeo4jOptions({ dataDir, port: await freePort(), heap: flags.heap, pageCache: flags.pagecache }, {});
    await startLocalNeo4j(options);
    const env = { ...process.env, NEO4J_URI: boltUri(options), TRAILHOUND_EVENTS_DIR: storeDir };
    try {
      for (const [name, file, args] of [
        ['first load', input, []],
        ['second load (the same file: in the ledger)', input, []],
        ['the same events as JSON Lines (duplicates by eventId)', lines, []],
      ] as const) {
        rows.push(await measure(name, file, [...args, ...extra], env));
      }
      const mb = (statSync(input).size / 1024 / 1024).toFixed(1);
      const stored = readManifest(storeDir).segments.reduce((sum, s) => sum + s.bytes, 0);
      process.stdout.write(
        `\n${events.toLocaleString('en-US')} events, ${input} (${mb} MB gzipped), Neo4j heap ${flags.heap}, page cache ${flags.pagecache}; ` +
          `event store ${(stored / 1024 / 1024).toFixed(1)} MB (${(stored / statSync(input).size).toFixed(2)} of the gzipped input)\n\n` +
          '| run | read | loaded | duplicates | wall time | events/s (wall) | peak RSS of ingest | peak RSS, whole command |\n|---|---|---|---|---|---|---|---|\n' +
          `${rows.join('\n')}\n`,
      );
    } finally {
      await stopLocalNeo4j(dataDir, () => {}, 60_000);
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(storeDir, { recursive: true, force: true });
    }
  });
await program.parseAsync(process.argv);

/** One `trailhound ingest cloudtrail` run, as a row of the table. */
async function measure(name: string, file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const started = Date.now();
  const result = await runCli(['ingest', 'cloudtrail', file, '--json', '--quiet', ...args], env);
  if (result.code !== 0) throw new Error(`${name} failed (${result.code}): ${result.stderr}`);
  const summary = JSON.parse(result.stdout) as { read: number; loaded: number; duplicates: number; seconds: number; peakRssMb: number };
  const wall = (Date.now() - started) / 1000;
  const row =
    `| ${name} | ${summary.read.toLocaleString('en-US')} | ${summary.loaded.toLocaleString('en-US')} | ${summary.duplicates.toLocaleString('en-US')} | ` +
    `${wall.toFixed(1)} s | ${Math.round(summary.read / wall).toLocaleString('en-US')} | ${summary.peakRssMb} MB | ${result.peakTreeRssMb} MB |`;
  process.stderr.write(`${name}: ${row}\n`);
  return row;
}

/** The events of an S3-delivery file as gzipped JSON Lines: another file, the same eventIds. */
async function asJsonLines(from: string, to: string): Promise<void> {
  const scanner = new JsonRecordScanner();
  const gzip = createGzip();
  const done = pipeline(gzip, createWriteStream(to));
  for await (const chunk of createReadStream(from).pipe(createGunzip())) {
    let text = '';
    for (const item of scanner.push(chunk as Buffer)) if (item.kind === 'record') text += `${item.record.text}\n`;
    if (!gzip.write(text)) await once(gzip, 'drain');
  }
  gzip.end();
  await done;
}
