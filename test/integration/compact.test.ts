import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/driver';
import { startServer } from '../../server/start';
import type { EventStore } from '../../store/eventStore';
import { absolute, segmentPath, STAGING_DIR } from '../../store/layout';
import { readManifest } from '../../store/manifest';
import { columnsOf, tables, type TableName } from '../../store/tables';
import { generateCloudTrailFile } from '../bench/generateCloudTrail';
import { runCli } from '../support/runCli';
import { connectTestGraph, openTestStore, TEST_STORE_DIR, testEnv, wipeGraph } from '../support/testGraph';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FLOWS = join(ROOT, 'test', 'fixtures', 'vpcflow');
const PYTHON = join(ROOT, '.venv-test', 'bin', 'python');
const TABLES = Object.keys(tables) as TableName[];

/** What readers see of a table: its rows (every column), as one digest, and how many. */
async function tableDigest(events: EventStore, table: TableName): Promise<{ digest: string; rows: number }> {
  const columns = columnsOf(table)
    .map(([name]) => `"${name}"`)
    .join(', ');
  const [row] = await events.all<{ digest: string | null; rows: number }>(
    (t) => `SELECT md5(string_agg(h, ',' ORDER BY h)) AS digest, count(*)::BIGINT AS rows FROM (SELECT md5(CAST(ROW(${columns}) AS VARCHAR)) AS h FROM ${t[table]})`,
  );
  return { digest: row!.digest ?? '', rows: row!.rows };
}

async function digests(events: EventStore): Promise<Record<string, { digest: string; rows: number }>> {
  return Object.fromEntries(await Promise.all(TABLES.map(async (table) => [table, await tableDigest(events, table)] as const)));
}

/** The Parquet files in the table folders, as the manifest names them: what a lake reader that lists folders reads. */
function listedFiles(root: string): string[] {
  const out: string[] = [];
  for (const source of readdirSync(root).filter((name) => name.startsWith('source='))) {
    for (const day of readdirSync(join(root, source))) {
      for (const file of readdirSync(join(root, source, day))) if (file.endsWith('.parquet')) out.push(`${source}/${day}/${file}`);
    }
  }
  return out.sort();
}

describe('compacting the event store', () => {
  let graph: Graph;
  let work: string;
  let trail: string;
  beforeAll(async () => {
    graph = await connectTestGraph();
    await wipeGraph(graph);
    work = mkdtempSync(join(tmpdir(), 'trailhound-compact-'));
    // Small windows and small flow parts: many small segments per day, as frequent pulls make.
    trail = join(work, 'trail.json');
    await generateCloudTrailFile(trail, 3000, 5);
    const loaded = await runCli(['ingest', 'cloudtrail', trail, '--batch-size', '25', '--json', '--quiet'], testEnv());
    expect(loaded.code, loaded.stderr).toBe(0);
    const flows = await runCli(['ingest', 'vpcflow', FLOWS, '--json', '--quiet', '--allow-rejects', '--rejects', join(work, 'rejects.jsonl')], { ...testEnv(), TRAILHOUND_FLOW_PART_SIZE: '8' });
    expect(flows.code, flows.stderr).toBe(0);
  });
  afterAll(async () => graph.close());

  it("merges each day's small segments into one sorted file, keeps every row exactly once, and a running server goes on answering the same", async () => {
    const before = readManifest(TEST_STORE_DIR);
    const events = await openTestStore(graph);
    const server = await startServer({ graph, events, host: '127.0.0.1', port: 0, version: 'test' });
    try {
      const health = async () => ((await (await fetch(`${server.url}/api/health`)).json()) as { events: { rows: Record<string, number> } }).events.rows;
      const seenBefore = await digests(events);
      const healthBefore = await health();
      const exportAll = async (name: string) => {
        const out = join(work, name);
        const run = await runCli(['export', 'ocsf', '--out', out], testEnv());
        expect(run.code, run.stderr).toBe(0);
        return readFileSync(out, 'utf8');
      };
      const exportedBefore = await exportAll('before.ocsf.jsonl');
      expect(seenBefore.cloudtrail!.rows).toBe(3000);
      expect(seenBefore.vpcflow!.rows).toBeGreaterThan(0);
      // Every table has some day with two segments or more: there is something to merge.
      for (const table of TABLES) {
        const perDay = new Map<string, number>();
        for (const s of before.segments.filter((x) => x.table === table)) perDay.set(s.day, (perDay.get(s.day) ?? 0) + 1);
        expect(Math.max(...perDay.values()), table).toBeGreaterThan(1);
      }

      // A user's timeline asked for again and again while the merge runs: every answer whole and the same.
      const [busiest] = await events.all<{ key: string }>(
        (t) => `SELECT principalKey AS key FROM ${t.cloudtrail} WHERE principalKey LIKE 'arn:aws:iam::%:user/%' GROUP BY principalKey ORDER BY count(*) DESC, principalKey LIMIT 1`,
      );
      const timeline = async () => {
        const response = await fetch(`${server.url}/api/entities/IamUser/${encodeURIComponent(busiest!.key)}/timeline?limit=1000`);
        return { status: response.status, ids: ((await response.json()) as { events?: { eventId: string }[] }).events?.map((e) => e.eventId) ?? [] };
      };
      const expected = await timeline();
      expect(expected.ids.length).toBeGreaterThan(10);
      let compacting = true;
      const answers: { status: number; ids: string[] }[] = [];
      const asking = (async () => {
        while (compacting) answers.push(await timeline());
      })();
      const run = await runCli(['compact', '--json'], testEnv());
      compacting = false;
      await asking;
      expect(run.code, run.stderr).toBe(0);
      expect(answers.length).toBeGreaterThan(3);
      for (const answer of answers) expect(answer).toEqual(expected);
      const summary = JSON.parse(run.stdout) as { merged: number; written: number; rows: number; retiredKept: number };
      const after = readManifest(TEST_STORE_DIR);
      expect(summary.written).toBeGreaterThan(0);
      expect(after.segments.length).toBe(before.segments.length - summary.merged + summary.written);
      // No table and day is left with two small segments.
      for (const table of TABLES) {
        const days = after.segments.filter((s) => s.table === table).map((s) => s.day);
        expect(new Set(days).size, table).toBe(days.length);
      }
      // The merged-away files are retired, still on disk for readers on the old manifest.
      expect(after.retired).toHaveLength(summary.merged);
      expect(summary.retiredKept).toBe(summary.merged);
      for (const r of after.retired) expect(existsSync(absolute(TEST_STORE_DIR, r.path)), r.path).toBe(true);
      const merged = after.segments.filter((s) => !before.segments.some((b) => b.path === s.path));
      expect(merged.reduce((n, s) => n + s.rows, 0)).toBe(summary.rows);

      // The server sees the new manifest within a second or two, and the same rows.
      await expect.poll(() => events.current.segments.length, { timeout: 5_000 }).toBe(after.segments.length);
      expect(await digests(events)).toEqual(seenBefore);
      expect(await health()).toEqual(healthBefore);
      // Every event and flow record exported as before, byte for byte, though the files now hold them in another order.
      const exportedAfter = await exportAll('after.ocsf.jsonl');
      expect(exportedAfter.split('\n').length).toBeGreaterThan(3000);
      expect(exportedAfter === exportedBefore).toBe(true);

      // Each merged file, read by another Parquet reader, holds its rows in the table's sort order.
      const script = `
import json, sys
import pyarrow.parquet as pq
out = []
for path, columns in json.loads(sys.argv[1]):
    rows = pq.read_table(path, columns=columns).to_pylist()
    keys = [tuple((r[c] is None, r[c] if r[c] is not None else 0) for c in columns) for r in rows]
    out.append({'rows': len(rows), 'sorted': keys == sorted(keys)})
print(json.dumps(out))`;
      const files = merged.map((s) => [absolute(TEST_STORE_DIR, s.path), tables[s.table].sortedBy]);
      const read = JSON.parse(execFileSync(PYTHON, ['-c', script, JSON.stringify(files)], { encoding: 'utf8' })) as { rows: number; sorted: boolean }[];
      expect(read.map((r) => r.rows)).toEqual(merged.map((s) => s.rows));
      expect(read.every((r) => r.sorted)).toBe(true);
    } finally {
      await server.close();
      await events.close();
    }
  });

  it('deletes merged-away files once their time is up: the folders then hold exactly the files the manifest names', async () => {
    const kept = await runCli(['compact', '--json'], testEnv());
    expect(kept.code, kept.stderr).toBe(0);
    // Nothing is left to merge, and the retired files are not yet due (60 minutes by default).
    expect(JSON.parse(kept.stdout)).toMatchObject({ written: 0, retiredRemoved: 0 });
    const retired = readManifest(TEST_STORE_DIR).retired;
    expect(retired.length).toBeGreaterThan(0);

    const run = await runCli(['compact', '--keep-retired', '0', '--json'], testEnv());
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ written: 0, retiredRemoved: retired.length, retiredKept: 0 });
    const manifest = readManifest(TEST_STORE_DIR);
    expect(manifest.retired).toEqual([]);
    for (const r of retired) expect(existsSync(absolute(TEST_STORE_DIR, r.path))).toBe(false);
    expect(listedFiles(TEST_STORE_DIR)).toEqual(manifest.segments.map((s) => s.path).sort());
  });

  it('recognises every event of the merged segments as already loaded when the same events arrive again', async () => {
    const events = await openTestStore(graph);
    try {
      const before = await digests(events);
      const again = join(work, 'again.json');
      copyFileSync(trail, again); // another file name and hash: only the eventId index can tell
      const run = await runCli(['ingest', 'cloudtrail', again, '--json', '--quiet'], testEnv());
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ read: 3000, loaded: 0, duplicates: 3000 });
      expect(await digests(events)).toEqual(before);
    } finally {
      await events.close();
    }
  });

  it("merges a day that gathered many tiny segments at the end of the ingest that made them", async () => {
    // 4,000 events of one day, committed 40 at a time: dozens of tiny segments for that day.
    const day = '2026-11-20';
    const records = (JSON.parse(readFileSync(trail, 'utf8')) as { Records: Record<string, unknown>[] }).Records;
    const start = Date.parse(`${day}T00:00:00Z`);
    const oneDay = [...records, ...records.slice(0, 1000)].map((r, i) => ({ ...r, eventID: `tiny-${i}`, eventTime: new Date(start + i * 20_000).toISOString().replace(/\.\d+Z$/, 'Z') }));
    const file = join(work, 'one-day.json');
    writeFileSync(file, JSON.stringify({ Records: oneDay }));
    const run = await runCli(['ingest', 'cloudtrail', file, '--batch-size', '40'], testEnv());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/merged \d+ small segments of the event store into 1\b/);
    const ofDay = readManifest(TEST_STORE_DIR).segments.filter((s) => s.table === 'cloudtrail' && s.day === day);
    expect(ofDay.map((s) => s.rows)).toEqual([4000]);
  });

  it('undoes a merge killed before its manifest swap: the merged file no manifest named is removed, the rows stay as they were', async () => {
    const events = await openTestStore(graph);
    try {
      const before = await digests(events);
      const manifest = readManifest(TEST_STORE_DIR);
      const victim = manifest.segments.find((s) => s.table === 'cloudtrail')!;
      // The state a merge leaves when killed after moving its file into place: a copy of rows
      // already listed, in place under a name no manifest has, and the merge's listing in staging.
      const id = 'deadbeef00c0ffee';
      const path = segmentPath('cloudtrail', victim.day, id, 1);
      copyFileSync(absolute(TEST_STORE_DIR, victim.path), absolute(TEST_STORE_DIR, path));
      mkdirSync(join(TEST_STORE_DIR, STAGING_DIR, id), { recursive: true });
      writeFileSync(join(TEST_STORE_DIR, STAGING_DIR, id, 'merge.json'), JSON.stringify({ id, merged: { ...victim, path, commit: id }, inputs: [victim.path] }));
      expect(listedFiles(TEST_STORE_DIR)).toContain(path);
      // And one killed while writing its listing (its file never reached its place).
      const torn = 'deadbeef00c0ffef';
      mkdirSync(join(TEST_STORE_DIR, STAGING_DIR, torn), { recursive: true });
      writeFileSync(join(TEST_STORE_DIR, STAGING_DIR, torn, 'merge.json'), '{"id":"deadbeef00c0ffef","merged":{"pa');

      const run = await runCli(['compact', '--dry-run', '--json'], testEnv());
      expect(run.code, run.stderr).toBe(0);
      expect(existsSync(absolute(TEST_STORE_DIR, path))).toBe(false);
      expect(existsSync(join(TEST_STORE_DIR, STAGING_DIR, id))).toBe(false);
      expect(existsSync(join(TEST_STORE_DIR, STAGING_DIR, torn))).toBe(false);
      // What is left on disk is what the manifest lists, in use or retired (the merge above's inputs).
      const now = readManifest(TEST_STORE_DIR);
      expect(listedFiles(TEST_STORE_DIR)).toEqual([...now.segments, ...now.retired].map((s) => s.path).sort());
      expect(await digests(events)).toEqual(before);
    } finally {
      await events.close();
    }
  });

  it('says what is wrong with a bad option', async () => {
    const table = await runCli(['compact', '--table', 'cloudtrail,events'], testEnv());
    expect(table.code).not.toBe(0);
    expect(table.stderr).toContain('no table "events"');
    const day = await runCli(['compact', '--day', '2026-13-45'], testEnv());
    expect(day.code).not.toBe(0);
    expect(day.stderr).toContain('"2026-13-45" is not a day');
  });
});
