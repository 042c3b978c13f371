import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/driver';
import { keyOf, Label, Rel, type NodeLabel } from '../../graph/vocabulary';
import { startMotoServer } from '../support/motoServer';
import { runCli } from '../support/runCli';
import { connectTestGraph, graphCounts, storeCounts, testEnv, wipeGraph } from '../support/testGraph';
import { validateOcsf } from '../support/validateOcsf';
import { fixtureOcsfRecords, writeLakeParquet } from '../support/securityLake';

/** Labels that are Trailhound's bookkeeping (ledger, checkpoints), not what the logs say. */
const BOOKKEEPING = new Set<string>([Label.IngestedObject, Label.TrailhoundMeta, Label.PullCheckpoint, Label.IntelEntry, 'Principal']);

/** Relationships whose ends must be the same whichever form the logs came in. */
const RELATIONSHIPS = [Rel.ASSUMED, Rel.SESSION_OF, Rel.KEY_OF, Rel.CALLED_FROM, Rel.USED_AGENT, Rel.ACCESSED, Rel.ON_INSTANCE, Rel.IN_ACCOUNT, Rel.AFFECTS, Rel.INVOLVES, Rel.HAS_INTERFACE, Rel.HAS_IP, Rel.IN_SUBNET, Rel.IN_VPC, Rel.FLOW];

interface Snapshot {
  readonly keys: Record<string, string[]>;
  readonly tuples: Set<string>;
  readonly counts: Record<string, number>;
  readonly store: Record<string, unknown>;
  readonly findings: Record<string, unknown>[];
}

/** What the graph and the store hold, in terms that do not depend on how the logs arrived. */
async function snapshot(graph: Graph): Promise<Snapshot> {
  const labels = await graph.read<{ label: string; keys: string[] }>('MATCH (n) UNWIND labels(n) AS label WITH label, n RETURN label, collect(n) AS nodes');
  const keys: Record<string, string[]> = {};
  for (const r of labels.records) {
    const label = r.get('label') as string;
    if (BOOKKEEPING.has(label)) continue;
    const nodes = r.get('nodes' as 'keys') as unknown as { properties: Record<string, unknown> }[];
    keys[label] = nodes.map((n) => String(n.properties[keyOf(label as NodeLabel)])).sort();
  }
  const counts = Object.fromEntries(Object.entries(await graphCounts(graph)).filter(([k]) => !/IngestedObject|TrailhoundMeta|PullCheckpoint|Principal$/.test(k)));
  const findings = (await graph.read(`MATCH (f:${Label.Finding}) RETURN f ORDER BY f.findingId`)).records.map((r) => {
    const p = (r.get('f') as { properties: Record<string, unknown> }).properties;
    const { raw: _raw, ...rest } = p;
    return rest;
  });
  return { keys, tuples: await linkTuples(graph), counts, store: await storeCounts(graph), findings };
}

/** Every link of RELATIONSHIPS as "Label:key -TYPE-> Label:key", each end named by its key property. */
async function linkTuples(graph: Graph): Promise<Set<string>> {
  const keyProperties = Object.fromEntries(Object.values(Label).map((l) => [l, keyOf(l)]));
  const result = await graph.read<{ tuple: string }>(
    `MATCH (a)-[r]->(b) WHERE type(r) IN $types
     WITH a, r, b, [l IN labels(a) WHERE l <> 'Principal'][0] AS la, [l IN labels(b) WHERE l <> 'Principal'][0] AS lb
     RETURN la + ':' + toString(a[$keys[la]]) + ' -' + type(r) + '-> ' + lb + ':' + toString(b[$keys[lb]]) AS tuple`,
    { types: RELATIONSHIPS, keys: keyProperties },
  );
  return new Set(result.records.map((r) => r.get('tuple')));
}

/**
 * The same incident three ways: the demo's raw logs; the whole graph exported as OCSF
 * (`trailhound export ocsf`) and read back into an empty graph; and that export in Amazon
 * Security Lake's Parquet layout. Every entity, link, finding and event must come back.
 */
describe('OCSF both ways: the demo exported as OCSF and read back', () => {
  let graph: Graph;
  let work: string;
  let raw: Snapshot;
  const exported = () => join(work, 'demo.ocsf.jsonl');
  const lake = () => join(work, 'lake');

  beforeAll(async () => {
    graph = await connectTestGraph();
    await wipeGraph(graph);
    work = mkdtempSync(join(tmpdir(), 'trailhound-ocsf-'));
    const generated = await runCli(['demo', 'generate', join(work, 'scenario'), '--events', '400', '--flow-lines', '1500', '--days', '3'], testEnv());
    expect(generated.code, generated.stderr).toBe(0);
    const loaded = await runCli(['ingest', join(work, 'scenario', 'logs'), '--json', '--rejects', join(work, 'raw-rejects.jsonl')], testEnv());
    expect(loaded.code, loaded.stderr).toBe(0);
    raw = await snapshot(graph);
    const out = await runCli(['export', 'ocsf', '--out', exported()], testEnv());
    expect(out.code, out.stderr).toBe(0);
    await writeLakeParquet(exported(), lake());
  }, 300_000);

  afterAll(async () => {
    await graph.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('exports every finding, event and flow record, each line valid OCSF 1.1.0 for the profiles it declares', async () => {
    const lines = readFileSync(exported(), 'utf8').trim().split('\n');
    const store = raw.store as { events: { rows: number }; flows: { rows: number } };
    expect(lines.length).toBe(raw.keys[Label.Finding]!.length + store.events.rows + store.flows.rows);
    const validation = await validateOcsf([exported()]);
    expect(validation.errors).toEqual([]);
    expect(validation.errorCount).toBe(0);
    expect(Object.keys(validation.byClass).sort()).toEqual(['account_change', 'api_activity', 'authentication', 'detection_finding', 'network_activity']);
  });

  it('knows the events and findings of the export as the ones already loaded from the raw logs', async () => {
    const events = readFileSync(exported(), 'utf8').trim().split('\n').filter((line) => !line.includes('"class_uid":4001'));
    const eventsOnly = join(work, 'events-and-findings.ocsf.jsonl');
    writeFileSync(eventsOnly, `${events.join('\n')}\n`);
    const result = await runCli(['ingest', 'ocsf', eventsOnly, '--json'], testEnv());
    expect(JSON.parse(result.stdout)).toMatchObject({ read: events.length, loaded: 0, duplicates: events.length, rejected: 0 });
    expect(await snapshot(graph)).toEqual(raw);
  });

  it('reads the export back into an empty graph: the same entities, links, findings and events, and a rerun adds nothing', async () => {
    await wipeGraph(graph);
    const first = await runCli(['ingest', 'ocsf', exported(), '--json', '--rejects', join(work, 'ocsf-rejects.jsonl')], testEnv());
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ rejected: 0, failedFiles: [] });
    const back = await snapshot(graph);
    expectSameGraph(back, raw);

    const again = await runCli(['ingest', 'ocsf', exported(), '--json'], testEnv());
    expect(JSON.parse(again.stdout)).toMatchObject({ loaded: 0, rejected: 0 });
    expect(await snapshot(graph)).toEqual(back);
  });

  it('from OCSF attributes alone (a consumer that drops `unmapped`), loses only what OCSF has no attribute for', async () => {
    await wipeGraph(graph);
    const stripped = join(work, 'stripped.ocsf.jsonl');
    const lines = readFileSync(exported(), 'utf8').trim().split('\n').map((line) => {
      const { unmapped: _unmapped, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return JSON.stringify(rest);
    });
    writeFileSync(stripped, `${lines.join('\n')}\n`);
    const result = await runCli(['ingest', 'ocsf', stripped, '--json', '--rejects', join(work, 'stripped-rejects.jsonl')], testEnv());
    expect(result.code, result.stderr).toBe(0);
    const lost = differences(await snapshot(graph), raw);
    // OCSF's actor.session has no attribute for CloudTrail's sessionContext.ec2RoleDelivery, the
    // mark of instance-profile credentials: without it, a session named i-… is not known to be
    // the instance's, so its ON_INSTANCE link (and instances known only through it) go. Nothing
    // else is lost: every other field Trailhound reads has an OCSF attribute.
    const entities = lost.filter((line) => !line.includes(' count '));
    expect(entities.length).toBeGreaterThan(0);
    for (const line of entities) expect(line).toMatch(/^- (link RoleSession:\S+ -ON_INSTANCE-> Ec2Instance:i-|link Ec2Instance:i-\S+ -IN_ACCOUNT-> |Ec2Instance i-)/);
    const counts = new Set(lost.filter((line) => line.includes(' count ')).map((line) => /count (\S+)=/.exec(line)![1]));
    expect([...counts].sort()).toEqual(['count:ON_INSTANCE', 'nodes:Ec2Instance', 'rels:IN_ACCOUNT', 'rels:ON_INSTANCE']);
  });

  it("reads the same records from Security Lake's Parquet layout, detected by content", async () => {
    await wipeGraph(graph);
    const result = await runCli(['ingest', lake(), '--json', '--rejects', join(work, 'lake-rejects.jsonl')], testEnv());
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { filesBySource: Record<string, number>; rejected: number };
    expect(summary).toMatchObject({ filesBySource: { ocsf: 3 }, rejected: 0 });
    expectSameGraph(await snapshot(graph), raw);
  });

  it('reads a Security Lake bucket over S3: only the sources, accounts and days asked, and nothing twice', async () => {
    await wipeGraph(graph);
    const moto = await startMotoServer();
    const bucket = 'aws-security-data-lake-us-east-1-abc123';
    const env: NodeJS.ProcessEnv = { ...testEnv(), AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret', AWS_EC2_METADATA_DISABLED: 'true', TRAILHOUND_AWS_ENDPOINT_URL: moto.url, AWS_REGION: 'us-east-1' };
    delete env.AWS_PROFILE;
    try {
      const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.url, forcePathStyle: true, credentials: { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: 'fake-secret' } });
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const keys: string[] = [];
      for (const file of filesUnder(join(lake(), 'aws'))) {
        const key = relative(lake(), file).split(sep).join('/');
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(file) }));
        // Another account's copy, pruned by --accounts.
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key.replace('accountId=900138736586', 'accountId=222233334444'), Body: readFileSync(file) }));
        keys.push(key);
      }
      // A source Trailhound does not read: never listed below its folder, never fetched.
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'aws/ROUTE53/2.0/region=us-east-1/accountId=900138736586/eventDay=20261101/dns.gz.parquet', Body: 'not read' }));
      s3.destroy();

      const first = await runCli(['ingest', 'ocsf', `s3://${bucket}/aws/`, '--accounts', '900138736586', '--json'], env);
      expect(first.code, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({ files: keys.length, rejected: 0, failedFiles: [] });
      expect(first.stderr).toContain('ROUTE53');
      expectSameGraph(await snapshot(graph), raw);

      // The bucket's root with the source detected: the lake's layout is found, and its objects are in the ledger.
      const again = await runCli(['ingest', `s3://${bucket}`, '--accounts', '900138736586', '--json'], env);
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ loaded: 0, alreadyIngestedFiles: keys.length });
    } finally {
      await moto.stop();
    }
  });

  it('rejects what it cannot read, each record with its file, line and reason, and loads the rest', async () => {
    await wipeGraph(graph);
    const good = readFileSync(exported(), 'utf8').trim().split('\n');
    const event = good.find((line) => line.includes('"class_uid":6003'))!;
    const flow = good.find((line) => line.includes('"class_uid":4001'))!;
    const file = join(work, 'mixed.ocsf.jsonl');
    const lines = [
      event,
      '{"class_uid": 6003, "metadata": {"version": "1.1.0"}, "api": {"operation": "GetObject"}, "time": 1}',
      '{"class_uid": 4003, "class_name": "DNS Activity", "metadata": {"version": "1.1.0"}, "time": 1}',
      '{"class_uid": 4001, "metadata": {"version": "1.1.0"}, "src_endpoint": {"ip": "10.0.0.1"}, "time": 1}',
      '{"class_uid": 6003, "metadata": {"version": "1.1.0"}, "api": {"operation": ',
      flow,
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const rejectsFile = join(work, 'mixed-rejects.jsonl');
    const result = await runCli(['ingest', 'ocsf', file, '--json', '--rejects', rejectsFile], testEnv());
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ loaded: 2, rejected: 4, failedFiles: [] });
    const rejects = readFileSync(rejectsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { file: string; line: number; reason: string });
    expect(rejects.map((r) => [r.line, r.reason.replace(/:.*$/s, '')])).toEqual([
      [2, 'missing metadata.uid (the CloudTrail eventID)'],
      [3, 'OCSF class 4003 (DNS Activity) is not a class Trailhound reads (it reads CloudTrail' + "'" + 's classes, Network Activity and Detection Findings)'],
      [4, 'Network Activity without src_endpoint.ip and dst_endpoint.ip'],
      [5, 'invalid JSON'],
    ]);
    for (const r of rejects) expect(r.file).toBe(file);

    // The same from Parquet: a rejected row is named by its row number.
    const lake = join(work, 'mixed-lake');
    writeFileSync(join(work, 'two.ocsf.jsonl'), `${[event, lines[1]].join('\n')}\n`);
    await writeLakeParquet(join(work, 'two.ocsf.jsonl'), lake);
    const parquetRejects = join(work, 'parquet-rejects.jsonl');
    const fromParquet = await runCli(['ingest', 'ocsf', lake, '--json', '--rejects', parquetRejects], testEnv());
    expect(JSON.parse(fromParquet.stdout)).toMatchObject({ read: 2, duplicates: 1, rejected: 1 });
    expect(JSON.parse(readFileSync(parquetRejects, 'utf8').trim())).toMatchObject({ line: 2, reason: 'missing metadata.uid (the CloudTrail eventID)' });
  });
});

describe('OCSF Parquet that DuckDB lacks the memory to decode', () => {
  let graph: Graph;
  let work: string;

  beforeAll(async () => {
    graph = await connectTestGraph();
    work = mkdtempSync(join(tmpdir(), 'trailhound-ocsf-memory-'));
  });
  afterAll(async () => {
    await graph.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('is named as such, with the setting that lets it load, not called broken; given the memory, the same file loads', async () => {
    await wipeGraph(graph);
    const records = fixtureOcsfRecords();
    expect(records.length).toBeGreaterThan(50);
    writeFileSync(join(work, 'events.ocsf.jsonl'), `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const lake = join(work, 'lake');
    await writeLakeParquet(join(work, 'events.ocsf.jsonl'), lake);

    const starved = await runCli(['ingest', 'ocsf', lake, '--json', '--rejects', join(work, 'rejects.jsonl')], { ...testEnv(), TRAILHOUND_PARQUET_MEMORY: '4MB' });
    expect(starved.code).toBe(2);
    const summary = JSON.parse(starved.stdout) as { loaded: number; failedFiles: { reason: string; hint?: string }[] };
    expect(summary.loaded).toBe(0);
    expect(summary.failedFiles).toHaveLength(1);
    expect(summary.failedFiles[0]!.reason).toMatch(/^DuckDB ran out of the 4MB it may use to decode the Parquet \(Out of Memory Error[^\n]*\); the file itself is probably whole$/);
    expect(summary.failedFiles[0]!.hint).toContain('Set TRAILHOUND_PARQUET_MEMORY higher (for example 8MB)');
    expect(summary.failedFiles[0]!.hint).not.toContain('complete copy');

    // Named before any work, as a setting to fix (not as an unexpected error), by every command that ingests.
    for (const args of [['ingest', 'ocsf', lake, '--json'], ['ingest', lake, '--dry-run']]) {
      const refused = await runCli(args, { ...testEnv(), TRAILHOUND_PARQUET_MEMORY: '2 lots' });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('trailhound: TRAILHOUND_PARQUET_MEMORY must be a size such as 512MB or 2GB, not "2 lots".\n  → Unset it to use 512MB.');
      expect(refused.stderr).not.toContain('unexpected error');
    }

    const given = await runCli(['ingest', 'ocsf', lake, '--json'], { ...testEnv(), TRAILHOUND_PARQUET_MEMORY: '256MB' });
    expect(given.code, given.stderr).toBe(0);
    expect(JSON.parse(given.stdout)).toMatchObject({ loaded: records.length, rejected: 0, failedFiles: [] });
  });
});

/** Differences between two snapshots, as readable lines ("- kept only by raw", "+ only from OCSF"). */
function differences(back: Snapshot, raw: Snapshot): string[] {
  const out: string[] = [];
  const diff = (what: string, a: Iterable<string>, b: Iterable<string>) => {
    const left = new Set(a);
    const right = new Set(b);
    for (const x of right) if (!left.has(x)) out.push(`- ${what} ${x}`);
    for (const x of left) if (!right.has(x)) out.push(`+ ${what} ${x}`);
  };
  for (const label of new Set([...Object.keys(back.keys), ...Object.keys(raw.keys)])) diff(label, back.keys[label] ?? [], raw.keys[label] ?? []);
  diff('link', back.tuples, raw.tuples);
  diff('count', Object.entries(back.counts).map(([k, v]) => `${k}=${v}`), Object.entries(raw.counts).map(([k, v]) => `${k}=${v}`));
  return out.sort();
}

/**
 * The graph read back from OCSF equals the one from the raw logs. What OCSF cannot carry is
 * listed here, each with its reason (docs/ocsf.md says the same); nothing else may differ.
 */
function expectSameGraph(back: Snapshot, raw: Snapshot): void {
  expect(back.keys).toEqual(raw.keys);
  expect([...back.tuples].sort()).toEqual([...raw.tuples].sort());
  expect(back.counts).toEqual(raw.counts);
  expect(back.store).toEqual(raw.store);
  expect(back.findings).toEqual(raw.findings);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
