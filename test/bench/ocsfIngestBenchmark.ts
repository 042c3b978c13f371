import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { Command } from 'commander';
import { boltUri, localNeo4jOptions, startLocalNeo4j, stopLocalNeo4j } from '../../db/localNeo4j';
import { ocsfLine } from '../../export/ocsf';
import { Graph } from '../../graph/driver';
import { timelineEventOf } from '../../graph/investigations/timeline';
import { unwrapCloudTrail } from '../../ingest/cloudtrail/container';
import { normalizeCloudTrailEvent } from '../../ingest/cloudtrail/normalize';
import { JsonRecordScanner } from '../../ingest/read/jsonRecords';
import { freePort } from '../support/freePort';
import { runCli } from '../support/runCli';
import { quoteLiteral } from '../../store/sql';
import { writeLakeParquet } from '../support/securityLake';
import { generateCloudTrailFile } from './generateCloudTrail';

/**
 * Issue 22's target: ingesting OCSF Parquet as Security Lake stores it is at least as fast as
 * ingesting the same events as CloudTrail JSON. The same generated events (cached under .bench/)
 * are written once as Security Lake's CLOUD_TRAIL_MGMT Parquet (by Trailhound's own OCSF mapping,
 * request and response as JSON text, `unmapped` a map of text), then loaded into a fresh graph
 * and event store by the real `trailhound ingest`, alternating the two forms, `rounds` times each.
 */
await new Command('ocsf-ingest-benchmark')
  .option('--events <n>', 'CloudTrail events', '100000')
  .option('--rounds <n>', 'loads of each form', '3')
  .option('--rows-per-file <n>', 'write the lake as files of this many rows, as Security Lake writes a few minutes of one account and region (default: one file)')
  .action(async (flags: { events: string; rounds: string; rowsPerFile?: string }) => {
    const events = Number(flags.events);
    const json = join('.bench', `cloudtrail-${events}-seed42.json.gz`);
    if (!existsSync(json)) await generateCloudTrailFile(json, events, 42);
    const lake = join('.bench', `lake-${events}-seed42`);
    if (!existsSync(join(lake, 'aws'))) {
      process.stderr.write(`writing the same events as Security Lake Parquet into ${lake}...\n`);
      await asLake(json, lake);
    }
    const lakeFile = join(lake, 'aws', 'CLOUD_TRAIL_MGMT', '2.0', 'region=us-east-1', 'accountId=900138736586', 'eventDay=20261101', 'cloud_trail_mgmt.gz.parquet');
    let parquetBytes = statSync(lakeFile).size;
    let ocsfInput = lake;
    let files = 1;
    if (flags.rowsPerFile) {
      ocsfInput = `${lake}-split-${flags.rowsPerFile}`;
      if (!existsSync(ocsfInput)) await splitLake(lakeFile, ocsfInput, Number(flags.rowsPerFile));
      const day = join(ocsfInput, 'aws', 'CLOUD_TRAIL_MGMT', '2.0', 'region=us-east-1', 'accountId=900138736586', 'eventDay=20261101');
      const names = readdirSync(day);
      files = names.length;
      parquetBytes = names.reduce((sum, name) => sum + statSync(join(day, name)).size, 0);
    }

    const dataDir = mkdtempSync(join(tmpdir(), 'trailhound-bench-neo4j-'));
    const storeDir = mkdtempSync(join(tmpdir(), 'trailhound-bench-events-'));
    const options = localNeo4jOptions({ dataDir, port: await freePort() }, {});
    await startLocalNeo4j(options);
    const env = { ...process.env, NEO4J_URI: boltUri(options), TRAILHOUND_EVENTS_DIR: storeDir };
    const graph = await Graph.connect({ uri: boltUri(options), user: 'neo4j', password: undefined, database: 'neo4j' });
    const times: Record<string, number[]> = { cloudtrail: [], ocsf: [] };
    try {
      for (let round = 0; round < Number(flags.rounds); round++) {
        for (const [form, args] of [
          ['cloudtrail', ['ingest', 'cloudtrail', json]],
          ['ocsf', ['ingest', 'ocsf', ocsfInput]],
        ] as const) {
          await graph.run('MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
          rmSync(storeDir, { recursive: true, force: true });
          mkdirSync(storeDir, { recursive: true });
          const started = Date.now();
          const result = await runCli([...args, '--json', '--quiet'], env);
          const seconds = (Date.now() - started) / 1000;
          if (result.code !== 0) throw new Error(`${form}: ${result.stderr}`);
          const summary = JSON.parse(result.stdout) as { loaded: number };
          if (summary.loaded !== events) throw new Error(`${form} loaded ${summary.loaded} of ${events} events`);
          times[form]!.push(seconds);
          process.stderr.write(`round ${round + 1} ${form}: ${seconds.toFixed(1)} s (${Math.round(events / seconds).toLocaleString('en-US')} events/s)\n`);
        }
      }
    } finally {
      await graph.close();
      await stopLocalNeo4j(dataDir, () => {}, 60_000);
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(storeDir, { recursive: true, force: true });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const row = (form: string, what: string, bytes: number) =>
      `| ${what} | ${(bytes / 1024 / 1024).toFixed(1)} MB | ${times[form]!.map((t) => t.toFixed(1)).join(', ')} s | ${median(times[form]!).toFixed(1)} s | ${Math.round(events / median(times[form]!)).toLocaleString('en-US')} |`;
    process.stdout.write(
      `\n${events.toLocaleString('en-US')} events, loaded into an empty graph and store each time, alternating, ${flags.rounds} rounds:\n\n` +
        '| input | size | wall times | median | events/s at the median |\n|---|---|---|---|---|\n' +
        `${row('cloudtrail', 'CloudTrail JSON (S3 delivery, .json.gz)', statSync(json).size)}\n` +
        `${row('ocsf', `the same events as Security Lake OCSF Parquet (gzip, ${files.toLocaleString('en-US')} file${files === 1 ? '' : 's'})`, parquetBytes)}\n\n` +
        `OCSF / CloudTrail time at the median: ${(median(times.ocsf!) / median(times.cloudtrail!)).toFixed(2)}\n`,
    );
  })
  .parseAsync(process.argv);

/** The events of a CloudTrail file as Trailhound's OCSF lines, then as Security Lake's Parquet. */
async function asLake(json: string, lake: string): Promise<void> {
  const jsonl = join(tmpdir(), `trailhound-bench-ocsf-${process.pid}.jsonl`);
  const out = createWriteStream(jsonl);
  const scanner = new JsonRecordScanner();
  for await (const chunk of createReadStream(json).pipe(createGunzip())) {
    let text = '';
    for (const item of scanner.push(chunk as Buffer)) {
      if (item.kind !== 'record') continue;
      for (const unwrapped of unwrapCloudTrail(JSON.parse(item.record.text))) {
        if (unwrapped.kind !== 'event') continue;
        const normalized = normalizeCloudTrailEvent(unwrapped.event);
        if (!normalized.ok) continue;
        const event = timelineEventOf(normalized.row as unknown as Record<string, unknown>, null);
        text += ocsfLine({ type: 'event', time: event.time, event, raw: unwrapped.event });
      }
    }
    if (!out.write(text)) await once(out, 'drain');
  }
  await new Promise<void>((resolve) => out.end(resolve));
  await writeLakeParquet(jsonl, lake);
  rmSync(jsonl);
}

/** The lake's one file rewritten as files of `rows` rows each, in the same folder layout. */
async function splitLake(file: string, into: string, rows: number): Promise<void> {
  const day = join(into, 'aws', 'CLOUD_TRAIL_MGMT', '2.0', 'region=us-east-1', 'accountId=900138736586', 'eventDay=20261101');
  mkdirSync(day, { recursive: true });
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    await connection.run(`CREATE TABLE lake AS SELECT *, (row_number() OVER () - 1) // ${rows} AS part FROM read_parquet(${quoteLiteral(file)})`);
    const parts = Number((await connection.runAndReadAll('SELECT max(part) + 1 FROM lake')).getRows()[0]![0]);
    for (let part = 0; part < parts; part++) {
      const out = join(day, `part-${String(part).padStart(5, '0')}.gz.parquet`);
      await connection.run(`COPY (SELECT * EXCLUDE (part) FROM lake WHERE part = ${part}) TO ${quoteLiteral(out)} (FORMAT parquet, COMPRESSION gzip)`);
    }
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}
