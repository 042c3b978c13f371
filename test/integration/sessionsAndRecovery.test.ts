import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/driver';
import { Label, Rel } from '../../graph/vocabulary';
import { generateCloudTrailFile } from '../bench/generateCloudTrail';
import { generateFlowFile } from '../bench/generateFlows';
import { runCli } from '../support/runCli';
import { connectTestGraph, graphCounts, relationshipTuples, storeCounts, storeRows, testEnv, wipeGraph } from '../support/testGraph';

const STRATUS = join(import.meta.dirname, '..', 'fixtures', 'cloudtrail', 'stratus-red-team');
const BIN = fileURLToPath(new URL('../../bin/trailhound.js', import.meta.url));

describe('role sessions are linked whichever order CloudTrail delivers them in', () => {
  let graph: Graph;
  let dir: string;
  beforeAll(async () => {
    graph = await connectTestGraph();
    await wipeGraph(graph);
    dir = mkdtempSync(join(tmpdir(), 'trailhound-order-'));
  });
  afterAll(async () => graph.close());

  it("links the caller to a session whose calls arrived in an earlier run than its AssumeRole", async () => {
    const events = JSON.parse(readFileSync(join(STRATUS, 'aws.execution.ec2-launch-unusual-instances.json'), 'utf8')) as Record<string, unknown>[];
    const isAssume = (e: Record<string, unknown>) => e.eventName === 'AssumeRole';
    writeFileSync(join(dir, 'calls.json'), JSON.stringify({ Records: events.filter((e) => !isAssume(e)) }));
    writeFileSync(join(dir, 'assume.json'), JSON.stringify({ Records: events.filter(isAssume) }));

    expect((await runCli(['ingest', 'cloudtrail', join(dir, 'calls.json'), '--json'], testEnv())).code).toBe(0);
    const before = await relationshipTuples(graph, [Rel.ASSUMED]);
    expect(before).toEqual(new Set());

    expect((await runCli(['ingest', 'cloudtrail', join(dir, 'assume.json'), '--json'], testEnv())).code).toBe(0);
    const sessions = await graph.read<{ key: string }>(
      `MATCH (:${Label.IamUser} {principalKey: $user})-[:${Rel.ASSUMED}]->(s:${Label.RoleSession}) RETURN s.principalKey AS key`,
      { user: 'arn:aws:iam::900138736586:user/christophe' },
    );
    const keys = sessions.records.map((r) => r.get('key'));
    const reached = await storeRows<{ name: string }>(graph, (t) => `SELECT DISTINCT eventName AS name FROM ${t.cloudtrail} WHERE list_contains($keys, principalKey)`, { keys });
    expect(reached.map((r) => r.name)).toContain('RunInstances');
  });
});

describe('a crash in the middle of an ingest, then a rerun', () => {
  let graph: Graph;
  let file: string;
  beforeAll(async () => {
    graph = await connectTestGraph();
    file = join(mkdtempSync(join(tmpdir(), 'trailhound-crash-')), 'cloudtrail.json.gz');
    await generateCloudTrailFile(file, 6000, 7);
  });
  afterAll(async () => graph.close());

  it('gives exactly the graph and the event store of one clean run', async () => {
    await wipeGraph(graph);
    expect((await runCli(['ingest', 'cloudtrail', file, '--json', '--batch-size', '200'], testEnv())).code).toBe(0);
    const clean = { graph: await graphCounts(graph), store: await storeCounts(graph) };
    expect((clean.store.events as { rows: number }).rows).toBe(6000);

    await wipeGraph(graph);
    const child = spawn(process.execPath, [BIN, 'ingest', 'cloudtrail', file, '--batch-size', '200', '--quiet'], { env: testEnv(), stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Kill it hard once some, but not all, commits are in: each commit's marker is in the graph
    // before its segments are in the store's manifest, so count the markers.
    const commits = async () => (await graph.read(`MATCH (o:${Label.IngestedObject}) WHERE o.contentHash STARTS WITH 'commit:' RETURN count(o) AS n`)).records[0]?.get('n') as number;
    while ((await commits()) < 5) await sleep(20);
    child.kill('SIGKILL');
    await exited;
    // The launcher died at once; the ingest process it ran stops when its channel closes, and
    // a commit already sent may still go through: count once nothing changes any more.
    let partial = await commits();
    for (;;) {
      await sleep(1000);
      const now = await commits();
      if (now === partial) break;
      partial = now;
    }
    expect(partial).toBeLessThan(30);

    // The rerun first finishes what the killed run committed to the graph and discards what it
    // only staged; then it loads the rest, each event once.
    const rerun = await runCli(['ingest', 'cloudtrail', file, '--json', '--batch-size', '200'], testEnv());
    expect(rerun.code, rerun.stderr).toBe(0);
    const summary = JSON.parse(rerun.stdout) as { loaded: number; duplicates: number; read: number };
    expect(summary.read).toBe(6000);
    expect(summary.loaded + summary.duplicates).toBe(6000);
    expect(summary.duplicates).toBeGreaterThan(0);
    expect({ graph: await graphCounts(graph), store: await storeCounts(graph) }).toEqual(clean);
  });
});

// A part's rows wait as values while it is small and then share the window's commit; a larger
// part's go to a commit of its own (loader.ts): a crash must be recovered from either way.
describe.each([
  ['parts small enough to share their window\'s commit', '100000'],
  ['every part in a commit of its own', '1'],
])('a crash in the middle of a flow-log file, then a rerun (%s)', (_, smallPartRows) => {
  let graph: Graph;
  let file: string;
  // Small parts: the file commits in many of them, so a kill lands between two.
  const env = () => ({ ...testEnv(), TRAILHOUND_FLOW_PART_SIZE: '800', TRAILHOUND_FLOW_SMALL_PART_ROWS: smallPartRows });

  beforeAll(async () => {
    graph = await connectTestGraph();
    file = join(mkdtempSync(join(tmpdir(), 'trailhound-flowcrash-')), 'flows.log.gz');
    await generateFlowFile(file, 40_000, 11);
  });
  afterAll(async () => graph.close());

  it('loads only the parts not yet in, and gives exactly the graph and the event store of one clean run', async () => {
    const bytes = async () => Number((await graph.read(`MATCH ()-[f:${Rel.FLOW}]->() RETURN sum(f.bytes) AS b`)).records[0]?.get('b') ?? 0);
    await wipeGraph(graph);
    expect((await runCli(['ingest', 'vpcflow', file, '--json'], env())).code).toBe(0);
    const clean = await graphCounts(graph);
    const cleanStore = await storeCounts(graph);
    const cleanBytes = await bytes();
    expect(cleanStore.flows).toMatchObject({ rows: 40_000 - (await noData(file)) });
    expect(clean[`count:${Rel.FLOW}`]).toBeGreaterThan(0);

    await wipeGraph(graph);
    const child = spawn(process.execPath, [BIN, 'ingest', 'vpcflow', file, '--quiet'], { env: env(), stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const parts = async () => (await graph.read(`MATCH (o:${Label.IngestedObject}) RETURN count(o) AS n`)).records[0]?.get('n') as number;
    // Kill it hard once a few parts, but not the whole file, are in.
    while ((await parts()) < 3) await sleep(20);
    child.kill('SIGKILL');
    await exited;
    let partial = await parts();
    for (;;) {
      await sleep(1000);
      const now = await parts();
      if (now === partial) break;
      partial = now;
    }
    expect(partial).toBeLessThan(clean[`nodes:${Label.IngestedObject}`]!);

    const rerun = await runCli(['ingest', 'vpcflow', file, '--json'], env());
    expect(rerun.code, rerun.stderr).toBe(0);
    const summary = JSON.parse(rerun.stdout) as { loaded: number; duplicates: number; read: number };
    expect(summary.duplicates).toBeGreaterThan(0);
    expect(summary.loaded + summary.duplicates).toBe(summary.read);
    expect(await graphCounts(graph)).toEqual(clean);
    expect(await storeCounts(graph)).toEqual(cleanStore);
    expect(await bytes()).toBe(cleanBytes);
  });
});

/** Lines of a flow file that carry no traffic (NODATA, SKIPDATA): counted, not stored. */
async function noData(path: string): Promise<number> {
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  return text.split('\n').filter((line) => / (NODATA|SKIPDATA)\s*$/.test(line)).length;
}
