import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ColumnBuffer, OPEN_NATIVE_CHUNKS, type NativeBudget } from '../../store/columnBuffer';
import type { RowOf } from '../../store/rows';
import { writeSegment } from '../../store/segmentWriter';
import { quoteLiteral } from '../../store/sql';

/** Rows read back from a segment in file order, as plain values. */
async function readBack(connection: DuckDBConnection, path: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet(${quoteLiteral(path)})`);
  return reader.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}

function flowRow(overrides: Partial<RowOf<'vpcflow'>> = {}): RowOf<'vpcflow'> {
  return {
    start: 1_733_400_000_000,
    end: 1_733_400_060_000,
    src: '10.0.1.5',
    dst: '203.0.113.9',
    srcPort: 49152,
    dstPort: 443,
    protocol: 6,
    packets: 12,
    bytes: 4_503_599_627_370_495, // 2^52 - 1: a 64-bit count, exactly
    action: 'ACCEPT',
    tcpFlags: null,
    via: null,
    interfaceId: 'eni-0a1b2c3d',
    accountId: '111122223333',
    vpcId: null,
    subnetId: null,
    instanceId: null,
    region: null,
    ...overrides,
  };
}

describe('an event store segment', () => {
  let dir: string;
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trailhound-segments-'));
    instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    connection = await instance.connect();
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives back exactly the rows written, in the order given, nulls and lists included', async () => {
    const rows = [
      flowRow({ src: '10.0.1.9', start: 3, end: 4, via: ['10.0.0.1', '10.0.0.2'], tcpFlags: 18 }),
      flowRow({ src: '10.0.1.5', start: 2, end: 2, via: [], interfaceId: null }),
      flowRow({ src: '10.0.1.5', start: 1, end: 9, action: 'REJECT', tcpFlags: 0 }),
      // A missing element inside a list stays missing, and only it.
      flowRow({ src: '10.0.1.7', start: 5, end: 6, via: ['10.0.0.3', null as unknown as string, '10.0.0.4'] }),
    ];
    const path = join(dir, 'flows.parquet');
    const written = await writeSegment(connection, 'vpcflow', rows, path);
    expect(written).toMatchObject({ rows: 4, minTime: 1, maxTime: 5 });
    expect(await readBack(connection, path)).toEqual(rows);
  });

  it('keeps attacker-controlled text as it was: separators, quotes, newlines, direction overrides', async () => {
    const hostile = ['\u001e', 'a\u001fb', '\u001d', '"\';--', 'line\nbreak', 'ユーザー\u202Eexe.txt', '', '\u0000zero'];
    const rows = hostile.map((text, i) => flowRow({ start: i, interfaceId: text, via: [text, 'plain'], region: `${text}${i}` }));
    const path = join(dir, 'hostile.parquet');
    await writeSegment(connection, 'vpcflow', rows, path);
    const back = await readBack(connection, path);
    expect(back.map((r) => r.interfaceId)).toEqual(hostile);
    expect(back.map((r) => r.via)).toEqual(hostile.map((text) => [text, 'plain']));
    expect(back.map((r) => r.region)).toEqual(hostile.map((text, i) => `${text}${i}`));
  });

  it('gives back exactly what a column buffer held past its first growth: numbers, booleans, nulls and lists', async () => {
    const rows: RowOf<'cloudtrail'>[] = Array.from({ length: 3000 }, (_, i) => ({
      time: i === 7 ? -86_400_000 : 1_733_400_000_000 + i * 997,
      eventId: `e-${i}`,
      eventSource: 's3.amazonaws.com',
      eventName: i % 3 === 0 ? 'GetObject' : 'PutObject',
      region: i % 11 === 0 ? null : 'eu-west-1',
      accountId: '111122223333',
      readOnly: i % 5 === 0 ? null : i % 2 === 0,
      errorCode: i % 13 === 0 ? 'AccessDenied' : null,
      errorMessage: null,
      principalKey: `arn:aws:iam::111122223333:user/u${i % 17}`,
      accessKeyId: null,
      sessionKey: null,
      sourceIp: '198.51.100.7',
      sourceName: null,
      userAgent: i % 2 ? 'aws-cli/2' : '',
      resources: i % 4 === 0 ? null : i % 4 === 1 ? [] : [`S3Bucket:b${i}`, 'x'],
      record: `{"eventID":"e-${i}"}`,
    }));
    const buffer = new ColumnBuffer('cloudtrail', 3000);
    for (const row of rows) buffer.push({ ...row });
    expect(buffer.full).toBe(true);
    expect(() => buffer.push(rows[0]!)).toThrow(/at most 3000 rows/);
    const path = join(dir, 'buffered.parquet');
    const written = await writeSegment(connection, 'cloudtrail', buffer, path);
    expect(written).toMatchObject({ rows: 3000, minTime: -86_400_000, maxTime: 1_733_400_000_000 + 2999 * 997 });
    expect(await readBack(connection, path)).toEqual(rows);
  });

  it('reuses a written segment\'s chunks without carrying over its text, gaps or lists', async () => {
    // Segment after segment, the same emptied DuckDB chunks come back: nothing of the last rows may show.
    for (let round = 0; round < 4; round++) {
      const rows = Array.from({ length: 2 * 2048 + 300 }, (_, i) =>
        round % 2 === 0
          ? flowRow({ start: i, interfaceId: null, region: null, via: [`10.${round}.0.${i % 250}`], tcpFlags: null })
          : flowRow({ start: i, interfaceId: `eni-${round}-${i}`, region: 'eu-west-1', via: null, tcpFlags: i % 64 }),
      );
      const path = join(dir, `reused-${round}.parquet`);
      await writeSegment(connection, 'vpcflow', rows, path);
      expect(await readBack(connection, path)).toEqual(rows);
    }
  });

  it('keeps a bounded number of DuckDB chunks open when one commit spreads its rows over many days, and loses none', async () => {
    // A hostile file: 300 rows on each of 80 days in one window. Each day's buffer passes the size
    // at which its text goes to DuckDB, but only OPEN_NATIVE_CHUNKS of them may hold a chunk open.
    const budget: NativeBudget = { open: 0 };
    const days = Array.from({ length: 80 }, () => new ColumnBuffer('vpcflow', 25_000, budget));
    const rows = days.map((_, d) => Array.from({ length: 300 }, (_, i) => flowRow({ start: d * 86_400_000 + i, src: `10.${d}.0.${i % 250}`, interfaceId: i % 7 ? `eni-${d}` : null })));
    let most = 0;
    for (let i = 0; i < 300; i++) {
      days.forEach((buffer, d) => buffer.push({ ...rows[d]![i]! }));
      most = Math.max(most, budget.open);
    }
    expect(most).toBe(OPEN_NATIVE_CHUNKS);
    for (const [d, buffer] of days.entries()) {
      const path = join(dir, `day-${d}.parquet`);
      await writeSegment(connection, 'vpcflow', buffer, path);
      if (d % 20 === 0 || d === 79) expect(await readBack(connection, path)).toEqual(rows[d]);
    }
    expect(budget.open).toBe(0);
  });

  it('writes many rows through the joined path and counts every one', async () => {
    const rows = Array.from({ length: 25_000 }, (_, i) => flowRow({ start: i, srcPort: i % 65536, src: `10.0.${i % 200}.${i % 250}` }));
    const path = join(dir, 'many.parquet');
    await writeSegment(connection, 'vpcflow', rows, path);
    const reader = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n, sum(srcPort)::BIGINT AS ports FROM read_parquet(${quoteLiteral(path)})`);
    expect(reader.getRowObjectsJS()[0]).toEqual({ n: 25_000, ports: BigInt(rows.reduce((sum, r) => sum + r.srcPort!, 0)) });
  });
});
