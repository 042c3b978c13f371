import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeCloudTrailEvent } from '../../ingest/cloudtrail/normalize';
import { EventStore } from '../../store/eventStore';
import { absolute, dayOf, segmentPath } from '../../store/layout';
import { EMPTY_MANIFEST, writeManifest, type Segment } from '../../store/manifest';
import type { RowOf } from '../../store/rows';
import { writeSegment } from '../../store/segmentWriter';
import { createStore } from '../../store/storeIdentity';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'cloudtrail', 'stratus-red-team', 'aws.credential-access.ssm-retrieve-securestring-parameters.json');
const DAY = 86_400_000;
/** A commit id as the ingest makes them (16 hex digits): the manifest takes no other. */
const COMMIT = '0123456789abcdef';

/** One real event's row, moved to `time` under a new id. */
function rowAt(time: number, eventId: string): RowOf<'cloudtrail'> {
  const event = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>[])[0]!;
  const result = normalizeCloudTrailEvent({ ...event, eventID: eventId, eventTime: new Date(time).toISOString() });
  if (!result.ok) throw new Error(result.reason);
  return result.row;
}

describe('reading the event store', () => {
  let root: string;
  let events: EventStore;
  const start = Date.UTC(2026, 0, 5);
  const at = (day: number, later = 0) => start + day * DAY + later;
  // Three segments, a day apart, of two events each.
  const days = [0, 1, 2].map((d) => [rowAt(at(d), `e${d}a`), rowAt(at(d, 60_000), `e${d}b`)]);

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'trailhound-reads-'));
    createStore(root);
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await instance.connect();
    const segments: Segment[] = [];
    for (const [index, rows] of days.entries()) {
      const path = segmentPath('cloudtrail', dayOf(at(index)), COMMIT, index);
      mkdirSync(dirname(absolute(root, path)), { recursive: true });
      const written = await writeSegment(connection, 'cloudtrail', rows, absolute(root, path));
      segments.push({ path, table: 'cloudtrail', day: dayOf(at(index)), commit: COMMIT, ...written });
    }
    connection.closeSync();
    instance.closeSync();
    writeManifest(root, { ...EMPTY_MANIFEST, segments });
    events = await EventStore.open(root);
  });
  afterAll(async () => {
    await events.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('opens, for the instants of scattered events, only the segments that hold them', async () => {
    let read = '';
    const rows = await events.all<{ eventId: string }>(
      (t) => {
        read = t.cloudtrail;
        return `SELECT eventId FROM ${t.cloudtrail} WHERE eventId IN (SELECT unnest($ids)) ORDER BY eventId`;
      },
      { ids: ['e0b', 'e2a'] },
      [at(0, 60_000), at(2)].map((t) => ({ from: t, to: t })),
    );
    expect(rows.map((r) => r.eventId)).toEqual(['e0b', 'e2a']);
    expect(read).toContain(`${COMMIT}-0.parquet`);
    expect(read).toContain(`${COMMIT}-2.parquet`);
    expect(read).not.toContain(`${COMMIT}-1.parquet`);
  });

  it('keeps the rows of queries as tables while the work runs, which every connection reads, and drops them after', async () => {
    const counted = await events.withTables(
      { early: { sql: (t) => `SELECT eventId, time FROM ${t.cloudtrail} WHERE time < $before`, params: { before: start + DAY }, range: { from: start, to: start + DAY - 1 } } },
      async ({ early }) => Promise.all([1, 2, 3].map(() => events.all<{ n: number }>(() => `SELECT count(*) AS n FROM ${early}`))),
    );
    expect(counted.map(([c]) => c!.n)).toEqual([2, 2, 2]);
    expect(await events.all(() => `SELECT table_name FROM duckdb_tables()`)).toEqual([]);
  });

  it('drops the tables when the work fails, and when a table cannot be made', async () => {
    await expect(events.withTables({ all: { sql: (t) => `SELECT * FROM ${t.cloudtrail}` } }, async () => Promise.reject(new Error('the work failed')))).rejects.toThrow('the work failed');
    await expect(
      events.withTables({ good: { sql: (t) => `SELECT eventId FROM ${t.cloudtrail}` }, bad: { sql: () => 'SELECT no_such_column FROM range(1)' } }, async () => 'never'),
    ).rejects.toThrow();
    expect(await events.all(() => `SELECT table_name FROM duckdb_tables()`)).toEqual([]);
  });
});
