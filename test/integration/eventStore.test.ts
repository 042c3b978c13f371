import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cypherInt, type Graph } from '../../graph/driver';
import type { EvidenceSink } from '../../graph/facts';
import { Label, Rel } from '../../graph/vocabulary';
import { EvidenceAggregate } from '../../graph/evidenceAggregate';
import { GraphWriter } from '../../graph/writer';
import { ledgerEntry } from '../../ingest/pipeline/ledgerEntry';
import { Loader } from '../../ingest/pipeline/loader';
import { readCloudTrailEvent } from '../../ingest/cloudtrail/normalize';
import { readFindingRecord } from '../../ingest/guardduty/normalize';
import { startServer } from '../../server/start';
import { commitMarkerKey } from '../../store/commitMarkers';
import { readManifest } from '../../store/manifest';
import { EventStoreWriter } from '../../store/storeWriter';
import { columnsOf, tables } from '../../store/tables';
import { generateCloudTrailFile } from '../bench/generateCloudTrail';
import { runCli } from '../support/runCli';
import { connectTestGraph, openTestStore, storeCounts, TEST_STORE_DIR, testEnv, wipeGraph } from '../support/testGraph';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = join(ROOT, 'test', 'fixtures');
const BIN = join(ROOT, 'bin', 'trailhound.js');
const PYTHON = join(ROOT, '.venv-test', 'bin', 'python');

/** pyarrow's name for each declared column type. */
const ARROW_TYPES: Record<string, string> = { BIGINT: 'int64', INTEGER: 'int32', BOOLEAN: 'bool', VARCHAR: 'string', 'VARCHAR[]': 'list<element: string>' };

describe('the event store', () => {
  let graph: Graph;
  let work: string;
  beforeAll(async () => {
    graph = await connectTestGraph();
    await wipeGraph(graph);
    work = mkdtempSync(join(tmpdir(), 'trailhound-store-'));
    const loaded = await runCli(['ingest', join(FIXTURES, 'cloudtrail', 'stratus-red-team'), join(FIXTURES, 'vpcflow'), '--json', '--allow-rejects', '--rejects', join(work, 'rejects.jsonl')], testEnv());
    expect(loaded.code, loaded.stderr).toBe(0);
  });
  afterAll(async () => graph.close());

  it('is a Hive-partitioned Parquet lake that another reader (pyarrow) reads as it is: the declared columns, types, days and rows', () => {
    expect(existsSync(PYTHON), `${PYTHON}: install the test venv (README)`).toBe(true);
    const manifest = readManifest(TEST_STORE_DIR);
    const script = `
import json, sys, datetime
import pyarrow.dataset as ds
root, manifest = sys.argv[1], json.load(open(sys.argv[2]))
out = {}
for table in sorted({s['table'] for s in manifest['segments']}):
    files = [root + '/' + s['path'] for s in manifest['segments'] if s['table'] == table]
    data = ds.dataset(files, format='parquet', partitioning='hive', partition_base_dir=root).to_table()
    rows = data.to_pylist()
    out[table] = {
        'schema': {f.name: str(f.type) for f in data.schema},
        'rows': len(rows),
        'days': sorted({r['day'] if isinstance(r['day'], str) else r['day'].isoformat() for r in rows}),
        'timeDays': sorted({datetime.datetime.fromtimestamp(r[sys.argv[3 + ['cloudtrail','vpcflow','vpcflow_hours'].index(table)]] / 1000, datetime.timezone.utc).date().isoformat() for r in rows}),
        'first': {k: v for k, v in rows[0].items() if k in ('eventId', 'src', 'dst', 'bytes')},
    }
print(json.dumps(out))`;
    const output = execFileSync(PYTHON, ['-c', script, TEST_STORE_DIR, join(TEST_STORE_DIR, 'manifest.json'), tables.cloudtrail.timeColumn, tables.vpcflow.timeColumn, tables.vpcflow_hours.timeColumn], { encoding: 'utf8' });
    const read = JSON.parse(output) as Record<string, { schema: Record<string, string>; rows: number; days: string[]; timeDays: string[] }>;
    expect(Object.keys(read).sort()).toEqual(['cloudtrail', 'vpcflow', 'vpcflow_hours']);
    for (const [table, seen] of Object.entries(read)) {
      const declared = Object.fromEntries(columnsOf(table as keyof typeof tables).map(([name, c]) => [name, ARROW_TYPES[c.type]]));
      // The partition columns come from the path (source=<table>/day=YYYY-MM-DD), the rest from the files.
      const { day, source, ...columns } = seen.schema;
      expect([day, source], table).toEqual(['string', 'string']);
      expect(columns, table).toEqual(declared);
      expect(seen.rows, table).toBe(manifest.segments.filter((s) => s.table === table).reduce((n, s) => n + s.rows, 0));
      // Each row sits in the partition of its own day.
      expect(seen.days, table).toEqual(seen.timeDays);
    }
    expect(read.cloudtrail!.rows).toBe(310);
  });

  it('finishes a commit the graph counted and discards one it did not, when the next ingest opens it', async () => {
    const before = await storeCounts(graph);
    // An ingest stages two commits and dies before publishing either.
    const writer = await EventStoreWriter.open(TEST_STORE_DIR, graph, { command: 'test', settle: async () => {} });
    const stage = async (eventId: string) => {
      const commit = writer.begin();
      commit.add('cloudtrail', { ...row(eventId) });
      await commit.staged();
      return commit.id;
    };
    const counted = await stage('staged-and-counted');
    const uncounted = await stage('staged-only');
    await writer.close();
    await graph.run(`CREATE (:${Label.IngestedObject} {contentHash: $key, source: 'event-store'})`, { key: commitMarkerKey(counted) });
    expect(readdirSync(join(TEST_STORE_DIR, 'staging')).sort()).toEqual([counted, uncounted].sort());

    const next = await runCli(['ingest', join(FIXTURES, 'cloudtrail', 'stratus-red-team'), '--json'], testEnv());
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain('1 commit(s) finished, 1 discarded');
    const after = await storeCounts(graph);
    expect((after.events as { rows: number }).rows).toBe((before.events as { rows: number }).rows + 1);
    const ids = readManifest(TEST_STORE_DIR).segments.filter((s) => s.commit === counted || s.commit === uncounted);
    expect(ids.map((s) => s.commit)).toEqual([counted]);
    expect(existsSync(join(TEST_STORE_DIR, 'staging', uncounted))).toBe(false);
  });

  it('takes a commit that was published, then stopped while its staging folder was removed, as finished', async () => {
    const writer = await EventStoreWriter.open(TEST_STORE_DIR, graph, { command: 'test', settle: async () => {} });
    const commit = writer.begin();
    commit.add('cloudtrail', { ...row('published-then-stopped') });
    await commit.staged();
    await graph.run(`CREATE (:${Label.IngestedObject} {contentHash: $key, source: 'event-store'})`, { key: commitMarkerKey(commit.id) });
    writer.publish([commit]);
    await writer.close();
    // What a kill part-way through removing the folder leaves: the folder, its listing gone.
    mkdirSync(join(TEST_STORE_DIR, 'staging', commit.id, 'source=cloudtrail'), { recursive: true });
    const before = await storeCounts(graph);

    const next = await runCli(['ingest', join(FIXTURES, 'cloudtrail', 'stratus-red-team'), '--json'], testEnv());
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain('1 commit(s) finished, 0 discarded');
    expect(await storeCounts(graph)).toEqual(before);
    expect(readManifest(TEST_STORE_DIR).segments.filter((s) => s.commit === commit.id)).toHaveLength(1);
    expect(existsSync(join(TEST_STORE_DIR, 'staging', commit.id))).toBe(false);
  });

  it("counts a window's evidence once when its transaction runs again after an unknown outcome (its marker is there)", async () => {
    const evidence = new EvidenceAggregate();
    evidence.beginRecord(1_722_510_000_000);
    const user = evidence.node(Label.IamUser, 'arn:aws:iam::111122223333:user/retry', { principalKey: 'arn:aws:iam::111122223333:user/retry' });
    evidence.link(Rel.CALLED_FROM, user, evidence.node(Label.IpAddress, '198.51.100.77', { ip: '198.51.100.77' }));
    const marker = ledgerEntry({ key: commitMarkerKey('retry0000000000a'), source: 'event-store', location: 'x', size: 0, records: 1, ingestedAt: 1 });
    const writer = new GraphWriter(graph);
    await writer.write([marker], evidence, undefined, marker.record!.key);
    await writer.write([marker], evidence, undefined, marker.record!.key); // as executeWrite's retry would
    const count = await graph.read(`MATCH (:${Label.IamUser} {principalKey: 'arn:aws:iam::111122223333:user/retry'})-[r:${Rel.CALLED_FROM}]->() RETURN r.count AS n`);
    expect(count.records[0]?.get('n')).toBe(1);
  });

  // The driver runs a transaction again when the answer to its COMMIT was lost: the first run
  // either committed or did not, and both must count once.
  const retries = [
    ['committed', commitThenRetry],
    ['was rolled back', rollBackThenRetry],
  ] as const;

  it.each(retries)("counts a flow-log window's lines once when its transaction runs again after a first run that %s", async (what, retrying) => {
    const partKey = `part:${(what === 'committed' ? '5c' : '5d').repeat(32)}`;
    const principal = `arn:aws:iam::111122223333:user/lost-commit-${what === 'committed' ? 'a' : 'b'}`;
    const loader = await Loader.open({ graph: retrying(graph), storeDir: TEST_STORE_DIR, command: 'test' });
    const before = await storeCounts(graph);
    try {
      const start = Date.UTC(2024, 7, 3, 10);
      const lines = 7;
      for (let i = 0; i < lines; i++) {
        await loader.flowRecord({ start, end: start + 60_000, src: '10.0.55.1', dst: '198.51.100.55', srcPort: 40000 + i, dstPort: 443, protocol: 6, packets: 1, bytes: 100, action: 'ACCEPT', tcpFlags: null, via: null, interfaceId: null, accountId: null, vpcId: null, subnetId: null, instanceId: null, region: null });
      }
      const record = { label: Label.IngestedObject, key: partKey, props: { contentHash: partKey, source: 'vpcflow-part', location: 'x', records: lines, ingestedAt: 1 } };
      const evidence = (sink: EvidenceSink) => {
        const user = sink.node(Label.IamUser, principal, { principalKey: principal });
        sink.link(Rel.CALLED_FROM, user, sink.node(Label.IpAddress, '198.51.100.55', { ip: '198.51.100.55' }));
      };
      await loader.flowPart({ facts: { record, time: start, nodes: [], edges: [], records: lines }, evidence, hours: [] });
      await loader.finish();
      expect(loader.counts).toEqual({ loaded: lines, duplicates: 0 });
    } finally {
      await loader.close();
    }
    const count = await graph.read(`MATCH (:${Label.IamUser} {principalKey: $principal})-[r:${Rel.CALLED_FROM}]->() RETURN r.count AS n`, { principal });
    expect(count.records[0]?.get('n')).toBe(1);
    expect(((await storeCounts(graph)).flows as { rows: number }).rows - (before.flows as { rows: number }).rows).toBe(7);
  });

  it.each(retries)('counts a window of findings once when its transaction runs again after a first run that %s, and a marker only when one is new', async (what, retrying) => {
    const finding = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/guardduty/c2-activity.valid.json'), 'utf8')) as Record<string, unknown>;
    const ids = [1, 2].map((i) => `lost-commit-${what === 'committed' ? 'a' : 'b'}-finding-${i}`);
    const markers = async () => Number((await graph.read(`MATCH (o:${Label.IngestedObject}) WHERE o.contentHash STARTS WITH 'commit:' RETURN count(o) AS n`)).records[0]?.get('n'));
    const load = async () => {
      const loader = await Loader.open({ graph: retrying(graph), storeDir: TEST_STORE_DIR, command: 'test' });
      try {
        for (const id of ids) {
          const read = readFindingRecord({ ...finding, id, arn: `${String(finding.arn).replace(/finding\/.*$/, '')}finding/${id}` });
          if (!read.ok || read.item.kind !== 'facts') throw new Error('the fixture finding does not read');
          await loader.facts(read.item.facts);
        }
        await loader.finish();
        return { ...loader.counts };
      } finally {
        await loader.close();
      }
    };
    const before = await markers();
    expect(await load()).toEqual({ loaded: 2, duplicates: 0 });
    expect(await markers()).toBe(before + 1);
    const found = await graph.read(`MATCH (f:${Label.Finding}) WHERE f.findingId IN $ids RETURN count(f) AS n`, { ids });
    expect(found.records[0]?.get('n')).toBe(2);
    // The same findings again (a pull that asks from the last one it saw): duplicates, and no
    // marker vouching for a transaction that wrote nothing.
    expect(await load()).toEqual({ loaded: 0, duplicates: 2 });
    expect(await markers()).toBe(before + 1);
  });

  it("proves a CloudTrail window's evidence by its commit marker after a flow window whose parts were all loaded before", async () => {
    // A flow-log part already in the ledger (a file read again after a rejected line) leaves its
    // window empty; the events that follow must still commit with the marker that keeps a retried
    // transaction from counting them twice.
    const partKey = `part:${'7e'.repeat(32)}`;
    await new GraphWriter(graph).write([ledgerEntry({ key: partKey, source: 'vpcflow-part', location: 'x', size: 0, records: 1, ingestedAt: 1 })]);
    const write = vi.spyOn(GraphWriter.prototype, 'write');
    const loader = await Loader.open({ graph, storeDir: TEST_STORE_DIR, command: 'test' });
    try {
      const start = Date.UTC(2024, 7, 2, 10);
      const row = { start, end: start + 60_000, src: '10.0.66.1', dst: '198.51.100.66', srcPort: 40000, dstPort: 443, protocol: 6, packets: 1, bytes: 100, action: 'ACCEPT', tcpFlags: null, via: null, interfaceId: null, accountId: null, vpcId: null, subnetId: null, instanceId: null, region: null };
      await loader.flowRecord(row);
      const record = { label: Label.IngestedObject, key: partKey, props: { contentHash: partKey, source: 'vpcflow-part', location: 'x', records: 1, ingestedAt: 1 } };
      await loader.flowPart({ facts: { record, time: start, nodes: [], edges: [], records: 1 }, evidence: () => undefined, hours: [] });
      expect(loader.counts.duplicates).toBe(1);
      const event = readCloudTrailEvent({
        eventVersion: '1.08',
        eventID: '5b7e6f1c-0d2a-4c3b-9e8f-7a6b5c4d3e2f',
        eventTime: '2024-08-02T10:00:00Z',
        eventSource: 'sts.amazonaws.com',
        eventName: 'GetCallerIdentity',
        awsRegion: 'us-east-1',
        sourceIPAddress: '198.51.100.79',
        userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLEMARKER', arn: 'arn:aws:iam::111122223333:user/marker', accountId: '111122223333', userName: 'marker' },
        recipientAccountId: '111122223333',
      });
      if (!event.ok) throw new Error(event.reason);
      expect(await loader.event(event)).toBe('loaded');
      await loader.finish();
    } finally {
      await loader.close();
    }
    const withEvents = write.mock.calls.filter(([, evidence]) => (evidence?.size ?? 0) > 0);
    write.mockRestore();
    expect(withEvents).toHaveLength(1);
    expect(withEvents[0]![3]).toMatch(/^commit:/);
  });

  it('shows a running server the events an ingest in another process commits, within seconds, without a restart', async () => {
    const events = await openTestStore(graph);
    const server = await startServer({ graph, events, host: '127.0.0.1', port: 0, version: 'test' });
    try {
      const stored = async () => ((await (await fetch(`${server.url}/api/health`)).json()) as { events: { rows: { cloudtrail: number } } }).events.rows.cloudtrail;
      const before = await stored();
      const file = join(work, 'more.json.gz');
      await generateCloudTrailFile(file, 2000, 3);
      const loaded = await runCli(['ingest', 'cloudtrail', file, '--json'], testEnv());
      expect(loaded.code, loaded.stderr).toBe(0);
      const committedAt = Date.now();
      await expect.poll(stored, { timeout: 5_000 }).toBe(before + 2000);
      expect(Date.now() - committedAt).toBeLessThan(5_000);
    } finally {
      await server.close();
      await events.close();
    }
  });

  it('lets one ingest write at a time: a second one waits for the first, says so, and both load exactly', async () => {
    const a = join(work, 'a.json.gz');
    const b = join(work, 'b.json.gz');
    await generateCloudTrailFile(a, 20_000, 21);
    await generateCloudTrailFile(b, 3_000, 22);
    const before = (await storeCounts(graph)).events as { rows: number };
    const first = spawn(process.execPath, [BIN, 'ingest', 'cloudtrail', a, '--json'], { env: testEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const firstDone = new Promise<number | null>((resolve) => first.once('exit', resolve));
    // Start the second once the first holds the store.
    await expect.poll(() => existsSync(join(TEST_STORE_DIR, 'ingest.lock')), { timeout: 60_000, interval: 20 }).toBe(true);
    const second = await runCli(['ingest', 'cloudtrail', b, '--json'], testEnv());
    expect(await firstDone).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/waiting for another ingest \(pid \d+/);
    const after = (await storeCounts(graph)).events as { rows: number; ids: number };
    expect(after.rows).toBe(before.rows + 23_000);
    expect(after.ids).toBe(after.rows);
  });

  it('streams a long answer whole and in order, a chunk at a time, hands a failure to the reader, and stays usable after readers that stop early', async () => {
    const events = await openTestStore(graph);
    try {
      const numbers = () => 'SELECT range AS n FROM range(10000) ORDER BY n';
      const seen: number[] = [];
      let chunks = 0;
      for await (const chunk of events.stream(numbers)) {
        chunks += 1;
        for (const [n] of chunk) seen.push(Number(n));
      }
      expect(chunks).toBeGreaterThan(1);
      expect(seen).toEqual(Array.from({ length: 10000 }, (_, i) => i));
      // Each reader stops after its first chunk, while the next one is being fetched (a client
      // that goes away mid-export): the fetch ends before its connection closes.
      for (let reader = 0; reader < 20; reader++) {
        for await (const chunk of events.stream(numbers)) {
          expect(chunk.length).toBeGreaterThan(0);
          break;
        }
      }
      // A query that fails as it runs (an unreadable segment): the failure reaches the reader.
      const failing = () => "SELECT CASE WHEN range < 5000 THEN range ELSE error('segment unreadable') END AS n FROM range(100000)";
      const read = (async () => {
        let rows = 0;
        for await (const chunk of events.stream(failing)) rows += chunk.length;
        return rows;
      })();
      await expect(read).rejects.toThrow(/segment unreadable/);
      expect(await events.all<{ n: number }>(() => 'SELECT count(*) AS n FROM range(10000)')).toEqual([{ n: 10000 }]);
    } finally {
      await events.close();
    }
  });

  it('refuses a store that is not this graph\'s, for serving and for ingesting', async () => {
    const other = mkdtempSync(join(tmpdir(), 'trailhound-other-store-'));
    const foreign = await runCli(['ingest', join(FIXTURES, 'cloudtrail', 'shapes'), '--store', other, '--allow-rejects', '--json'], testEnv());
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/not at .*trailhound-other-store-|is not this graph's|holds events/);
    const serve = await runCli(['serve', '--port', '0', '--store', other], testEnv());
    expect(serve.code).toBe(1);
    expect(serve.stderr).toContain('expects store');
  });
});

/** A CloudTrail row for a staged commit (the day of 2024-08-01). */
function row(eventId: string) {
  const time = cypherInt(Date.parse('2024-08-01T12:00:00Z')).toNumber();
  return {
    time,
    eventId,
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    region: 'us-east-1',
    accountId: '111122223333',
    readOnly: true,
    errorCode: null,
    errorMessage: null,
    principalKey: 'arn:aws:iam::111122223333:user/alice',
    accessKeyId: null,
    sessionKey: null,
    sourceIp: '198.51.100.1',
    sourceName: null,
    userAgent: null,
    resources: null,
    record: JSON.stringify({ eventID: eventId }),
  };
}

/**
 * A graph whose every write transaction commits, then runs again in a new transaction: what
 * executeWrite does when the connection drops at COMMIT and the commit had gone through.
 */
function commitThenRetry(graph: Graph): Graph {
  return new Proxy(graph, {
    get(target, name, receiver) {
      if (name !== 'write') return Reflect.get(target, name, receiver);
      return async <T>(work: Parameters<Graph['write']>[0]) => {
        await target.write(work);
        return target.write(work) as Promise<T>;
      };
    },
  });
}

/** A graph whose every write transaction runs its work and is rolled back, then runs again: a COMMIT whose answer was lost and that did not go through. */
function rollBackThenRetry(graph: Graph): Graph {
  class RolledBack extends Error {}
  return new Proxy(graph, {
    get(target, name, receiver) {
      if (name !== 'write') return Reflect.get(target, name, receiver);
      return async <T>(work: Parameters<Graph['write']>[0]) => {
        await target
          .write(async (tx) => {
            await work(tx);
            throw new RolledBack();
          })
          .catch((error: unknown) => {
            if (!(error instanceof RolledBack)) throw error;
          });
        return target.write(work) as Promise<T>;
      };
    },
  });
}
