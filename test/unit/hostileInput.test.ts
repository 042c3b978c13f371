import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { RejectsLog } from '../../ingest/pipeline/rejectsLog';
import { runIngest, type IngestSummary } from '../../ingest/pipeline/runIngest';
import type { LogSource } from '../../ingest/pipeline/types';
import { sources } from '../../ingest/sources';
import { MAX_NESTING, nestsDeeperThan } from '../../ingest/read/nesting';
import { redactSecrets } from '../../ingest/common/secrets';
import { AUTO } from '../../ingest/autoSource';
import { Mutator, randomFrom } from '../support/mutate';
import { ocsfLine } from '../../export/ocsf';
import type { TimelineEntry } from '../../export/entries';

/**
 * A record can only ever reject itself (issue 23). Each run throws at least 10,000 mutated
 * records at every reader, made from the real fixtures with a new seed (printed on failure, and
 * taken from TRAILHOUND_FUZZ_SEED to replay one), through the real ingest in a dry run: no
 * exception may escape, nothing may be caught as a reader's bug, and every record read must be
 * accounted for as loaded, duplicate or rejected.
 */
const SEED = Number(process.env.TRAILHOUND_FUZZ_SEED) || Math.floor(Math.random() * 2 ** 31);
const PER_READER = 10_000;
const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'trailhound-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bugReasons = /could not be (read|normalised|unwrapped)|reading stopped/;

async function ingestDry(source: LogSource, paths: string[], name: string): Promise<{ summary: IngestSummary; rejects: Record<string, unknown>[] }> {
  const rejectsPath = join(dir, `${name}-rejects.jsonl`);
  const summary = await runIngest({ source, paths, graph: null, storeDir: join(dir, 'store'), rejects: new RejectsLog(rejectsPath) });
  let rejects: Record<string, unknown>[] = [];
  try {
    rejects = readFileSync(rejectsPath, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  } catch {
    // no rejects written
  }
  return { summary, rejects };
}

function expectAccounted(summary: IngestSummary, rejects: Record<string, unknown>[], minimum: number): void {
  const why = `seed ${SEED} (replay with TRAILHOUND_FUZZ_SEED=${SEED})`;
  expect(rejects.filter((r) => bugReasons.test(String(r.reason))), why).toEqual([]);
  expect(summary.failedFiles.filter((f) => bugReasons.test(f.reason)), why).toEqual([]);
  expect(summary.read, why).toBe(summary.loaded + summary.duplicates + summary.rejected);
  expect(summary.read, why).toBeGreaterThanOrEqual(minimum);
  expect(summary.loaded, why).toBeGreaterThan(0);
  expect(summary.rejected, why).toBeGreaterThan(0);
}

function jsonRecordsIn(path: string): Record<string, unknown>[] {
  const text = readFileSync(path, 'utf8');
  const value = JSON.parse(text) as unknown;
  if (Array.isArray(value)) return value as Record<string, unknown>[];
  const records = (value as { Records?: unknown[]; findings?: unknown[]; Findings?: unknown[] }).Records ?? (value as { Findings?: unknown[] }).Findings ?? (value as { findings?: unknown[] }).findings;
  return (records ?? [value]) as Record<string, unknown>[];
}

/** Mutated records as text: most mutated in structure, some damaged as text; a good record first so no file is refused whole. */
function mutatedTexts(m: Mutator, originals: Record<string, unknown>[], count: number, id: (record: Record<string, unknown>, n: number) => void, damage = true): string[] {
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const original = m.pick(originals);
    const record = structuredClone(original);
    id(record, n);
    let text = JSON.stringify(m.chance(0.15) ? record : m.mutateRecord(record));
    // Damaged text costs only itself on its own line; in a container it may run into the records after it.
    if (damage && m.chance(0.1)) text = m.damageText(text);
    out.push(text);
  }
  return out;
}

describe(`hostile input: every reader rejects what it cannot read, record by record (seed ${SEED})`, { timeout: 60_000 }, () => {
  it('measures nesting without recursion, at any depth', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? { a: deep } : [deep];
    expect(nestsDeeperThan(deep)).toBe(true);
    let ok: unknown = 1;
    for (let i = 0; i < MAX_NESTING; i++) ok = { a: ok };
    expect(nestsDeeperThan(ok)).toBe(false);
    expect(nestsDeeperThan({ a: ok })).toBe(true);
    expect(nestsDeeperThan('{"a":{"a":{}}}')).toBe(false); // text is not nesting
  });

  it('a deep record inside an SNS body, or a deep file met by detection, rejects itself; redaction fails closed past the depth', async () => {
    const good = { eventVersion: '1.09', eventID: 'deep-sns-good', eventTime: '2024-08-01T00:00:00Z', eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', userIdentity: { type: 'Root', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012' } };
    const deep = `${'{"a":'.repeat(5_000)}"x"${'}'.repeat(5_000)}`;
    const message = JSON.stringify({ ...good, eventID: 'deep-sns', requestParameters: '@@' }).replace('"@@"', deep);
    const sns = JSON.stringify({ Type: 'Notification', MessageId: 'm', Message: message });
    const sub = join(dir, 'detect');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'sns.jsonl'), `${JSON.stringify(good)}\n${sns}\n`);
    writeFileSync(join(sub, 'deep.json'), `${'['.repeat(20_000)}${']'.repeat(20_000)}`);
    const summary = await runIngest({ source: AUTO, paths: [sub], graph: null, storeDir: join(dir, 'store'), rejects: new RejectsLog(join(dir, 'detect-rejects.jsonl')) });
    expect(summary).toMatchObject({ read: 2, loaded: 1, rejected: 1 });
    expect(summary.failedFiles).toEqual([expect.objectContaining({ file: join(sub, 'deep.json'), reason: expect.stringContaining('nested more than 64 levels') })]);
    expect(readFileSync(join(dir, 'detect-rejects.jsonl'), 'utf8')).toContain('message body nested more than 64 levels deep');

    let secret: unknown = { password: 'hunter2' };
    for (let i = 0; i < 70; i++) secret = { a: secret };
    expect(JSON.stringify(redactSecrets({ requestParameters: secret }))).not.toContain('hunter2');
  });

  it('CloudTrail: S3 deliveries, arrays, JSON Lines, EventBridge and SNS bodies of mutated events', async () => {
    const m = new Mutator(randomFrom(SEED));
    const stratus = join(FIXTURES, 'cloudtrail', 'stratus-red-team');
    const originals = readdirSync(stratus).filter((f) => f.endsWith('.json')).flatMap((f) => jsonRecordsIn(join(stratus, f)));
    originals.push(...jsonRecordsIn(join(FIXTURES, 'cloudtrail', 'shapes', 'identity-types.valid.json')));
    const good = JSON.stringify(originals[0]);
    const setId = (r: Record<string, unknown>, n: number) => {
      r.eventID = `fuzz-${SEED}-${n}`;
    };
    // Containers get structural mutations; files of one record a line also get damaged text.
    const inContainers = mutatedTexts(m, originals, PER_READER * 0.4, setId, false);
    const onLines = mutatedTexts(m, originals, PER_READER * 0.6, (r, n) => setId(r, PER_READER + n));
    const [delivery, array] = [inContainers.slice(0, PER_READER * 0.2), inContainers.slice(PER_READER * 0.2)];
    const [jsonl, bridge, sns] = [0, 1, 2].map((i) => onLines.slice(i * PER_READER * 0.2, (i + 1) * PER_READER * 0.2));
    const paths = ['delivery.json.gz', 'array.json', 'lines.jsonl', 'eventbridge.jsonl', 'sns.jsonl'].map((f) => join(dir, f));
    writeFileSync(paths[0]!, gzipSync(`{"Records":[${[good, ...delivery!].join(',')}]}`));
    writeFileSync(paths[1]!, `[\n${[good, ...array!].join(',\n')}\n]`);
    writeFileSync(paths[2]!, [good, ...jsonl!].join('\n'));
    writeFileSync(paths[3]!, [good, ...bridge!].map((t) => `{"version":"0","detail-type":"AWS API Call via CloudTrail","source":"aws.s3","detail":${t}}`).join('\n'));
    writeFileSync(paths[4]!, [good, ...sns!].map((t) => JSON.stringify({ Type: 'Notification', MessageId: 'm', Message: t })).join('\n'));
    const { summary, rejects } = await ingestDry(sources.cloudtrail!, paths, 'cloudtrail');
    expectAccounted(summary, rejects, PER_READER);
  });

  it('GuardDuty: mutated findings, bare, in arrays and as JSON Lines', async () => {
    const m = new Mutator(randomFrom(SEED + 1));
    const gd = join(FIXTURES, 'guardduty');
    const originals = [...readdirSync(gd).filter((f) => f.endsWith('.valid.json')), ...readdirSync(join(gd, 'aws-samples')).filter((f) => f.endsWith('.json')).map((f) => join('aws-samples', f))].flatMap((f) => {
      const records = jsonRecordsIn(join(gd, f));
      return records.map((r) => ((r as { detail?: unknown }).detail ?? r) as Record<string, unknown>);
    });
    const good = JSON.stringify(originals.find((r) => typeof r.id === 'string' && typeof r.type === 'string'));
    const setId = (r: Record<string, unknown>, n: number) => {
      if ('id' in r) r.id = `fuzz${SEED}x${n}`;
    };
    const inArray = mutatedTexts(m, originals, PER_READER / 2, setId, false);
    const onLines = mutatedTexts(m, originals, PER_READER / 2, (r, n) => setId(r, PER_READER + n));
    const paths = [join(dir, 'findings.json'), join(dir, 'findings.jsonl.gz')];
    writeFileSync(paths[0]!, `[${[good, ...inArray].join(',')}]`);
    writeFileSync(paths[1]!, gzipSync([good, ...onLines].join('\n')));
    const { summary, rejects } = await ingestDry(sources.guardduty!, paths, 'guardduty');
    expectAccounted(summary, rejects, PER_READER);
  });

  it('OCSF: mutated records of every class Trailhound writes, as JSON Lines, plain and gzipped', async () => {
    const m = new Mutator(randomFrom(SEED + 4));
    // OCSF made by the exporter from the Stratus, flow and GuardDuty fixtures' timelines: all five classes.
    const exports = join(FIXTURES, 'exports');
    const originals = readdirSync(exports)
      .filter((f) => f.endsWith('.json'))
      .flatMap((f) => (JSON.parse(readFileSync(join(exports, f), 'utf8')) as TimelineEntry[]).map((entry) => JSON.parse(ocsfLine(entry)) as Record<string, unknown>));
    expect(new Set(originals.map((r) => r.class_uid)).size).toBe(5);
    const good = JSON.stringify(originals.find((r) => r.class_uid === 6003));
    const setId = (r: Record<string, unknown>, n: number) => {
      const metadata = r.metadata as Record<string, unknown> | undefined;
      if (metadata && typeof metadata === 'object') metadata.uid = `fuzz-${SEED}-${n}`;
      const info = r.finding_info as Record<string, unknown> | undefined;
      if (info && typeof info === 'object') info.uid = `fuzz${SEED}x${n}`;
    };
    const plain = mutatedTexts(m, originals, PER_READER / 2, setId);
    const gzipped = mutatedTexts(m, originals, PER_READER / 2, (r, n) => setId(r, PER_READER + n));
    const paths = [join(dir, 'lake.ocsf.jsonl'), join(dir, 'lake.ocsf.jsonl.gz')];
    writeFileSync(paths[0]!, [good, ...plain].join('\n'));
    writeFileSync(paths[1]!, gzipSync([good, ...gzipped].join('\n')));
    const { summary, rejects } = await ingestDry(sources.ocsf!, paths, 'ocsf');
    // Flow records are counted by the flow reader after the file's other records: all accounted for all the same.
    expectAccounted(summary, rejects, PER_READER / 2);
  });

  it('VPC Flow Logs: mutated lines of the default and custom formats, under mutated headers', async () => {
    const m = new Mutator(randomFrom(SEED + 2));
    const flowDir = join(FIXTURES, 'vpcflow');
    const files = ['default-v2.valid.log', 'custom-v5.valid.log'].map((f) => readFileSync(join(flowDir, f), 'utf8').split('\n').filter(Boolean));
    const paths: string[] = [];
    for (const [i, lines] of files.entries()) {
      const header = lines[0]!.startsWith('version') ? lines[0]! : null;
      const data = header ? lines.slice(1) : lines;
      const out: string[] = header ? [header, data[0]!] : [data[0]!];
      for (let n = 0; n < PER_READER / 2; n++) {
        const tokens = m.pick(data).split(' ');
        const action = m.int(12);
        if (action < 7) tokens[m.int(tokens.length)] = String(m.hostileScalar()).replace(/\s/g, '_').slice(0, 300);
        else if (action === 7) tokens.splice(m.int(tokens.length), 1);
        else if (action === 8) tokens.push(String(m.hostileScalar()).replace(/\s/g, '_').slice(0, 50));
        else if (action === 9 && header) {
          // A header, mutated: unknown names, repeats, a field missing.
          const names = header.split(' ');
          names[m.int(names.length)] = m.pick(['constructor', '__proto__', 'toString', 'version', 'srcaddr', 'unknown-field', 'ecs-cluster-name']);
          out.push(names.join(' '));
        }
        let line = tokens.join(m.chance(0.05) ? '\t' : ' ');
        if (action === 10) line = m.damageText(line);
        if (action === 11) line = String(m.hostileScalar()).slice(0, 1000);
        out.push(line);
      }
      paths.push(join(dir, `flows-${i}.log${i ? '.gz' : ''}`));
      writeFileSync(paths[i]!, i ? gzipSync(out.join('\n')) : out.join('\n'));
    }
    const { summary, rejects } = await ingestDry(sources.vpcflow!, paths, 'vpcflow');
    expectAccounted(summary, rejects, PER_READER / 2);
  });

  it('VPC Flow Logs as Parquet: mutated typed values and nulls, then damaged files that must be refused, not thrown', async () => {
    const m = new Mutator(randomFrom(SEED + 3));
    const all = readFileSync(join(FIXTURES, 'vpcflow', 'custom-v5.valid.log'), 'utf8').split('\n').filter(Boolean);
    const names = all[0]!.split(' ').map((n) => n.replaceAll('-', '_'));
    const lines = all.filter((line) => line.split(' ').length === names.length && /^\d/.test(line));
    const ints = new Set(['version', 'srcport', 'dstport', 'protocol', 'tcp_flags', 'traffic_path', 'packets', 'bytes', 'start', 'end']);
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const db = await instance.connect();
    const file = join(dir, 'flows.parquet');
    try {
      await db.run(`CREATE TABLE flows (${names.map((n) => `"${n}" ${ints.has(n) ? 'BIGINT' : 'VARCHAR'}`).join(', ')})`);
      const appender = await db.createAppender('flows');
      for (let n = 0; n < PER_READER; n++) {
        const tokens = m.pick(lines).split(' ');
        const changes = n === 0 ? 0 : 1 + m.int(2);
        for (let c = 0; c < changes; c++) {
          const i = m.int(tokens.length);
          tokens[i] = ints.has(names[i]!) ? m.pick(['-', '0', '-1', '65536', '256', '9223372036854775807', '-9223372036854775808', String(m.int(2 ** 31)), '1722474000000']) : String(m.hostileScalar()).slice(0, 200);
        }
        tokens.forEach((t, i) => {
          if (t === '-') appender.appendNull();
          else if (ints.has(names[i]!)) appender.appendBigInt(BigInt(t));
          else appender.appendVarchar(t);
        });
        appender.endRow();
      }
      appender.closeSync();
      await db.run(`COPY flows TO '${file}' (FORMAT parquet, COMPRESSION gzip, ROW_GROUP_SIZE 2000)`);
    } finally {
      db.closeSync();
    }
    const { summary, rejects } = await ingestDry(sources.vpcflow!, [file], 'parquet');
    expectAccounted(summary, rejects, PER_READER);

    // Damaged copies: cut, bytes changed in the data and in the footer. Each is refused or read
    // in part, with a reason; none may throw.
    const bytes = readFileSync(file);
    const damaged: string[] = [];
    for (let n = 0; n < 12; n++) {
      const copy = Buffer.from(bytes);
      const kind = n % 3;
      const broken = kind === 0 ? copy.subarray(0, m.int(copy.length)) : copy;
      if (kind === 1) for (let k = 0; k < 8; k++) copy[m.int(copy.length - 8)] = m.int(256);
      if (kind === 2) for (let k = 0; k < 4; k++) copy[copy.length - 8 - m.int(Math.min(400, copy.length - 8))] = m.int(256);
      const path = join(dir, `damaged-${n}.parquet`);
      writeFileSync(path, broken);
      damaged.push(path);
    }
    const second = await ingestDry(sources.vpcflow!, damaged, 'parquet-damaged');
    const why = `seed ${SEED}`;
    expect(second.summary.failedFiles.filter((f) => bugReasons.test(f.reason)), why).toEqual([]);
    expect(second.rejects.filter((r) => bugReasons.test(String(r.reason))), why).toEqual([]);
    expect(second.summary.read, why).toBe(second.summary.loaded + second.summary.duplicates + second.summary.rejected);
  });
});
