import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/driver';
import { Label, Rel } from '../../graph/vocabulary';
import { DEMO_END } from '../../demo/prepare';
import { stageScenario } from '../../demo/scenario';
import { BackgroundActivity } from '../../demo/cloudtrail/background';
import { Random } from '../../demo/random';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import { runCli } from '../support/runCli';
import { LATE_ARRIVAL_MS } from '../../cli/commands/pull';
import { connectTestGraph, storeRows, testEnv, wipeGraph } from '../support/testGraph';

const staged = stageScenario(42, DEMO_END);
const { incident } = staged;
// LookupEvents answers with the events of the caller's account only: the incident's and a day
// of the organisation's everyday activity there (several pages of 50).
const HOME = incident.cast.victim.account;
const everyday = [...new BackgroundActivity(staged.world, new Random(7), Date.parse(incident.cast.startedAt), DEMO_END).events(800)];
const homeEvents = [...everyday, ...incident.events]
  .filter((e) => e.recipientAccountId === HOME)
  .sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)));
const START = incident.cast.startedAt;
const AFTER = new Date(DEMO_END + 3_600_000).toISOString();

/**
 * Pulls with the real AWS SDK clients against a local server that speaks their protocols:
 * paging, the client-side rate limit, retries on throttling only, checkpoints, clear errors.
 */
describe('pulling from AWS APIs', () => {
  let graph: Graph;
  let fake: FakeAws;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    graph = await connectTestGraph();
    fake = await startFakeAws();
    env = {
      ...testEnv(),
      AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-for-a-local-endpoint',
      AWS_EC2_METADATA_DISABLED: 'true',
      TRAILHOUND_AWS_ENDPOINT_URL: fake.url,
    };
    delete env.AWS_PROFILE;
  });
  afterAll(async () => {
    await fake.close();
    await graph.close();
  });
  beforeEach(async () => {
    await wipeGraph(graph);
    fake.calls.length = 0;
    fake.throttleNext = 0;
    fake.failWith = null;
    fake.s3 = null;
    fake.events = homeEvents.slice();
    fake.findings = incident.findings.slice();
  });

  const events = async () => Number((await storeRows<{ n: number }>(graph, (t) => `SELECT count(*) AS n FROM ${t.cloudtrail}`))[0]!.n);

  it('pulls LookupEvents page by page, at most two calls a second, into the same graph as files', async () => {
    const result = await runCli(['ingest', 'cloudtrail', '--lookup', '--region', 'us-east-1', '--since', START, '--until', AFTER, '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    // Nothing on stderr but what Trailhound says (the SDK's Node-version notice is not for investigators).
    expect(result.stderr).not.toContain('NodeVersionSupportWarning');
    const summary = JSON.parse(result.stdout) as { read: number; loaded: number; pages: number };
    expect(summary.read).toBe(homeEvents.length);
    expect(summary.loaded).toBe(homeEvents.length);
    expect(summary.pages).toBe(Math.ceil(homeEvents.length / 50));
    expect(summary.pages).toBeGreaterThan(2);
    expect(await events()).toBe(homeEvents.length);
    const lookups = fake.calls.filter((c) => c.target.endsWith('.LookupEvents'));
    expect(lookups).toHaveLength(summary.pages);
    for (let i = 1; i < lookups.length; i++) expect(lookups[i]!.at - lookups[i - 1]!.at).toBeGreaterThanOrEqual(450);
    // The chained session's reads are linked to carol through the AssumeRole responses.
    const chained = await graph.read(
      `MATCH (:${Label.IamUser} {principalKey: $carol})-[:${Rel.ASSUMED}*1..3]->(s:${Label.RoleSession} {principalKey: $session}) RETURN count(s) AS n`,
      { carol: incident.cast.victim.arn, session: incident.cast.chainedSession },
    );
    expect(Number(chained.records[0]!.get('n'))).toBeGreaterThan(0);
  });

  it('retries throttling with backoff, and continues from the checkpoint with --since last', async () => {
    const cut = Date.parse(START) + 3 * 3_600_000;
    fake.events = homeEvents.filter((e) => Date.parse(String(e.eventTime)) < cut);
    fake.throttleNext = 2;
    const first = await runCli(['ingest', 'cloudtrail', '--lookup', '--region', 'us-east-1', '--since', START, '--until', AFTER, '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).loaded).toBe(fake.events.length);
    // Two throttled answers, retried: two more calls than pages. The retries waited their turn
    // too (the rate limit sits under the SDK's retries), so no two calls came closer than 0.5 s.
    expect(fake.calls.length).toBe(JSON.parse(first.stdout).pages + 2);
    for (let i = 1; i < fake.calls.length; i++) expect(fake.calls[i]!.at - fake.calls[i - 1]!.at).toBeGreaterThanOrEqual(450);

    const newest = Math.max(...fake.events.map((e) => Date.parse(String(e.eventTime))));
    fake.events = homeEvents.slice();
    const time = (e: Record<string, unknown>) => Date.parse(String(e.eventTime));
    const userName = (e: Record<string, unknown>) => (e.userIdentity as { userName?: string }).userName;

    // A pull narrowed to one user sees only part of the account: it loads that user's newer
    // events but leaves the checkpoint alone (or --since last would skip everyone else's).
    const user = userName(homeEvents.find((e) => time(e) > newest && (e.userIdentity as { type?: string }).type === 'IAMUser')!)!;
    const narrowed = await runCli(['ingest', 'cloudtrail', '--lookup', '--region', 'us-east-1', '--since', START, '--until', AFTER, '--attribute', `Username=${user}`, '--json'], env);
    expect(narrowed.code, narrowed.stderr).toBe(0);
    const usersLater = homeEvents.filter((e) => time(e) > newest && userName(e) === user).length;
    expect(usersLater).toBeGreaterThan(0);
    expect(JSON.parse(narrowed.stdout).loaded).toBe(usersLater);

    fake.calls.length = 0;
    const next = await runCli(['ingest', 'cloudtrail', '--lookup', '--region', 'us-east-1', '--since', 'last', '--until', AFTER, '--json'], env);
    expect(next.code, next.stderr).toBe(0);
    // From a quarter of an hour before the newest event of the last full pull (events reach
    // LookupEvents late): what was already loaded since then counts as duplicates.
    expect(Number(fake.calls[0]!.body.StartTime) * 1000).toBe(newest - LATE_ARRIVAL_MS);
    const later = homeEvents.filter((e) => time(e) > newest).length;
    const again = homeEvents.filter((e) => time(e) >= newest - LATE_ARRIVAL_MS && time(e) <= newest).length;
    expect(again).toBeGreaterThan(0);
    expect(JSON.parse(next.stdout)).toMatchObject({ loaded: later - usersLater, duplicates: again + usersLater });
    expect(await events()).toBe(homeEvents.length);
  });

  it('pulls GuardDuty findings and continues from the newest update', async () => {
    const first = await runCli(['ingest', 'guardduty', '--api', '--region', 'us-east-1', '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ read: incident.findings.length, loaded: incident.findings.length, rejected: 0 });
    const found = await graph.read(`MATCH (f:${Label.Finding}) RETURN f.findingId AS id`);
    expect(found.records.map((r) => r.get('id')).sort()).toEqual(Object.values(incident.cast.findingIds).sort());

    fake.calls.length = 0;
    const again = await runCli(['ingest', 'guardduty', '--api', '--region', 'us-east-1', '--since', 'last', '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    const newest = Math.max(...incident.findings.map((f) => Date.parse(String(f.updatedAt))));
    const list = fake.calls.find((c) => c.target.includes('/findings') && !c.target.endsWith('/get'))!;
    expect((list.body.findingCriteria as { criterion: { updatedAt: { greaterThanOrEqual: number } } }).criterion.updatedAt.greaterThanOrEqual).toBe(newest);
    expect(JSON.parse(again.stdout)).toMatchObject({ loaded: 0 });
  });

  it('pages ListFindings and gets the findings 50 at a time, from every region asked, with the summary of a file ingest', async () => {
    fake.findings = Array.from({ length: 120 }, (_, i) => {
      const base = incident.findings[i % incident.findings.length]!;
      const id = createHash('md5').update(`finding ${i}`).digest('hex');
      return { ...base, id, arn: String(base.arn).replace(String(base.id), id) };
    });
    const pulled = await runCli(['ingest', 'guardduty', '--api', '--regions', 'us-east-1,eu-west-1', '--json'], env);
    expect(pulled.code, pulled.stderr).toBe(0);
    // The fake answers every region with the same detector: the second region's are duplicates.
    const summary = JSON.parse(pulled.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ regions: ['us-east-1', 'eu-west-1'], read: 240, loaded: 120, duplicates: 120, rejected: 0, failedFiles: [], alreadyIngestedFiles: 0 });
    expect(Object.keys(summary)).toEqual(expect.arrayContaining(['files', 'seconds', 'recordsPerSecond', 'peakRssMb', 'filesBySource']));
    const lists = fake.calls.filter((c) => c.target.endsWith('/findings'));
    const gets = fake.calls.filter((c) => c.target.endsWith('/findings/get'));
    expect(lists).toHaveLength(2 * 3); // 50 + 50 + 20 ids, per region
    expect(gets.map((c) => (c.body.findingIds as string[]).length)).toEqual([50, 50, 20, 50, 50, 20]);
    expect(Number((await graph.read(`MATCH (f:${Label.Finding}) RETURN count(f) AS n`)).records[0]!.get('n'))).toBe(120);
  });

  it('takes credentials and region from a named profile when none are given otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailhound-profile-'));
    try {
      writeFileSync(join(dir, 'config'), '[profile incident]\nregion = eu-west-1\n');
      writeFileSync(join(dir, 'credentials'), '[incident]\naws_access_key_id = AKIAPROFILEKEY000001\naws_secret_access_key = profile-secret\n');
      const profileEnv: NodeJS.ProcessEnv = { ...env, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
      for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'AWS_PROFILE']) delete profileEnv[name];
      const pulled = await runCli(['ingest', 'cloudtrail', '--lookup', '--profile', 'incident', '--since', START, '--until', AFTER, '--json'], profileEnv);
      expect(pulled.code, pulled.stderr).toBe(0);
      expect(JSON.parse(pulled.stdout)).toMatchObject({ regions: ['eu-west-1'], loaded: homeEvents.length });
      const lookups = fake.calls.filter((c) => c.target.endsWith('.LookupEvents'));
      expect(lookups.length).toBeGreaterThan(0);
      expect(lookups.every((c) => c.signedWith?.accessKeyId === 'AKIAPROFILEKEY000001' && c.signedWith.region === 'eu-west-1')).toBe(true);
      expect(`${pulled.stdout}${pulled.stderr}`).not.toContain('AKIAPROFILEKEY000001');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what to do about refused or expired credentials, without retrying them or showing them', async () => {
    fake.failWith = { type: 'AccessDeniedException', message: 'User: arn:aws:iam::111122223333:user/x is not authorized to perform: cloudtrail:LookupEvents', status: 400 };
    const denied = await runCli(['ingest', 'cloudtrail', '--lookup', '--region', 'eu-west-1', '--since', '2d'], env);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('access denied');
    expect(denied.stderr).toContain('cloudtrail:LookupEvents');
    expect(fake.calls).toHaveLength(1); // not retried

    fake.failWith = { type: 'ExpiredTokenException', message: 'The security token included in the request is expired', status: 400 };
    const expired = await runCli(['ingest', 'guardduty', '--api', '--region', 'us-east-1'], env);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain('credentials have expired');
    expect(`${denied.stderr}${expired.stderr}`).not.toContain('fake-secret-for-a-local-endpoint');
    expect(`${denied.stderr}${expired.stderr}`).not.toContain('AKIAFAKEFAKEFAKEFAKE');

    // No credentials anywhere in the chain: no keys, no profile files, no instance role.
    const bare: NodeJS.ProcessEnv = { ...env, AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials' };
    delete bare.AWS_ACCESS_KEY_ID;
    delete bare.AWS_SECRET_ACCESS_KEY;
    const calls = fake.calls.length;
    const none = await runCli(['ingest', 'cloudtrail', '--lookup', '--region', 'us-east-1', '--since', '2d'], bare);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no AWS credentials found');
    expect(fake.calls.length).toBe(calls); // nothing was sent unsigned

    fake.failWith = null;
    const noCheckpoint = await runCli(['ingest', 'cloudtrail', '--lookup', '--region', 'ap-south-1', '--since', 'last'], env);
    expect(noCheckpoint.code).toBe(1);
    expect(noCheckpoint.stderr).toContain('No previous pull from ap-south-1');
  });

  it('walks an S3 log bucket only where it is asked to, through listings of several pages', async () => {
    const objects: Record<string, Buffer> = {};
    for (const account of [HOME, '444455556666']) {
      for (const region of ['us-east-1', 'eu-west-1']) {
        for (const date of ['2026/11/17', '2026/11/18', '2026/11/19']) {
          for (let i = 0; i < 3; i++) {
            const key = `AWSLogs/${account}/CloudTrail/${region}/${date}/${account}_CloudTrail_${region}_${date.replace(/\//g, '')}T0${i}00Z_x.json.gz`;
            objects[key] = gzipSync(JSON.stringify({ Records: homeEvents.slice(i * 2, i * 2 + 2) }));
          }
        }
      }
    }
    fake.s3 = { bucket: 'acme-trail', region: 'us-east-1', objects, pageSize: 2 };
    const result = await runCli(['ingest', 'cloudtrail', 's3://acme-trail', '--accounts', HOME, '--regions', 'eu-west-1', '--since', '2026-11-18T00:00:00Z', '--until', '2026-11-18T23:59:59Z', '--json'], { ...env, AWS_REGION: 'us-east-1' });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ files: 3, read: 6, rejected: 0 });
    const listed = fake.calls.filter((c) => /^S3 GET \/acme-trail\/?\?/.test(c.target)).map((c) => new URL(`http://x${c.target.split(' ')[2]}`).searchParams);
    // Listings of two keys a page: the walk followed continuation tokens.
    expect(listed.some((p) => p.has('continuation-token'))).toBe(true);
    // Pruned: never below another account, another region or another day.
    const prefixes = listed.map((p) => p.get('prefix') ?? '');
    expect(prefixes.length).toBeGreaterThan(0);
    for (const prefix of prefixes) {
      expect(prefix).not.toContain('444455556666/');
      expect(prefix).not.toContain('/us-east-1/');
      expect(prefix).not.toMatch(/\/2026\/11\/(17|19)\//);
    }
  });

  it('reads a log bucket that lives in another region: the client follows S3\'s redirect', async () => {
    const key = `AWSLogs/${HOME}/CloudTrail/eu-west-1/2026/11/19/${HOME}_CloudTrail_eu-west-1_20261119T1000Z_abc.json.gz`;
    fake.s3 = { bucket: 'acme-eu-trail', region: 'eu-west-1', objects: { [key]: gzipSync(JSON.stringify({ Records: homeEvents.slice(0, 30) })) } };
    expect(homeEvents.length).toBeGreaterThan(30);
    const result = await runCli(['ingest', 's3://acme-eu-trail', '--json'], { ...env, AWS_REGION: 'us-east-1' });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ read: 30, loaded: 30, rejected: 0 });
    const s3Calls = fake.calls.map((c) => c.target).filter((t) => t.startsWith('S3 '));
    expect(s3Calls[0]).toContain('(us-east-1)'); // asked in the wrong region first
    expect(s3Calls.some((t) => t.includes('GET /acme-eu-trail/AWSLogs/') && t.endsWith('(eu-west-1)'))).toBe(true);
  });

  it('says so when the bucket can be listed but its objects cannot be read', async () => {
    const key = `AWSLogs/${HOME}/CloudTrail/eu-west-1/2026/11/19/${HOME}_CloudTrail_eu-west-1_20261119T1000Z_def.json.gz`;
    fake.s3 = { bucket: 'acme-eu-trail', region: 'eu-west-1', objects: { [key]: gzipSync(JSON.stringify({ Records: homeEvents.slice(0, 5) })) }, denyReads: true };
    const denied = await runCli(['ingest', 'cloudtrail', 's3://acme-eu-trail/AWSLogs/'], { ...env, AWS_REGION: 'eu-west-1' });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('access denied');
    expect(denied.stderr).toContain('GetObject');
    expect(await events()).toBe(0);
  });

  it('says what to do when the bucket cannot be listed, or the credentials have expired', async () => {
    const key = `AWSLogs/${HOME}/CloudTrail/eu-west-1/2026/11/19/${HOME}_CloudTrail_eu-west-1_20261119T1000Z_ghi.json.gz`;
    const objects = { [key]: gzipSync(JSON.stringify({ Records: homeEvents.slice(0, 5) })) };
    fake.s3 = { bucket: 'acme-eu-trail', region: 'eu-west-1', objects, denyList: true };
    const denied = await runCli(['ingest', 'cloudtrail', 's3://acme-eu-trail/AWSLogs/'], { ...env, AWS_REGION: 'eu-west-1' });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('access denied');
    expect(denied.stderr).toContain('ListObjectsV2');
    // One line saying what failed, one saying what to do (whatever the SDK itself warns about).
    const ours = denied.stderr.split('\n').filter((line) => line.startsWith('trailhound:') || line.startsWith('  → '));
    expect(ours).toEqual([expect.stringContaining('S3 ListObjectsV2 on acme-eu-trail: access denied'), expect.stringContaining('read permission')]);
    fake.s3 = { bucket: 'acme-eu-trail', region: 'eu-west-1', objects, expired: true };
    const expired = await runCli(['ingest', 'cloudtrail', 's3://acme-eu-trail/AWSLogs/'], { ...env, AWS_REGION: 'eu-west-1' });
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain('have expired');
    expect(expired.stderr).toContain('run the same command again');
    expect(`${denied.stderr}${expired.stderr}`).not.toContain(String(env.AWS_SECRET_ACCESS_KEY));
  });
});
