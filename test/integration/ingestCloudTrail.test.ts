import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/driver';
import { nodes } from '../../graph/schema/nodes';
import { Label, Rel } from '../../graph/vocabulary';
import { runCli } from '../support/runCli';
import { connectTestGraph, graphCounts, relationshipTuples, storeCounts, storeRows, testEnv, wipeGraph } from '../support/testGraph';

const STRATUS = join(import.meta.dirname, '..', 'fixtures', 'cloudtrail', 'stratus-red-team');

describe('ingest cloudtrail: the Stratus Red Team detonations', () => {
  let graph: Graph;
  let work: string;

  beforeAll(async () => {
    graph = await connectTestGraph();
    await wipeGraph(graph);
    work = mkdtempSync(join(tmpdir(), 'trailhound-ingest-'));
  });
  afterAll(async () => {
    await graph.close();
  });

  it('loads all 310 events with nothing rejected', async () => {
    const result = await runCli(['ingest', 'cloudtrail', STRATUS, '--json', '--rejects', join(work, 'rejects.jsonl')], testEnv());
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ files: 35, read: 310, loaded: 310, duplicates: 0, rejected: 0, failedFiles: [] });
    expect(summary.seconds).toBeTypeOf('number');
    const [events] = await storeRows(graph, (t) => `SELECT count(*) AS n, count(DISTINCT eventId) AS ids FROM ${t.cloudtrail}`);
    expect(events).toEqual({ n: 310, ids: 310 });
    // No event is a node: the graph holds entities and what was observed between them.
    expect(Object.keys(await graphCounts(graph)).filter((k) => k.includes('Event'))).toEqual([]);
  });

  it('re-ingesting the same files reports 310 duplicates and changes no count', async () => {
    const before = { graph: await graphCounts(graph), store: await storeCounts(graph) };
    const result = await runCli(['ingest', 'cloudtrail', STRATUS, '--json'], testEnv());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ read: 310, loaded: 0, duplicates: 310, rejected: 0, alreadyIngestedFiles: 35 });
    expect({ graph: await graphCounts(graph), store: await storeCounts(graph) }).toEqual(before);
  });

  it('skips events already stored by their eventId, delivered again in other files and shapes', async () => {
    const before = { graph: await graphCounts(graph), store: await storeCounts(graph) };
    // The same events as JSON Lines, in reverse order, split in two files, one new event among them.
    const events = readdirSync(STRATUS)
      .filter((f) => f.endsWith('.json'))
      .flatMap((f) => JSON.parse(readFileSync(join(STRATUS, f), 'utf8')) as Record<string, unknown>[])
      .reverse();
    const fresh = { ...events[0]!, eventID: 'a-new-event-0000', eventName: 'ListBuckets' };
    writeFileSync(join(work, 'again-1.jsonl'), events.slice(0, 100).map((e) => JSON.stringify(e)).join('\n'));
    writeFileSync(join(work, 'again-2.jsonl'), [...events.slice(100), fresh].map((e) => JSON.stringify(e)).join('\n'));
    const result = await runCli(['ingest', 'cloudtrail', join(work, 'again-1.jsonl'), join(work, 'again-2.jsonl'), '--json'], testEnv());
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ read: 311, loaded: 1, duplicates: 310, rejected: 0 });
    const after = await storeCounts(graph);
    expect((after.events as { rows: number }).rows).toBe((before.store.events as { rows: number }).rows + 1);
    expect(after.flows).toEqual(before.store.flows);
  });

  it('stores times, counts and the properties the schema declares int as integers, not floats', async () => {
    // Entity rows and edge rows travel as plain numbers and the write queries make integers of them:
    // a float here would sort and compare differently and come back as 1.7e12 in exports.
    const declared = Object.entries(nodes).flatMap(([label, decl]) =>
      Object.entries(decl.properties as Record<string, string>)
        .filter(([, type]) => type === 'int')
        .map(([name]) => ({ label, name })),
    );
    const checked = await graph.read<{ label: string; name: string; type: string; n: number }>(
      `UNWIND $props AS p
       MATCH (x) WHERE p.label IN labels(x) AND x[p.name] IS NOT NULL
       RETURN p.label AS label, p.name AS name, valueType(x[p.name]) AS type, count(*) AS n
       UNION ALL
       MATCH (x) WHERE x.firstSeen IS NOT NULL
       UNWIND ['firstSeen', 'lastSeen'] AS name
       RETURN head(labels(x)) AS label, name, valueType(x[name]) AS type, count(*) AS n
       UNION ALL
       MATCH ()-[r]->() WHERE r.count IS NOT NULL
       UNWIND ['firstSeen', 'lastSeen', 'count'] AS name
       RETURN type(r) AS label, name, valueType(r[name]) AS type, count(*) AS n`,
      { props: declared },
    );
    const rows = checked.records.map((r) => ({ label: r.get('label'), name: r.get('name'), type: r.get('type'), n: Number(r.get('n')) }));
    // The fixture has what this must cover: sessions with a creation date, addresses with a version.
    expect(rows.filter((r) => r.name === 'creationDate' && r.label === Label.RoleSession).length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.name === 'version' && r.label === Label.IpAddress).length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.name === 'firstSeen').length).toBeGreaterThan(3);
    expect(rows.filter((r) => r.type !== 'INTEGER NOT NULL')).toEqual([]);
  });

  it('links the caller to the sessions its AssumeRole calls started, and those sessions to their role', async () => {
    const tuples = await relationshipTuples(graph, [Rel.ASSUMED, Rel.SESSION_OF, Rel.KEY_OF]);
    // aws.execution.ec2-launch-unusual-instances: christophe (AKIA...) assumes a role twice.
    expect(tuples).toContain('IamUser:arn:aws:iam::900138736586:user/christophe -ASSUMED-> RoleSession:ASIA9F6MXE9HSYOXYQOS');
    expect(tuples).toContain('RoleSession:ASIA9F6MXE9HSYOXYQOS -SESSION_OF-> IamRole:arn:aws:iam::900138736586:role/stratus-red-team-ec2lui-role-idtzskbvtd');
    expect(tuples).toContain('AccessKey:ASIA9F6MXE9HSYOXYQOS -KEY_OF-> RoleSession:ASIA9F6MXE9HSYOXYQOS');
    expect(tuples).toContain('AccessKey:AKIAR7ISFR69YWROPYAN -KEY_OF-> IamUser:arn:aws:iam::900138736586:user/christophe');
    // aws.persistence.sts-federation-token: GetFederationToken, then calls as the federated user.
    expect(tuples).toContain(
      'IamUser:arn:aws:iam::742491224508:user/stratus-red-team-user-federation-user -ASSUMED-> RoleSession:ASIASTJKC5GCM7ZE6LUP',
    );
    expect(tuples).toContain('RoleSession:ASIASTJKC5GCM7ZE6LUP -SESSION_OF-> FederatedUser:arn:aws:sts::742491224508:federated-user/stratus_red_team');
  });

  it("reaches the calls made with AssumeRole's key from the caller", async () => {
    const sessions = await graph.read<{ key: string }>(
      `MATCH (u:${Label.IamUser} {principalKey: $user})-[:${Rel.ASSUMED}*1..5]->(s:${Label.RoleSession}) RETURN s.principalKey AS key`,
      { user: 'arn:aws:iam::900138736586:user/christophe' },
    );
    const keys = sessions.records.map((r) => r.get('key'));
    const names = await storeRows<{ eventName: string }>(graph, (t) => `SELECT DISTINCT eventName FROM ${t.cloudtrail} WHERE list_contains($keys, principalKey)`, { keys });
    expect(names.map((r) => r.eventName)).toContain('RunInstances');
  });

  it('keeps no session token or secret anywhere in the graph or the event store', async () => {
    const [leaked] = await storeRows(graph, (t) => `SELECT count(*) AS n FROM ${t.cloudtrail} WHERE contains(record, 'IQoJb3JpZ2luX2Vj') OR contains(record, 'sessionToken":"I')`);
    expect(leaked).toEqual({ n: 0 });
    const inGraph = await graph.read(`MATCH (n) WHERE any(k IN keys(n) WHERE toString(n[k]) CONTAINS 'IQoJb3JpZ2luX2Vj') RETURN count(n) AS n`);
    expect(inGraph.records[0]?.get('n')).toBe(0);
    const [redacted] = await storeRows<{ record: string }>(graph, (t) => `SELECT record FROM ${t.cloudtrail} WHERE eventName = 'GetFederationToken'`);
    const response = (JSON.parse(redacted!.record) as { responseElements: { credentials: unknown } }).responseElements;
    expect(response.credentials).toEqual(expect.objectContaining({ accessKeyId: 'ASIASTJKC5GCM7ZE6LUP', sessionToken: '[REDACTED]' }));
    expect(readFileSync(join(STRATUS, 'aws.persistence.sts-federation-token.json'), 'utf8')).toContain('IQoJb3JpZ2luX2Vj');
  });
});
