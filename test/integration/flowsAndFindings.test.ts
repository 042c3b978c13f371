import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/driver';
import { Label, Rel } from '../../graph/vocabulary';
import { runCli } from '../support/runCli';
import { connectTestGraph, graphCounts, storeCounts, storeRows, testEnv, wipeGraph } from '../support/testGraph';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const json = (stdout: string) => JSON.parse(stdout) as Record<string, unknown>;

describe('one graph from CloudTrail, flow logs and GuardDuty', () => {
  let graph: Graph;
  let work: string;

  beforeAll(async () => {
    graph = await connectTestGraph();
    await wipeGraph(graph);
    work = mkdtempSync(join(tmpdir(), 'trailhound-three-'));
  });
  afterAll(async () => graph.close());

  it('detects each file\'s source and loads every shape', async () => {
    const result = await runCli(
      ['ingest', join(FIXTURES, 'cloudtrail', 'stratus-red-team'), join(FIXTURES, 'vpcflow'), join(FIXTURES, 'guardduty'), '--json', '--rejects', join(work, 'rejects.jsonl')],
      testEnv(),
    );
    const summary = json(result.stdout);
    expect(summary.filesBySource).toEqual({ cloudtrail: 35, vpcflow: 5, guardduty: 10 });
    // Two malformed lines in garbage-line.invalid.log; everything else loads.
    expect(summary).toMatchObject({ rejected: 2, failedFiles: [] });
    expect(result.code).toBe(2);
    const rejects = readFileSync(join(work, 'rejects.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, 'expected 14 fields (version account-id interface-id … log-status), found 10'],
      [3, 'not an IP address: "not-an-ip"'],
    ]);
    // The good lines around them loaded.
    const flows = await graph.read(`MATCH (:${Label.IpAddress} {ip: '10.0.5.5'})-[f:${Rel.FLOW}]->(:${Label.IpAddress} {ip: '198.51.100.40'}) RETURN f.count AS n`);
    expect(flows.records[0]?.get('n')).toBe(2);
  });

  it("leads from a finding about an instance to that instance's network flows", async () => {
    const result = await graph.read<{ remote: string; ports: string[]; bytes: number }>(
      `MATCH (:${Label.Finding} {findingId: 'a4c8d7e6f5b4a3928170615243f2e1d0'})-[:${Rel.AFFECTS}]->(:${Label.Ec2Instance})
             -[:${Rel.HAS_INTERFACE}]->(:${Label.NetworkInterface})-[:${Rel.HAS_IP}]->(:${Label.IpAddress})-[f:${Rel.FLOW}]->(remote:${Label.IpAddress})
       RETURN remote.ip AS remote, f.ports AS ports, sum(f.bytes) AS bytes ORDER BY remote`,
    );
    expect(result.records.map((r) => [r.get('remote'), r.get('ports'), r.get('bytes')])).toEqual([
      ['198.51.100.9', ['443/tcp ACCEPT'], 9000],
      ['203.0.113.66', ['4444/tcp ACCEPT'], 160000],
    ]);
    // And the finding names the same remote address, with GuardDuty's country and network.
    const remote = await graph.read(`MATCH (:${Label.Finding} {findingId: 'a4c8d7e6f5b4a3928170615243f2e1d0'})-[r:${Rel.INVOLVES} {role: 'remote'}]->(ip) RETURN ip.ip AS ip, ip.country AS country, ip.asn AS asn`);
    expect(remote.records[0]?.toObject()).toEqual({ ip: '203.0.113.66', country: 'Netherlands', asn: 64500 });
  });

  it('connects findings about workloads to the workload and the address that acted on it', async () => {
    const result = await graph.read<{ finding: string; resource: string; address: string | null }>(
      `MATCH (f:${Label.Finding})-[:${Rel.AFFECTS}]->(r:${Label.AwsResource}) WHERE f.findingId IN $ids
       OPTIONAL MATCH (f)-[:${Rel.INVOLVES}]->(ip:${Label.IpAddress})
       RETURN f.type AS finding, r.arn AS resource, ip.ip AS address ORDER BY finding, resource`,
      { ids: ['c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6', 'd2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7', 'e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8', 'f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9'] },
    );
    expect(result.records.map((r) => [r.get('finding'), r.get('resource'), r.get('address')])).toEqual([
      ['Backdoor:Lambda/C&CActivity.B', 'arn:aws:lambda:us-east-1:444455556666:function:thumbnailer', '203.0.113.66'],
      ['CredentialAccess:RDS/AnomalousBehavior.SuccessfulLogin', 'arn:aws:rds:us-east-1:444455556666:db:orders-db-1', '203.0.113.91'],
      ['Discovery:Kubernetes/MaliciousIPCaller', 'arn:aws:eks:us-east-1:444455556666:cluster/payments-prod', '198.51.100.77'],
      ['Execution:Runtime/NewBinaryExecuted', 'arn:aws:ecs:us-east-1:444455556666:cluster/checkout', null],
      ['Execution:Runtime/NewBinaryExecuted', 'container/3f9a1c2b7d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4', null],
    ]);
  });

  it('leads from a finding about an access key to its principal and the sessions it started', async () => {
    const result = await graph.read<{ principal: string; session: string }>(
      `MATCH (:${Label.Finding} {findingId: 'b6e1f0a2c3d4e5f60718293a4b5c6d7e'})-[:${Rel.AFFECTS}]->(:${Label.AccessKey})-[:${Rel.KEY_OF}]->(p)-[:${Rel.ASSUMED}]->(s:${Label.RoleSession})
       RETURN p.principalKey AS principal, s.principalKey AS session ORDER BY session`,
    );
    expect(result.records.map((r) => [r.get('principal'), r.get('session')])).toEqual([
      ['arn:aws:iam::900138736586:user/christophe', 'ASIA9F6MXE9HSYOXYQOS'],
      ['arn:aws:iam::900138736586:user/christophe', 'ASIAYY9090UIYYUOIF2U'],
    ]);
  });

  it('keeps the newest version of a finding that arrived several times', async () => {
    const result = await graph.read(`MATCH (f:${Label.Finding} {findingId: 'a4c8d7e6f5b4a3928170615243f2e1d0'}) RETURN f.count AS count, f.updatedAt AS updatedAt`);
    expect(result.records[0]?.toObject()).toEqual({ count: 20, updatedAt: Date.parse('2024-08-01T13:10:02.114Z') });
    // An older version arriving later changes nothing.
    const older = join(work, 'older.json');
    copyFileSync(join(FIXTURES, 'guardduty', 'c2-activity.valid.json'), older);
    const again = await runCli(['ingest', 'guardduty', older, '--json'], testEnv());
    expect(json(again.stdout)).toMatchObject({ loaded: 0, duplicates: 1 });
    const after = await graph.read(`MATCH (f:${Label.Finding} {findingId: 'a4c8d7e6f5b4a3928170615243f2e1d0'}) RETURN f.count AS count`);
    expect(after.records[0]?.get('count')).toBe(20);
  });

  it('keeps sample findings flagged and their placeholders apart from real entities', async () => {
    const samples = await graph.read(`MATCH (f:${Label.Finding}) WHERE f.sample RETURN count(f) AS n`);
    expect(samples.records[0]?.get('n')).toBe(3);
    const leaked = await graph.read(
      `MATCH (f:${Label.Finding} {sample: true})-[:${Rel.AFFECTS}]->(x) WHERE coalesce(x.sample, false) = false RETURN count(x) AS n`,
    );
    expect(leaked.records[0]?.get('n')).toBe(0);
    const placeholder = await graph.read(`MATCH (i:${Label.Ec2Instance} {instanceId: 'i-99999999'}) RETURN count(i) AS n`);
    expect(placeholder.records[0]?.get('n')).toBe(0);
  });

  it('changes nothing when everything is ingested again', async () => {
    const before = { graph: await graphCounts(graph), store: await storeCounts(graph) };
    // The rejects of the files read again go with the test's files, not into the working directory.
    const result = await runCli(['ingest', join(FIXTURES, 'cloudtrail', 'stratus-red-team'), join(FIXTURES, 'vpcflow'), join(FIXTURES, 'guardduty'), '--json', '--rejects', join(work, 'again.jsonl')], testEnv());
    const summary = json(result.stdout) as { loaded: number; alreadyIngestedFiles: number; files: number; failedFiles: unknown[]; rejected: number };
    expect(summary.loaded).toBe(0);
    // Files loaded whole are skipped unread; those with rejected records are read again (and add nothing).
    expect(summary.alreadyIngestedFiles).toBeGreaterThan(40);
    expect(summary.alreadyIngestedFiles).toBeLessThan(summary.files);
    expect({ graph: await graphCounts(graph), store: await storeCounts(graph) }).toEqual(before);
  });

  it('loads what a truncated flow-log .gz holds in complete parts, and a complete copy later adds only the rest', async () => {
    const dir = join(work, 'AWSLogs', '111122223333', 'vpcflowlogs', 'us-east-1', '2024', '08', '02');
    mkdirSync(dir, { recursive: true });
    const text = Array.from({ length: 2000 }, (_, i) => `2 111122223333 eni-0a1b2c3d4e5ftrunc 10.0.7.${i % 200} 198.51.100.70 ${40000 + i} 443 6 5 500 1722560400 1722560460 ACCEPT OK`).join('\n');
    const gz = gzipSync(text);
    writeFileSync(join(dir, 'cut.log.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    const cut = await runCli(['ingest', 'vpcflow', dir, '--json', '--rejects', join(work, 'cut.jsonl')], testEnv());
    expect(cut.code).toBe(2);
    expect(json(cut.stdout).failedFiles).toEqual([expect.objectContaining({ reason: expect.stringMatching(/truncated file.*nothing was loaded/) })]);
    const none = await graph.read(`MATCH (:${Label.IpAddress} {ip: '198.51.100.70'}) RETURN count(*) AS n`);
    expect(none.records[0]?.get('n')).toBe(0);

    writeFileSync(join(dir, 'cut.log.gz'), gz);
    const complete = await runCli(['ingest', 'vpcflow', dir, '--json'], testEnv());
    expect(json(complete.stdout)).toMatchObject({ loaded: 2000, rejected: 0 });
    const counted = await graph.read(`MATCH ()-[f:${Rel.FLOW}]->(:${Label.IpAddress} {ip: '198.51.100.70'}) RETURN sum(f.count) AS n`);
    expect(counted.records[0]?.get('n')).toBe(2000);
  });

  it('loads the complete parts of a large truncated file, and later only the rest from a complete copy', async () => {
    const dir = join(work, 'parts');
    mkdirSync(dir, { recursive: true });
    // 3000 distinct flows; with parts of 500 aggregates the file is written in several parts.
    const text = Array.from({ length: 3000 }, (_, i) => `2 111122223333 eni-0a1b2c3d4e5fparts 10.0.8.${i % 250} 198.51.${100 + Math.floor(i / 250)}.80 ${40000 + i} ${1000 + i} 6 5 500 1722560400 1722560460 ACCEPT OK`).join('\n');
    const gz = gzipSync(text);
    const env = { ...testEnv(), TRAILHOUND_FLOW_PART_SIZE: '500' };
    writeFileSync(join(dir, 'big.log.gz'), gz.subarray(0, Math.floor(gz.length * 0.7)));
    const cut = await runCli(['ingest', 'vpcflow', dir, '--json', '--rejects', join(work, 'parts.jsonl')], env);
    const first = json(cut.stdout);
    expect(first.failedFiles).toEqual([expect.objectContaining({ reason: expect.stringMatching(/truncated file\): the first \d+ records were loaded/) })]);
    const partial = first.loaded as number;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(3000);

    writeFileSync(join(dir, 'big.log.gz'), gz);
    const complete = await runCli(['ingest', 'vpcflow', dir, '--json'], env);
    expect(json(complete.stdout)).toMatchObject({ read: 3000, loaded: 3000 - partial, duplicates: partial });
    const counted = await graph.read(`MATCH (:${Label.IpAddress} {ip: '10.0.8.7'})-[f:${Rel.FLOW}]->() RETURN sum(f.count) AS n`);
    expect(counted.records[0]?.get('n')).toBe(12);
    const all = await graph.read(`MATCH (a:${Label.IpAddress})-[f:${Rel.FLOW}]->() WHERE a.ip STARTS WITH '10.0.8.' RETURN sum(f.count) AS n`);
    expect(all.records[0]?.get('n')).toBe(3000);
  });

  it('counts the same lines once when two files of one run hold them (a plain and a gzipped copy), in the graph and in the store', async () => {
    const dir = join(work, 'same-lines');
    mkdirSync(dir, { recursive: true });
    // Different bytes (so two files for the ledger), the same lines (so the same part): both
    // parts wait in one window, before the graph has either.
    const text = Array.from({ length: 40 }, (_, i) => `2 111122223333 eni-0a1b2c3d4e5ftwice 10.0.77.${i + 1} 198.51.100.77 ${42000 + i} 443 6 5 500 1722560400 1722560460 ACCEPT OK`).join('\n');
    writeFileSync(join(dir, 'copy.log'), text);
    writeFileSync(join(dir, 'copy.log.gz'), gzipSync(text));
    const run = await runCli(['ingest', 'vpcflow', dir, '--json'], testEnv());
    expect(json(run.stdout)).toMatchObject({ files: 2, read: 80, loaded: 40, duplicates: 40, rejected: 0, failedFiles: [] });
    const counted = await graph.read(`MATCH (a:${Label.IpAddress})-[f:${Rel.FLOW}]->(:${Label.IpAddress} {ip: '198.51.100.77'}) WHERE a.ip STARTS WITH '10.0.77.' RETURN sum(f.count) AS n, sum(f.bytes) AS bytes`);
    expect(counted.records[0]?.toObject()).toEqual({ n: 40, bytes: 40 * 500 });
    const [stored] = await storeRows<{ rows: number | bigint }>(graph, (t) => `SELECT count(*) AS rows FROM ${t.vpcflow} WHERE dst = '198.51.100.77'`);
    expect(Number(stored!.rows)).toBe(40);
    const [hours] = await storeRows<{ flows: number | bigint }>(graph, (t) => `SELECT sum(flows) AS flows FROM ${t.vpcflow_hours} WHERE dst = '198.51.100.77'`);
    expect(Number(hours!.flows)).toBe(40);
  });

  it('rejects a broken first record alone, and loads the rest of the file; a file of text that is not flows is refused', async () => {
    const dir = join(work, 'first-line');
    mkdirSync(dir, { recursive: true });
    const good = Array.from({ length: 20 }, (_, i) => `2 111122223333 eni-0a1b2c3d4e5ffirst 10.0.9.${i + 1} 198.51.100.90 ${41000 + i} 443 6 5 500 1722560400 1722560460 ACCEPT OK`);
    writeFileSync(join(dir, 'broken-first.log'), ['2 111122223333 eni-0a1b2c3d4e5ffirst 10.0.9.999 garbage', ...good].join('\n'));
    const rejects = join(work, 'first-line.jsonl');
    const run = await runCli(['ingest', 'vpcflow', dir, '--json', '--rejects', rejects], testEnv());
    expect(json(run.stdout)).toMatchObject({ loaded: 20, rejected: 1, failedFiles: [] });
    const logged = readFileSync(rejects, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toEqual([expect.objectContaining({ file: join(dir, 'broken-first.log'), line: 1, reason: expect.stringMatching(/expected 14 fields/) })]);
    const counted = await graph.read(`MATCH ()-[f:${Rel.FLOW}]->(:${Label.IpAddress} {ip: '198.51.100.90'}) RETURN sum(f.count) AS n`);
    expect(counted.records[0]?.get('n')).toBe(20);

    // Prose in a .log file is not a flow log: refused whole, with one line saying so.
    writeFileSync(join(dir, 'notes.log'), ['meeting notes for the incident', 'call at 10, bring coffee', 'nothing here is a flow', 'still not', 'nor this', 'last line'].join('\n'));
    const prose = await runCli(['ingest', 'vpcflow', join(dir, 'notes.log'), '--json', '--rejects', join(work, 'prose.jsonl')], testEnv());
    expect(json(prose.stdout).failedFiles).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^not a VPC flow log/) })]);
  });

  it('tells the user which command reads a file given to the wrong one', async () => {
    const flowFile = join(FIXTURES, 'vpcflow', 'default-v2.valid.log');
    const asCloudTrail = await runCli(['ingest', 'cloudtrail', flowFile, '--json', '--rejects', join(work, 'w1.jsonl')], testEnv());
    expect(json(asCloudTrail.stdout).failedFiles).toEqual([expect.objectContaining({ reason: 'not CloudTrail: this looks like a VPC flow log', hint: expect.stringContaining('ingest vpcflow') })]);

    const trail = join(FIXTURES, 'cloudtrail', 'stratus-red-team', 'aws.execution.ssm-send-command.json');
    const asFlows = await runCli(['ingest', 'vpcflow', trail, '--json', '--rejects', join(work, 'w2.jsonl')], testEnv());
    expect(json(asFlows.stdout).failedFiles).toEqual([expect.objectContaining({ reason: 'not a VPC flow log: this looks like CloudTrail events', hint: 'Use `trailhound ingest cloudtrail`.' })]);

    const asFindings = await runCli(['ingest', 'guardduty', trail, '--json', '--rejects', join(work, 'w3.jsonl')], testEnv());
    expect(json(asFindings.stdout).failedFiles).toEqual([expect.objectContaining({ reason: 'not GuardDuty findings: this looks like CloudTrail events' })]);

    const finding = join(FIXTURES, 'guardduty', 'c2-activity.valid.json');
    const findingAsTrail = await runCli(['ingest', 'cloudtrail', finding, '--json', '--rejects', join(work, 'w4.jsonl')], testEnv());
    expect(json(findingAsTrail.stdout).failedFiles).toEqual([expect.objectContaining({ reason: 'not CloudTrail: this looks like a GuardDuty finding', hint: expect.stringContaining('ingest guardduty') })]);
  });
});

describe('flow logs delivered as Parquet', () => {
  let graph: Graph;
  let work: string;
  beforeAll(async () => {
    graph = await connectTestGraph();
    work = mkdtempSync(join(tmpdir(), 'trailhound-parquet-'));
  });
  afterAll(async () => graph.close());

  const flowEdges = async () =>
    (
      await graph.read(
        `MATCH (a)-[f:${Rel.FLOW}]->(b) RETURN [a.ip, b.ip, f.ports, f.count, f.bytes, f.via, f.srcPorts, f.interfaces] AS edge`,
      )
    ).records
      .map((r) => JSON.stringify(r.get('edge')))
      .sort();

  it('loads the same graph as the same records as text, and loading it again changes nothing', async () => {
    const text = join(FIXTURES, 'vpcflow', 'custom-v5.valid.log');
    const parquet = join(FIXTURES, 'parquet', 'custom-v5.valid.parquet');
    await wipeGraph(graph);
    expect(json((await runCli(['ingest', 'vpcflow', text, '--json'], testEnv())).stdout)).toMatchObject({ read: 4, loaded: 4, rejected: 0 });
    const fromText = await flowEdges();
    const countsFromText = await graphCounts(graph);
    const storeFromText = await storeCounts(graph);
    expect(fromText.length).toBeGreaterThan(2);

    await wipeGraph(graph);
    // Detected as a flow log by its bytes ("PAR1"), without naming the source.
    const loaded = await runCli(['ingest', parquet, '--json'], testEnv());
    expect(json(loaded.stdout)).toMatchObject({ filesBySource: { vpcflow: 1 }, read: 4, loaded: 4, rejected: 0, failedFiles: [] });
    expect(await flowEdges()).toEqual(fromText);
    expect(await graphCounts(graph)).toEqual(countsFromText);
    // ...and the same records and hourly volumes in the event store.
    expect(await storeCounts(graph)).toEqual(storeFromText);

    const again = json((await runCli(['ingest', parquet, '--json'], testEnv())).stdout);
    expect(again).toMatchObject({ read: 4, loaded: 0, duplicates: 4, alreadyIngestedFiles: 1 });
    expect(await flowEdges()).toEqual(fromText);
  });

  it('refuses a Parquet file that was cut short, saying why', async () => {
    const cut = join(work, 'cut.parquet');
    writeFileSync(cut, readFileSync(join(FIXTURES, 'parquet', 'custom-v5.valid.parquet')).subarray(0, 3000));
    const result = await runCli(['ingest', 'vpcflow', cut, '--json', '--rejects', join(work, 'cut.jsonl')], testEnv());
    expect(json(result.stdout).failedFiles).toEqual([expect.objectContaining({ file: cut, reason: expect.stringMatching(/^the Parquet data cannot be read: /) })]);
  });
});
