import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FactsBuilder } from '../../graph/facts';
import { describeOcsfClass, ocsfFamily } from '../../ingest/ocsf/classes';
import { convertOcsfRow, convertOcsfText, type Converted } from '../../ingest/ocsf/convert';
import { conversionThreadsStarted, convertedParquet, endIdleConversionThread } from '../../ingest/ocsf/converter';
import { parquetRecordTexts } from '../../ingest/ocsf/parquetRecords';
import { pathTree } from '../../ingest/ocsf/parquetProjection';
import { mayBeLenient } from '../../ingest/ocsf/rawJson';
import { readConverted } from '../../ingest/ocsf/source';
import { CLOUDTRAIL_PATHS, cloudTrailFromOcsf } from '../../ingest/ocsf/toCloudTrail';
import { UnreadableParquet } from '../../ingest/vpcflow/parquet';
import { quoteLiteral } from '../../store/sql';
import { fixtureOcsfRecords, lakeShape } from '../support/securityLake';

/**
 * Security Lake's CloudTrail rows are read as a projection (only the fields the CloudTrail event
 * is rebuilt from, request and response data apart as text): every row must read exactly as it
 * does from the whole record, the path every other row and every JSON Lines record takes.
 */

/** Rows as Security Lake shapes them, then rows whose request or response data is whatever a hostile or broken writer puts there. */
function lakeRows(records: Record<string, unknown>[]): Record<string, any>[] {
  const rows = records.map((r) => lakeShape(r) as Record<string, any>);
  const withData = rows.find((r) => typeof r.api?.request?.data === 'string' && r.api.request.data.length > 10)!;
  const variant = (i: number, change: (row: Record<string, any>) => void) => {
    const row = structuredClone(withData);
    row.metadata.uid = `variant-${i}`;
    change(row);
    rows.push(row);
  };
  const deep = '{"a":'.repeat(70) + '1' + '}'.repeat(70);
  const datas = [
    '{"a":NaN}', '{"a":-Infinity,"b":1}', '{"a":inf}', '{"list":[1,2,]}', '{"a":1 , }', '[1,2]', '"just text"', 'not json at all', '', 'null',
    '{"a":"\\ud800"}', '{\n  "pretty": "printed",\n  "n": [1, 2]\n}', '{"password":"hunter2","secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}',
    `{"big":"${'x'.repeat(1_200_000)}"}`, deep, '{"10":1,"b":2,"2":3}', '{"financial":"information: NaN in a string, inf too, and [1,] text"}',
    '{"a":1e999}', `{"a":${'9'.repeat(400)}}`, '{"a":1e-999,"b":1E+308,"c":-0}', '{"dup":1,"dup":2}', '{"text":"\\u0000\\u001f control"}',
  ];
  datas.forEach((data, i) => variant(i, (row) => (row.api.request.data = data)));
  datas.forEach((data, i) => variant(100 + i, (row) => (row.api.response = { ...(row.api.response ?? {}), data })));
  variant(200, (row) => (row.api.request = null));
  variant(201, (row) => (row.api.response = null));
  variant(202, (row) => (row.api = null));
  variant(203, (row) => (row.actor = null));
  variant(204, (row) => (row.resources = null));
  variant(205, (row) => (row.resources = [{ uid: null, type: null }, null]));
  variant(206, (row) => (row.class_uid = 'not a number'));
  variant(207, (row) => (row.class_uid = 4001));
  variant(208, (row) => (row.http_request = { user_agent: '\u0000looks like a token:1' }));
  return rows;
}

async function writeParquet(rows: Record<string, any>[], dir: string): Promise<string> {
  const jsonl = join(dir, 'rows.jsonl');
  writeFileSync(jsonl, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const parquet = join(dir, 'cloud_trail_mgmt.gz.parquet');
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    await connection.run(
      `COPY (SELECT * REPLACE (map_from_entries(unmapped) AS unmapped) FROM read_json(${quoteLiteral(jsonl)}, format = 'newline_delimited', sample_size = -1))
       TO ${quoteLiteral(parquet)} (FORMAT parquet, COMPRESSION gzip)`,
    );
  } finally {
    connection.closeSync();
    db.closeSync();
  }
  return parquet;
}

/** Each row as the whole record, the way every row was read before the projection. */
async function wholeRecords(parquet: string): Promise<string[]> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    const result = await connection.runAndReadAll(`SELECT to_json(r)::VARCHAR FROM read_parquet(${quoteLiteral(parquet)}) r`);
    return result.getRows().map((row) => row[0] as string);
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

/** What ingest makes of a converted row: its rejection, its finding, or its event's store row and evidence. */
function outcome(c: Converted, index: number): unknown {
  if (c.k === 'other' || c.k === 'flow') return c;
  if (c.k === 'invalid') return { reject: c.reason };
  const item = readConverted(c, { index, line: index, byteOffset: 0 });
  if (item.kind === 'reject') return { reject: item.reason };
  if (item.kind !== 'event') return item;
  const facts = new FactsBuilder(item.event.time);
  const row = item.event.normalize(facts) as unknown as Record<string, unknown>;
  return { eventId: item.event.eventId, row: { ...row, record: JSON.parse(row.record as string) }, facts: facts.build() };
}

describe("Security Lake's Parquet: CloudTrail rows read as a projection", () => {
  let dir: string;
  let whole: unknown[];
  let projected: unknown[];
  let rows: Record<string, any>[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trailhound-projection-'));
    rows = lakeRows(fixtureOcsfRecords());
    const parquet = await writeParquet(rows, dir);
    whole = (await wholeRecords(parquet)).map((text, i) => outcome(convertOcsfText(text), i));
    projected = [];
    for await (const batch of parquetRecordTexts(parquet)) for (const row of batch) projected.push(outcome(convertOcsfRow(row), projected.length));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every row exactly as the whole record reads: the same event, store row, evidence or rejection', () => {
    expect(rows.length).toBeGreaterThan(100);
    expect(projected).toHaveLength(whole.length);
    for (const [i, expected] of whole.entries()) expect(projected[i], `row ${i} (${rows[i]!.metadata?.uid})`).toEqual(expected);
    // The rows cover what they are meant to: loaded events, rejections, and another class.
    const kinds = whole.map((o) => ('eventId' in (o as object) ? 'event' : 'reject' in (o as object) ? 'reject' : 'other'));
    expect(kinds.filter((k) => k === 'event').length).toBeGreaterThan(90);
    expect(kinds).toContain('reject');
    expect(kinds).toContain('other');
  });

  it('keeps no secret from request or response data, and cuts what is too large, as for a raw event', () => {
    const stored = projected.map((o) => JSON.stringify((o as { row?: { record: unknown } }).row?.record ?? null)).join('\n');
    expect(stored).not.toContain('hunter2');
    expect(stored).not.toContain('wJalrXUtnFEMI');
    expect(stored).toContain('trailhoundTruncated');
    expect(stored).not.toContain('x'.repeat(300_000));
  });

  it('hands request and response data over apart only when DuckDB reads it as one JSON object, and trusts it only where JSON.parse reads it alike', async () => {
    const apart: Record<string, string | null> = {};
    let i = 0;
    for await (const batch of parquetRecordTexts(join(dir, 'cloud_trail_mgmt.gz.parquet'))) {
      for (const row of batch) apart[String(rows[i++]!.metadata?.uid)] = row.request;
    }
    expect(apart['variant-5']).toBeNull(); // an array
    expect(apart['variant-7']).toBeNull(); // not JSON
    expect(apart['variant-10']).toBeNull(); // a lone surrogate: DuckDB refuses it, JSON.parse does not
    expect(apart['variant-11']).toContain('"pretty"');
    expect(apart['variant-15']).toBe('{"10":1,"b":2,"2":3}');
    // What DuckDB reads and JSON.parse does not, or reads otherwise, is parsed as the whole record parses it.
    for (const lenient of [0, 1, 2, 3, 4, 17, 18]) expect(mayBeLenient(apart[`variant-${lenient}`]!), `variant-${lenient}`).toBe(true);
    for (const strict of [11, 12, 15]) expect(mayBeLenient(apart[`variant-${strict}`]!), `variant-${strict}`).toBe(false);
    // Identifiers that hold "e" and digits (a UUID, an AMI) are not mistaken for a large number.
    expect(mayBeLenient('{"requestId":"9b2e4e31-4e99-4e10-ae8d-1e0c2f7d8e00","imageId":"ami-0abcdef1234567890","n":12}')).toBe(false);
  });
});

describe('the projection holds every field the conversion reads', () => {
  /** A record that notes every path read from it ("actor.user.uid", "resources[].uid"). */
  function recording(value: unknown, path: string, read: Set<string>): unknown {
    if (value === null || typeof value !== 'object') return value;
    return new Proxy(value as object, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver);
        if (typeof key !== 'string') return v;
        if (Array.isArray(target)) return /^\d+$/.test(key) ? recording(v, `${path}[]`, read) : v;
        const at = path ? `${path}.${key}` : key;
        read.add(at);
        return recording(v, at, read);
      },
    });
  }

  it('covers every path cloudTrailFromOcsf, ocsfFamily and describeOcsfClass read, from every fixture', () => {
    const read = new Set<string>();
    const records = fixtureOcsfRecords();
    expect(records.length).toBeGreaterThan(90);
    for (const record of records) {
      const shaped = lakeShape(record);
      for (const r of [record, shaped]) {
        const proxied = recording(r, '', read) as Record<string, unknown>;
        ocsfFamily(proxied);
        describeOcsfClass(proxied);
        cloudTrailFromOcsf(proxied);
      }
    }
    const tree = pathTree(CLOUDTRAIL_PATHS);
    const covered = (path: string) => {
      let node: unknown = tree;
      for (const part of path.replaceAll('[]', '.[]').split('.')) {
        if (node === true) return true;
        node = (node as Record<string, unknown>)[part];
        if (node === undefined) return false;
      }
      return true;
    };
    const missing = [...read].filter((path) => !covered(path));
    expect(missing).toEqual([]);
    // The check can fail: a path outside the list is noticed.
    expect(covered('actor.user.not_a_field')).toBe(false);
  });
});

describe('the conversion thread, kept from file to file', () => {
  let dir: string;
  let files: string[];
  let expected: unknown[][];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trailhound-conversion-thread-'));
    const rows = fixtureOcsfRecords().map((r) => lakeShape(r) as Record<string, any>);
    // A file of several batches (DuckDB hands over about 2,048 rows at a time), then small ones.
    const many = Array.from({ length: 5000 }, (_, i) => ({ ...structuredClone(rows[i % rows.length]!), metadata: { ...rows[i % rows.length]!.metadata, uid: `many-${i}` } }));
    files = [];
    for (const [i, part] of [many, rows.slice(0, 40), rows.slice(40, 80), rows.slice(80)].entries()) {
      const sub = join(dir, `f${i}`);
      mkdirSync(sub);
      files.push(await writeParquet(part, sub));
    }
    expected = [];
    for (const file of files) {
      const out: unknown[] = [];
      for await (const batch of parquetRecordTexts(file)) for (const row of batch) out.push(outcome(convertOcsfRow(row), out.length));
      expected.push(out);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function converted(file: string, stopAfter = Infinity): Promise<unknown[]> {
    const out: unknown[] = [];
    let batches = 0;
    for await (const batch of convertedParquet(file)) {
      for (const c of batch) out.push(outcome(c, out.length));
      if (++batches >= stopAfter) break;
    }
    return out;
  }

  it('converts file after file on one thread, each as this thread converts it', async () => {
    const before = conversionThreadsStarted();
    for (const [i, file] of files.entries()) expect(await converted(file), `file ${i}`).toEqual(expected[i]);
    for (const [i, file] of files.entries()) expect(await converted(file), `file ${i} again`).toEqual(expected[i]);
    expect(conversionThreadsStarted() - before).toBeLessThanOrEqual(1);
  });

  it('after a file left half read, or one that cannot be read, the next file converts whole', async () => {
    const before = conversionThreadsStarted();
    const half = await converted(files[0]!, 1);
    expect(half.length).toBeGreaterThan(0);
    expect(half.length).toBeLessThan(expected[0]!.length);
    expect(await converted(files[1]!)).toEqual(expected[1]);

    const broken = join(dir, 'broken.parquet');
    writeFileSync(broken, readFileSync(files[2]!).subarray(0, 300));
    await expect(converted(broken)).rejects.toBeInstanceOf(UnreadableParquet);
    expect(await converted(files[2]!)).toEqual(expected[2]);
    expect(await converted(files[0]!)).toEqual(expected[0]);
    // The same thread throughout: one is never stopped while DuckDB still works for it.
    expect(conversionThreadsStarted() - before).toBeLessThanOrEqual(1);
  });

  it('refuses a file whose row group is damaged part way, naming the rows read and why, rather than taking what came before for the whole file', async () => {
    // files[0] again, as 40 row groups of 2,000 rows, one of the last ones damaged: DuckDB's
    // stream ends there as if the file ended, with no error of its own.
    const intact = join(dir, 'groups.parquet');
    const damaged = join(dir, 'damaged.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    let total: number;
    try {
      await connection.run(`COPY (SELECT r.* FROM read_parquet(${quoteLiteral(files[0]!)}) r, range(16)) TO ${quoteLiteral(intact)} (FORMAT parquet, COMPRESSION gzip, ROW_GROUP_SIZE 2000)`);
      total = Number((await connection.runAndReadAll(`SELECT num_rows FROM parquet_file_metadata(${quoteLiteral(intact)})`)).getRows()[0]![0]);
      const groups = (await connection.runAndReadAll(`SELECT row_group_id, min(data_page_offset), max(data_page_offset + total_compressed_size) FROM parquet_metadata(${quoteLiteral(intact)}) GROUP BY ALL ORDER BY 1`)).getRows();
      const [, from, to] = groups[groups.length - 5]!.map(Number) as [number, number, number];
      const bytes = readFileSync(intact);
      for (let i = from + Math.floor((to - from) / 2); i < from + Math.floor((to - from) / 2) + 2000; i++) bytes[i] = bytes[i]! ^ 0x5a;
      writeFileSync(damaged, bytes);
    } finally {
      connection.closeSync();
      db.closeSync();
    }
    expect(total).toBe(80_000);
    let whole = 0;
    for await (const batch of parquetRecordTexts(intact)) whole += batch.length;
    expect(whole).toBe(total);

    let read = 0;
    const reading = (async () => {
      for await (const batch of parquetRecordTexts(damaged)) read += batch.length;
    })();
    const error = await reading.then(() => null, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UnreadableParquet);
    // DuckDB's own reason follows, from a second read of the whole file (a decompression or page error).
    expect((error as Error).message).toMatch(new RegExp(`^DuckDB stopped reading after row ${read} of 80000: \\S`));
    expect((error as Error).message).not.toContain('gave no reason');
    // Rows came before the damage: the stream did break off part way, which is the case checked.
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(total);
    // Through the conversion thread too, as ingest reads it (ingest refuses the file with this reason).
    await expect(converted(damaged)).rejects.toThrow(/DuckDB stopped reading after row \d+ of 80000/);
    expect(await converted(files[1]!)).toEqual(expected[1]);
  });

  it('after the idle thread died between files, starts one new thread for all the files that follow', async () => {
    expect(await converted(files[1]!)).toEqual(expected[1]);
    await endIdleConversionThread();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = conversionThreadsStarted();
    for (const [i, file] of files.entries()) expect(await converted(file), `file ${i}`).toEqual(expected[i]);
    expect(conversionThreadsStarted() - before).toBe(1);
  });
});
