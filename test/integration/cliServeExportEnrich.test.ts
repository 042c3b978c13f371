import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/driver';
import { Label } from '../../graph/vocabulary';
import { freePort } from '../support/freePort';
import { runCli } from '../support/runCli';
import { connectTestGraph, testEnv, wipeGraph } from '../support/testGraph';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const BIN = fileURLToPath(new URL('../../bin/trailhound.js', import.meta.url));

describe('trailhound serve, export and enrich', () => {
  let graph: Graph;
  let work: string;
  beforeAll(async () => {
    graph = await connectTestGraph();
    await wipeGraph(graph);
    work = mkdtempSync(join(tmpdir(), 'trailhound-cli-'));
    // One call from a well-known public address, to be located by the offline database.
    const events = JSON.parse(readFileSync(join(FIXTURES, 'cloudtrail', 'shapes', 'hostile-fields.valid.json'), 'utf8')) as { Records: Record<string, unknown>[] };
    events.Records.push({ ...events.Records[0]!, eventID: '33333333-0000-4000-8000-000000000001', sourceIPAddress: '8.8.8.8' });
    writeFileSync(join(work, 'trail.json'), JSON.stringify(events));
    const result = await runCli(['ingest', 'cloudtrail', join(work, 'trail.json'), join(FIXTURES, 'cloudtrail', 'stratus-red-team'), '--json'], testEnv());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).locatedAddresses).toBeGreaterThanOrEqual(1);
  });
  afterAll(async () => graph.close());

  it('locates new public addresses during ingest, and enrich leaves nothing to do afterwards', async () => {
    const ip = await graph.read(`MATCH (ip:${Label.IpAddress} {ip: '8.8.8.8'}) RETURN ip.country AS country, ip.asn AS asn, ip.geoSource AS source`);
    expect(ip.records[0]?.toObject()).toEqual({ country: 'United States', asn: 15169, source: 'offline-db' });
    const again = await runCli(['enrich'], testEnv());
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/Looked up 0 public address/);
  });

  it('exports a timeline to a file from the command line', async () => {
    const out = join(work, 'christophe.jsonl');
    const result = await runCli(['export', 'timeline', '--entity', 'IamUser:arn:aws:iam::900138736586:user/christophe', '--format', 'timesketch', '--out', out], testEnv());
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Exported \d+ entries as timesketch/);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.event_name)).toContain('RunInstances');
    const missing = await runCli(['export', 'timeline', '--entity', 'IamUser:arn:aws:iam::1:user/nobody'], testEnv());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No IamUser arn:aws:iam::1:user/nobody in the graph.');
  });

  it("exports a role's timeline: the calls of every session that ran as the role, as the trail has them", async () => {
    const role = 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role';
    // What the trail says: every call whose session was issued by the role.
    const expected = new Set<string>();
    for (const name of readdirSync(join(FIXTURES, 'cloudtrail', 'stratus-red-team')).filter((f) => f.endsWith('.json'))) {
      const parsed = JSON.parse(readFileSync(join(FIXTURES, 'cloudtrail', 'stratus-red-team', name), 'utf8')) as unknown;
      const records = (Array.isArray(parsed) ? parsed : (parsed as { Records: unknown[] }).Records) as { eventID: string; userIdentity?: { type?: string; sessionContext?: { sessionIssuer?: { arn?: string } } } }[];
      for (const r of records) if (r.userIdentity?.type === 'AssumedRole' && r.userIdentity.sessionContext?.sessionIssuer?.arn === role) expected.add(r.eventID);
    }
    expect(expected.size).toBeGreaterThan(10);
    const out = join(work, 'role.jsonl');
    const result = await runCli(['export', 'timeline', '--entity', `IamRole:${role}`, '--format', 'timesketch', '--out', out], testEnv());
    expect(result.code, result.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event_id: string; in_session?: boolean });
    expect(new Set(lines.map((l) => l.event_id))).toEqual(expected);
    expect(lines).toHaveLength(expected.size);
  });

  it('serves the API from the command line until stopped', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port)], { env: testEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    try {
      for (let i = 0; i < 100 && !stderr.includes('serving on'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(stderr).toContain(`serving on http://127.0.0.1:${port}`);
      const health = (await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()) as { status: string };
      expect(health.status).toBe('ok');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('refuses to serve beyond loopback without a token', async () => {
    const result = await runCli(['serve', '--host', '0.0.0.0', '--port', String(await freePort())], { ...testEnv(), TRAILHOUND_TOKEN: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Refusing to listen on 0.0.0.0 without an access token');
  });
});
