import { readdirSync, readFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/driver';
import { DEMO_END } from '../../demo/prepare';
import { writeScenario, type ScenarioManifest } from '../../demo/scenario';
import { startMotoServer } from '../support/motoServer';
import { runCli } from '../support/runCli';
import { connectTestGraph, storeRows, testEnv, wipeGraph } from '../support/testGraph';

const BUCKET = 'acme-org-trail';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/**
 * Ingest from an S3 log bucket with the real S3 client against moto's S3-compatible server:
 * the AWSLogs layout walked and pruned, objects streamed through the parsers, a ledger by key
 * and ETag so a rerun reads nothing again, and clear errors.
 */
describe('ingest from S3', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trailhound-s3-'));
  let moto: Awaited<ReturnType<typeof startMotoServer>>;
  let graph: Graph;
  let env: NodeJS.ProcessEnv;
  let manifest: ScenarioManifest;
  let objects: string[];

  beforeAll(async () => {
    moto = await startMotoServer();
    graph = await connectTestGraph();
    env = { ...testEnv(), AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret', AWS_EC2_METADATA_DISABLED: 'true', TRAILHOUND_AWS_ENDPOINT_URL: moto.url, AWS_REGION: 'us-east-1' };
    delete env.AWS_PROFILE;
    manifest = await writeScenario({ dir: join(dir, 'scenario'), seed: 42, events: 600, flowLines: 2000, days: 4, end: DEMO_END });
    const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.url, forcePathStyle: true, credentials: { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: 'fake-secret' } });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const logs = join(dir, 'scenario', 'logs');
    objects = files(join(logs, 'AWSLogs'));
    for (const file of objects) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: relative(logs, file), Body: readFileSync(file) }));
    s3.destroy();
  });
  afterAll(async () => {
    await moto?.stop();
    await graph?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => wipeGraph(graph));

  it('loads a whole bucket, each object by the source its folder names, and reads nothing twice', async () => {
    const first = await runCli(['ingest', `s3://${BUCKET}`, '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as { files: number; read: number; loaded: number; rejected: number; filesBySource: Record<string, number> };
    expect(summary.files).toBe(objects.length);
    expect(summary.rejected).toBe(0);
    // Every CloudTrail event and flow record, and each finding of the S3 export.
    expect(summary.read).toBe(manifest.counts.cloudTrailEvents + manifest.counts.flowRecords + manifest.counts.findings);
    expect(Object.keys(summary.filesBySource).sort()).toEqual(['cloudtrail', 'guardduty', 'vpcflow']);
    const events = Number((await storeRows<{ n: number }>(graph, (t) => `SELECT count(*) AS n FROM ${t.cloudtrail}`))[0]!.n);
    expect(events).toBe(manifest.counts.cloudTrailEvents);

    const again = await runCli(['ingest', `s3://${BUCKET}/AWSLogs/`, '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ alreadyIngestedFiles: objects.length, loaded: 0 });
  });

  it('reads an object again when it was rewritten (a new ETag), and only that one', async () => {
    expect((await runCli(['ingest', `s3://${BUCKET}`, '--json'], env)).code).toBe(0);
    const file = objects.find((f) => f.includes('/CloudTrail/'))!;
    const text = gunzipSync(readFileSync(file)).toString('utf8');
    const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.url, forcePathStyle: true, credentials: { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: 'fake-secret' } });
    // The same records, other bytes: as when a delivery is rewritten.
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: relative(join(dir, 'scenario', 'logs'), file), Body: gzipSync(`${text}\n`) }));
    s3.destroy();
    const again = await runCli(['ingest', `s3://${BUCKET}`, '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    // Every other object is skipped by the ledger; this one is read again, its records already loaded.
    expect(JSON.parse(again.stdout), again.stdout).toMatchObject({ files: objects.length, alreadyIngestedFiles: objects.length - 1, loaded: 0, rejected: 0 });
  });

  it("walks only the folders asked for: one account's CloudTrail on one day", async () => {
    const account = manifest.cast.bucketAccount;
    const day = manifest.cast.startedAt.slice(0, 10);
    const result = await runCli(['ingest', 'cloudtrail', `s3://${BUCKET}/AWSLogs`, '--accounts', account, '--since', `${day}T00:00:00Z`, '--until', `${day}T23:59:59Z`, '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    const expected = objects
      .filter((f) => f.includes(`/AWSLogs/${account}/CloudTrail/`) && f.includes(`/${day.replace(/-/g, '/')}/`))
      .reduce((n, f) => n + (JSON.parse(gunzipSync(readFileSync(f)).toString('utf8')) as { Records: unknown[] }).Records.length, 0);
    expect(expected).toBeGreaterThan(0);
    expect(JSON.parse(result.stdout).read).toBe(expected);
    const accounts = await storeRows<{ a: string }>(graph, (t) => `SELECT DISTINCT accountId AS a FROM ${t.cloudtrail}`);
    expect(accounts.map((r) => r.a)).toEqual([account]);
  });

  it("prunes below a prefix inside the layout too: one account's CloudTrail folder, one region, one day", async () => {
    const account = manifest.cast.bucketAccount;
    const day = manifest.cast.startedAt.slice(0, 10);
    const inAccount = objects.filter((f) => f.includes(`/AWSLogs/${account}/CloudTrail/`));
    const region = inAccount[0]!.split(`/AWSLogs/${account}/CloudTrail/`)[1]!.split('/')[0]!;
    const result = await runCli(['ingest', 'cloudtrail', `s3://${BUCKET}/AWSLogs/${account}/CloudTrail/`, '--regions', region, '--since', `${day}T00:00:00Z`, '--until', `${day}T23:59:59Z`, '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    const wanted = inAccount.filter((f) => f.includes(`/CloudTrail/${region}/${day.replace(/-/g, '/')}/`));
    const expected = wanted.reduce((n, f) => n + (JSON.parse(gunzipSync(readFileSync(f)).toString('utf8')) as { Records: unknown[] }).Records.length, 0);
    expect(wanted.length).toBeGreaterThan(0);
    expect(wanted.length).toBeLessThan(inAccount.length);
    expect(JSON.parse(result.stdout)).toMatchObject({ files: wanted.length, read: expected });
  });

  it('says what is wrong with a bucket that does not exist or a prefix that holds nothing', async () => {
    const missing = await runCli(['ingest', 'cloudtrail', 's3://no-such-bucket-here/AWSLogs/'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
    const empty = await runCli(['ingest', 'cloudtrail', `s3://${BUCKET}/AWSLogs/`, '--accounts', '999999999999'], env);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('No log objects under');
  });
});
