import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
import { connectTestGraph, graphCounts, relationshipTuples, testEnv, wipeGraph } from '../support/testGraph';

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
    const reached = await graph.read<{ name: string }>(
      `MATCH (:${Label.IamUser} {principalKey: $user})-[:${Rel.ASSUMED}]->(s:${Label.RoleSession})
       MATCH (e:${Label.Event} {principalKey: s.principalKey}) RETURN DISTINCT e.eventName AS name`,
      { user: 'arn:aws:iam::900138736586:user/christophe' },
    );
    expect(reached.records.map((r) => r.get('name'))).toContain('RunInstances');
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

  it('gives exactly the graph of one clean run', async () => {
    await wipeGraph(graph);
    expect((await runCli(['ingest', 'cloudtrail', file, '--json', '--batch-size', '200'], testEnv())).code).toBe(0);
    const clean = await graphCounts(graph);
    expect(clean[`nodes:${Label.Event}`]).toBe(6000);

    await wipeGraph(graph);
    const child = spawn(process.execPath, [BIN, 'ingest', 'cloudtrail', file, '--batch-size', '200', '--quiet'], { env: testEnv(), stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Kill it hard once some, but not all, batches have committed.
    for (;;) {
      const n = (await graph.read(`MATCH (e:${Label.Event}) RETURN count(e) AS n`)).records[0]?.get('n') as number;
      if (n >= 1000) break;
      await sleep(50);
    }
    child.kill('SIGKILL');
    await exited;
    // The launcher died at once; the ingest process it ran stops when its channel closes, and
    // a batch already sent may still commit: count once nothing changes any more.
    const count = async () => (await graph.read(`MATCH (e:${Label.Event}) RETURN count(e) AS n`)).records[0]?.get('n') as number;
    let partial = await count();
    for (;;) {
      await sleep(1000);
      const now = await count();
      if (now === partial) break;
      partial = now;
    }
    expect(partial).toBeLessThan(6000);

    const rerun = await runCli(['ingest', 'cloudtrail', file, '--json', '--batch-size', '200'], testEnv());
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ loaded: 6000 - partial, duplicates: partial });
    expect(await graphCounts(graph)).toEqual(clean);
  });
});

describe('a crash in the middle of a flow-log file, then a rerun', () => {
  let graph: Graph;
  let file: string;
  // Small parts: the file commits in many of them, so a kill lands between two.
  const env = () => ({ ...testEnv(), TRAILHOUND_FLOW_PART_SIZE: '800' });

  beforeAll(async () => {
    graph = await connectTestGraph();
    file = join(mkdtempSync(join(tmpdir(), 'trailhound-flowcrash-')), 'flows.log.gz');
    await generateFlowFile(file, 40_000, 11);
  });
  afterAll(async () => graph.close());

  it('loads only the parts not yet in, and gives exactly the graph of one clean run', async () => {
    const bytes = async () => Number((await graph.read(`MATCH ()-[f:${Rel.FLOW}]->() RETURN sum(f.bytes) AS b`)).records[0]?.get('b') ?? 0);
    await wipeGraph(graph);
    expect((await runCli(['ingest', 'vpcflow', file, '--json'], env())).code).toBe(0);
    const clean = await graphCounts(graph);
    const cleanBytes = await bytes();
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
    expect(await bytes()).toBe(cleanBytes);
  });
});
