import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/driver';
import { Label } from '../../graph/vocabulary';
import { runCli } from '../support/runCli';
import { connectTestGraph, storeRows, testEnv, wipeGraph } from '../support/testGraph';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'cloudtrail');
const STRATUS = join(FIXTURES, 'stratus-red-team');

function readJsonLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
}

describe('ingest cloudtrail: bad input costs only itself', () => {
  let graph: Graph;
  let dir: string;
  let rejects: string;

  beforeAll(async () => {
    graph = await connectTestGraph();
    await wipeGraph(graph);
    dir = mkdtempSync(join(tmpdir(), 'trailhound-bad-'));
    rejects = join(dir, 'rejects.jsonl');
    const logs = join(dir, 'AWSLogs', '123456789012', 'CloudTrail', 'us-east-1', '2024', '08', '01');
    mkdirSync(logs, { recursive: true });
    // A good S3 delivery, gzipped.
    const good = JSON.parse(readFileSync(join(STRATUS, 'aws.persistence.iam-create-admin-user.json'), 'utf8')) as unknown[];
    writeFileSync(join(logs, 'good.json.gz'), gzipSync(JSON.stringify({ Records: good })));
    // A delivery cut off in the middle of its gzip stream.
    const many = JSON.parse(readFileSync(join(STRATUS, 'aws.credential-access.ec2-get-password-data.json'), 'utf8')) as unknown[];
    const gz = gzipSync(JSON.stringify({ Records: many }));
    writeFileSync(join(logs, 'truncated.json.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    // JSON Lines with one broken line and one event without eventID.
    const lines = (JSON.parse(readFileSync(join(STRATUS, 'aws.defense-evasion.cloudtrail-stop.json'), 'utf8')) as Record<string, unknown>[]).map((e) => JSON.stringify(e));
    const noId = JSON.stringify({ ...JSON.parse(lines[0]!), eventID: undefined });
    writeFileSync(join(dir, 'export.jsonl'), [lines[0], '{"eventID": "half a record', noId, ...lines.slice(1)].join('\n'));
    // Not CloudTrail at all, whatever its name says.
    writeFileSync(join(dir, 'flows.json'), 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n');
    // The digest folder is skipped by the directory walk.
    mkdirSync(join(dir, 'AWSLogs', '123456789012', 'CloudTrail-Digest'), { recursive: true });
    writeFileSync(join(dir, 'AWSLogs', '123456789012', 'CloudTrail-Digest', 'digest.json.gz'), gzipSync('{"awsAccountId":"123456789012"}'));
  });
  afterAll(async () => {
    await graph.close();
  });

  it('loads what it can, rejects each bad record with file, position and reason, and exits 2', async () => {
    const result = await runCli(['ingest', 'cloudtrail', dir, '--json', '--rejects', rejects], testEnv());
    expect(result.code).toBe(2);
    const summary = JSON.parse(result.stdout);
    expect(summary.failedFiles).toEqual([
      expect.objectContaining({ file: join(dir, 'flows.json'), reason: 'not CloudTrail: this looks like a VPC flow log', hint: expect.stringContaining('ingest vpcflow') }),
    ]);
    expect(summary.rejectsFile).toBe(rejects);

    const entries = readJsonLines(rejects);
    const byFile = (name: string) => entries.filter((e) => String(e.file).endsWith(name));
    expect(byFile('export.jsonl')).toEqual([
      expect.objectContaining({ scope: 'record', record: 2, line: 2, reason: expect.stringMatching(/^invalid JSON/) }),
      expect.objectContaining({ scope: 'record', record: 3, line: 3, reason: 'missing eventID' }),
    ]);
    expect(byFile('truncated.json.gz')).toEqual([expect.objectContaining({ reason: expect.stringMatching(/gzip data ends early \(truncated file\)/) })]);
    // Where it broke off: the first record not read whole, its line and its offset.
    const cut = byFile('truncated.json.gz')[0] as { record: number; line: number; byteOffset: number };
    expect(cut.record).toBeGreaterThan(1);
    expect(cut.line).toBe(1); // one line of JSON, as CloudTrail writes it
    expect(cut.byteOffset).toBeGreaterThan(0);
    expect(byFile('flows.json')).toEqual([expect.objectContaining({ scope: 'file' })]);
    expect(summary.rejected).toBe(3);

    // Every good event is in the graph, including those read before the gzip stream broke.
    const good = (JSON.parse(readFileSync(join(STRATUS, 'aws.persistence.iam-create-admin-user.json'), 'utf8')) as { eventID: string }[]).map((e) => e.eventID);
    const stop = JSON.parse(readFileSync(join(STRATUS, 'aws.defense-evasion.cloudtrail-stop.json'), 'utf8')) as unknown[];
    const [loaded] = await storeRows(graph, (t) => `SELECT count(*) AS n FROM ${t.cloudtrail} WHERE list_contains($good, eventId)`, { good });
    expect(loaded).toEqual({ n: good.length });
    expect(summary.loaded).toBeGreaterThan(good.length + stop.length - 1);
    expect(summary.read).toBe(summary.loaded + summary.duplicates + summary.rejected);
  });

  it('exits 0 with --allow-rejects, and the rerun loads nothing twice', async () => {
    const result = await runCli(['ingest', 'cloudtrail', dir, '--json', '--allow-rejects', '--rejects', join(dir, 'again.jsonl')], testEnv());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ loaded: 0, rejected: 3 });
  });

  it("rejects AWS's parser edge cases one by one, and refuses the files that are not CloudTrail", async () => {
    const edge = join(FIXTURES, 'aws-processing-library-edge-cases');
    const out = join(dir, 'edge.jsonl');
    const result = await runCli(['ingest', 'cloudtrail', edge, join(edge, 'SQSMessageBody'), '--json', '--rejects', out], testEnv());
    expect(result.code).toBe(2);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ loaded: 0, skippedFiles: 3 });
    const entries = readJsonLines(out);
    expect(entries.filter((e) => e.reason === 'missing eventID').length).toBeGreaterThan(30);
    expect(entries).toContainEqual(expect.objectContaining({ scope: 'record', reason: expect.stringMatching(/brackets do not balance|invalid JSON/) }));
    expect(summary.failedFiles.map((f: { file: string }) => f.file.split('/').pop())).toEqual(
      expect.arrayContaining(['SerializerTestFileBadFieldName.json', 'SQSMessageBody']),
    );
  });

  it('names a missing path before doing any work', async () => {
    const result = await runCli(['ingest', 'cloudtrail', join(dir, 'nope')], testEnv());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${join(dir, 'nope')}: no such file or directory`);
  });

  it('reads EventBridge events and SNS messages like plain records', async () => {
    const [event] = JSON.parse(readFileSync(join(STRATUS, 'aws.execution.ssm-send-command.json'), 'utf8')) as Record<string, unknown>[];
    const bridge = { version: '0', id: 'x', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ssm', detail: event };
    const sns = { Type: 'Notification', MessageId: 'm', Message: JSON.stringify({ ...event, eventID: 'sns-copy-of-event' }) };
    const file = join(dir, 'wrapped.jsonl');
    writeFileSync(file, `${JSON.stringify(bridge)}\n${JSON.stringify(sns)}\n`);
    copyFileSync(file, join(dir, 'wrapped-again.jsonl'));
    const result = await runCli(['ingest', 'cloudtrail', file, join(dir, 'wrapped-again.jsonl'), '--json'], testEnv());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ read: 4, loaded: 2, duplicates: 2, rejected: 0 });
  });

  it('a record nested 5,000 levels deep rejects itself alone: the rest of its file and the other files load', async () => {
    const hostile = join(import.meta.dirname, '..', 'fixtures', 'hostile');
    const out = join(dir, 'hostile-rejects.jsonl');
    const other = join(STRATUS, 'aws.credential-access.secretsmanager-retrieve-secrets.json');
    const files = [join(hostile, 'cloudtrail-deep.jsonl.gz'), join(hostile, 'cloudtrail-hostile.json'), other];
    const result = await runCli(['ingest', 'cloudtrail', ...files, '--json', '--rejects', out], testEnv());
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.code).toBe(2);
    const summary = JSON.parse(result.stdout);
    const otherEvents = (JSON.parse(readFileSync(other, 'utf8')) as unknown[]).length;
    // deep.jsonl: 3 records, 1 too deep; hostile.json: 12 records, 1 too deep, a bad time, no eventID.
    expect(summary).toMatchObject({ read: 3 + 12 + otherEvents, rejected: 4, failedFiles: [] });
    const entries = readJsonLines(out);
    const deep = entries.filter((e) => String(e.reason).startsWith('nested more than 64 levels deep'));
    expect(deep).toEqual([
      expect.objectContaining({ file: files[0], record: 2, line: 2, recordId: '66666666-0000-4000-8000-000000000022' }),
      expect.objectContaining({ file: files[1], record: 2, recordId: '66666666-0000-4000-8000-000000000002' }),
    ]);
    const ids = ['21', '23', '01', '03', '08', '11', '12'].map((n) => `66666666-0000-4000-8000-0000000000${n}`);
    const [stored] = await storeRows(graph, (t) => `SELECT count(*) AS n FROM ${t.cloudtrail} WHERE list_contains($ids, eventId)`, { ids });
    expect(stored).toEqual({ n: ids.length });
  });
});
