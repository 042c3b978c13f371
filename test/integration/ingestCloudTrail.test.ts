import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/driver';
import { Label, Rel } from '../../graph/vocabulary';
import { runCli } from '../support/runCli';
import { connectTestGraph, graphCounts, relationshipTuples, testEnv, wipeGraph } from '../support/testGraph';

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
    const events = await graph.read(`MATCH (e:${Label.Event}) RETURN count(e) AS n`);
    expect(events.records[0]?.get('n')).toBe(310);
  });

  it('re-ingesting the same files reports 310 duplicates and changes no count', async () => {
    const before = await graphCounts(graph);
    const result = await runCli(['ingest', 'cloudtrail', STRATUS, '--json'], testEnv());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ read: 310, loaded: 0, duplicates: 310, rejected: 0 });
    expect(await graphCounts(graph)).toEqual(before);
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
    const result = await graph.read<{ eventName: string }>(
      `MATCH (u:${Label.IamUser} {principalKey: $user})-[:${Rel.ASSUMED}*1..5]->(s:${Label.RoleSession})
       MATCH (e:${Label.Event} {principalKey: s.principalKey})
       RETURN DISTINCT e.eventName AS eventName`,
      { user: 'arn:aws:iam::900138736586:user/christophe' },
    );
    const names = result.records.map((r) => r.get('eventName'));
    expect(names).toContain('RunInstances');
  });

  it('keeps no session token or secret anywhere in the graph', async () => {
    const result = await graph.read(
      `MATCH (e:${Label.Event}) WHERE e.raw CONTAINS 'IQoJb3JpZ2luX2Vj' OR e.responseElements CONTAINS 'sessionToken":"I' RETURN count(e) AS n`,
    );
    expect(result.records[0]?.get('n')).toBe(0);
    const redacted = await graph.read(`MATCH (e:${Label.Event} {eventName: 'GetFederationToken'}) RETURN e.responseElements AS r`);
    const response = JSON.parse(redacted.records[0]?.get('r'));
    expect(response.credentials).toEqual(expect.objectContaining({ accessKeyId: 'ASIASTJKC5GCM7ZE6LUP', sessionToken: '[REDACTED]' }));
    expect(readFileSync(join(STRATUS, 'aws.persistence.sts-federation-token.json'), 'utf8')).toContain('IQoJb3JpZ2luX2Vj');
  });
});
