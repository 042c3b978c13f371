import { createReadStream, createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DuckDBInstance } from '@duckdb/node-api';
import { ocsfLine } from '../../export/ocsf';
import { timelineEventOf } from '../../graph/investigations/timeline';
import { unwrapCloudTrail } from '../../ingest/cloudtrail/container';
import { normalizeCloudTrailEvent } from '../../ingest/cloudtrail/normalize';
import { quoteLiteral } from '../../store/sql';

const CLOUDTRAIL_FIXTURES = ['test/fixtures/cloudtrail/stratus-red-team', 'test/fixtures/cloudtrail/shapes', 'test/fixtures/cloudtrail/aws-processing-library-edge-cases'];

/** Trailhound's own OCSF records for every CloudTrail event of the fixtures (real trails and AWS's parser edge cases). */
export function fixtureOcsfRecords(): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (const dir of CLOUDTRAIL_FIXTURES) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      } catch {
        continue;
      }
      for (const unwrapped of unwrapCloudTrail(parsed)) {
        if (unwrapped.kind !== 'event') continue;
        const normalized = normalizeCloudTrailEvent(unwrapped.event);
        if (!normalized.ok) continue;
        const event = timelineEventOf(normalized.row as unknown as Record<string, unknown>, null);
        records.push(JSON.parse(ocsfLine({ type: 'event', time: event.time, event, raw: unwrapped.event })) as Record<string, unknown>);
      }
    }
  }
  return records;
}

/**
 * The export as Security Lake stores it: one Parquet file per source under
 * aws/<SOURCE>/2.0/region=…/accountId=…/eventDay=…/, with `unmapped` a map of text and the
 * request, response and resource details as JSON text, as the lake's tables declare them.
 */
export async function writeLakeParquet(jsonl: string, lake: string): Promise<void> {
  // Streamed line by line into one JSON Lines file per source (benchmarks write millions of records).
  const sources = ['CLOUD_TRAIL_MGMT', 'VPC_FLOW', 'SH_FINDINGS'] as const;
  mkdirSync(lake, { recursive: true });
  const outputs = Object.fromEntries(sources.map((s) => [s, { path: join(lake, `${s}.jsonl`), stream: createWriteStream(join(lake, `${s}.jsonl`)), lines: 0, unmapped: false }]));
  for await (const line of createInterface({ input: createReadStream(jsonl), crlfDelay: Infinity })) {
    if (line === '') continue;
    const record = JSON.parse(line) as Record<string, unknown> & { class_uid: number };
    const out = outputs[record.class_uid === 4001 ? 'VPC_FLOW' : record.class_uid === 2004 ? 'SH_FINDINGS' : 'CLOUD_TRAIL_MGMT']!;
    const shaped = lakeShape(record);
    out.unmapped ||= shaped.unmapped !== undefined;
    out.lines += 1;
    if (!out.stream.write(`${JSON.stringify(shaped)}\n`)) await once(out.stream, 'drain');
  }
  for (const out of Object.values(outputs)) await new Promise<void>((resolve) => out.stream.end(resolve));
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    for (const source of sources) {
      const out = outputs[source]!;
      if (out.lines > 0) {
        const dir = join(lake, 'aws', source, '2.0', 'region=us-east-1', 'accountId=900138736586', 'eventDay=20261101');
        mkdirSync(dir, { recursive: true });
        const select = out.unmapped ? 'SELECT * REPLACE (map_from_entries(unmapped) AS unmapped)' : 'SELECT *';
        await connection.run(
          `COPY (${select} FROM read_json(${quoteLiteral(out.path)}, format = 'newline_delimited', sample_size = -1))
           TO ${quoteLiteral(join(dir, `${source.toLowerCase()}.gz.parquet`))} (FORMAT parquet, COMPRESSION gzip)`,
        );
      }
      rmSync(out.path);
    }
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

/** Security Lake's column types: JSON text where OCSF says json_t, `unmapped` a flat map of text. */
export function lakeShape(record: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(record) as Record<string, any>;
  const asText = (holder: Record<string, any> | undefined, key: string) => {
    if (holder && holder[key] !== undefined) holder[key] = JSON.stringify(holder[key]);
  };
  asText(out.api?.request, 'data');
  asText(out.api?.response, 'data');
  for (const r of out.resources ?? []) asText(r, 'data');
  for (const e of out.evidences ?? []) asText(e, 'data');
  const entries: { k: string; v: string }[] = [];
  const flatten = (value: unknown, path: string) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0 && path.split('.').length < 2) {
      for (const [k, v] of Object.entries(value)) flatten(v, path ? `${path}.${k}` : k);
    } else {
      entries.push({ k: path, v: typeof value === 'string' ? value : JSON.stringify(value) });
    }
  };
  flatten(out.unmapped ?? {}, '');
  if (entries.length > 0) out.unmapped = entries;
  else delete out.unmapped;
  return out;
}
