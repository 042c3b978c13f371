import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/driver';
import { runCli } from '../support/runCli';
import { connectTestGraph, storeRows, TEST_STORE_DIR, testEnv, wipeGraph } from '../support/testGraph';

const STRATUS = join(import.meta.dirname, '..', 'fixtures', 'cloudtrail', 'stratus-red-team');
/** Every write to it fails with ENOSPC, as on a full disk: a real failed write, no mount needed. */
const FULL = '/dev/full';

describe('a full disk', () => {
  let graph: Graph;
  let dir: string;
  let good: string[];

  beforeAll(async () => {
    graph = await connectTestGraph();
    await wipeGraph(graph);
    dir = mkdtempSync(join(tmpdir(), 'trailhound-disk-full-'));
    // Good events and one broken line, so that the ingest writes a rejected record.
    const events = JSON.parse(readFileSync(join(STRATUS, 'aws.persistence.iam-create-admin-user.json'), 'utf8')) as { eventID: string }[];
    good = events.map((e) => e.eventID);
    writeFileSync(join(dir, 'events.jsonl'), [JSON.stringify(events[0]), '{"eventID": "half a record', ...events.slice(1).map((e) => JSON.stringify(e))].join('\n'));
  });
  afterAll(async () => {
    await graph.close();
  });

  it('stops an ingest with what is full and what to do, and the same command run again loads everything exactly once', async () => {
    const full = await runCli(['ingest', 'cloudtrail', join(dir, 'events.jsonl'), '--rejects', FULL, '--quiet'], testEnv());
    expect(full.code).toBe(1);
    expect(full.stderr).toContain(`Out of disk space while loading (the event store is at ${TEST_STORE_DIR}; rejected records go to ${FULL})`);
    expect(full.stderr).toContain('ENOSPC');
    expect(full.stderr).toContain('run the same command again');
    // Not a crash, and not called a bug.
    expect(full.stderr).not.toMatch(/Unhandled 'error' event|unexpected error|please report/);

    const rejects = join(dir, 'rejects.jsonl');
    const again = await runCli(['ingest', 'cloudtrail', join(dir, 'events.jsonl'), '--rejects', rejects, '--json', '--quiet'], testEnv());
    expect(again.code, again.stderr).toBe(2);
    const summary = JSON.parse(again.stdout) as { loaded: number; duplicates: number; rejected: number };
    expect(summary.loaded + summary.duplicates).toBe(good.length);
    expect(summary.rejected).toBe(1);
    expect(readFileSync(rejects, 'utf8')).toContain('"line":2');
    const [counted] = await storeRows(graph, (t) => `SELECT count(*) AS n, count(DISTINCT eventId) AS ids FROM ${t.cloudtrail} WHERE list_contains($good, eventId)`, { good });
    expect(counted).toEqual({ n: good.length, ids: good.length });
  });

  it('fails an export that cannot be written whole, naming the file, and never removes what is not a file', async () => {
    const result = await runCli(['export', 'ocsf', '--out', FULL], testEnv());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Out of disk space writing ${FULL} (ENOSPC`);
    expect(result.stderr).toContain('run the export again');
    expect(result.stderr).not.toMatch(/Exported|unexpected error|please report/);
    expect(statSync(FULL).isCharacterDevice()).toBe(true);
  });
});
