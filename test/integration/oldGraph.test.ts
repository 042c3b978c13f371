import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cypherInt, type Graph } from '../../graph/driver';
import { LEGACY_EVENT_LABEL } from '../../graph/migrate';
import { Label, Rel } from '../../graph/vocabulary';
import { normalizeFinding } from '../../ingest/guardduty/normalize';
import { redactSecrets } from '../../ingest/common/secrets';
import { freePort } from '../support/freePort';
import { runCli } from '../support/runCli';
import { connectTestGraph, graphCounts, storeCounts, testEnv, wipeGraph } from '../support/testGraph';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const STRATUS = join(FIXTURES, 'cloudtrail', 'stratus-red-team');
const FINDINGS = join(FIXTURES, 'guardduty', 'leaked-key.valid.json');
const FLOWS = join(FIXTURES, 'vpcflow', 'incident-instance.valid.log');

const events = readdirSync(STRATUS)
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => JSON.parse(readFileSync(join(STRATUS, f), 'utf8')) as Record<string, unknown>[]);

/**
 * A graph as the version before the event store left it (schema version 2): every CloudTrail
 * event an Event node holding its record (raw, requestParameters, responseElements), findings
 * with their raw finding, FLOW edges per hour, a ledger of flow-log files, a pull checkpoint.
 */
async function writeOldGraph(graph: Graph): Promise<void> {
  await graph.run(`CREATE CONSTRAINT legacy_event_unique IF NOT EXISTS FOR (e:${LEGACY_EVENT_LABEL}) REQUIRE e.eventId IS UNIQUE`);
  await graph.run(`MERGE (m:${Label.TrailhoundMeta} {name: 'schema'}) SET m.schemaVersion = 2, m.schemaDigest = 'old'`);
  const rows = events.map((e) => {
    const { requestParameters, responseElements, ...rest } = redactSecrets(e);
    return {
      eventId: e.eventID,
      time: cypherInt(Date.parse(String(e.eventTime))),
      raw: JSON.stringify(rest),
      requestParameters: requestParameters === undefined || requestParameters === null ? null : JSON.stringify(requestParameters),
      responseElements: responseElements === undefined || responseElements === null ? null : JSON.stringify(responseElements),
    };
  });
  await graph.run(`UNWIND $rows AS row CREATE (e:${LEGACY_EVENT_LABEL}) SET e = row`, { rows });
  const findings = [JSON.parse(readFileSync(FINDINGS, 'utf8')) as Record<string, unknown>];
  for (const finding of findings) {
    const result = normalizeFinding(finding);
    if (!result.ok) throw new Error(result.reason);
    await graph.run(`CREATE (f:${Label.Finding}) SET f = $props`, { props: { findingId: result.facts.record!.key, raw: result.facts.record!.props.raw } });
  }
  await graph.run(`CREATE (:${Label.IpAddress} {ip: '10.0.1.25'})-[:${Rel.FLOW} {hour: 1, dstPort: 4444, edgeKey: 'x'}]->(:${Label.IpAddress} {ip: '203.0.113.66'})`);
  const ledger = [
    { contentHash: createHash('sha256').update(readFileSync(FLOWS)).digest('hex'), source: 'vpcflow', location: FLOWS },
    { contentHash: 'f'.repeat(64), source: 'vpcflow', location: '/nowhere/flows.log.gz' },
    { contentHash: 's3:bucket/AWSLogs/1/vpcflowlogs/x.log.gz#etag', source: 'vpcflow', location: 's3://bucket/AWSLogs/1/vpcflowlogs/x.log.gz' },
  ];
  await graph.run(`UNWIND $ledger AS o CREATE (x:${Label.IngestedObject}) SET x = o`, { ledger });
  await graph.run(`CREATE (:${Label.PullCheckpoint} {name: 'cloudtrail-lookup:111122223333:us-east-1', source: 'cloudtrail-lookup', accountId: '111122223333', region: 'us-east-1', lastEventTime: 1722510000000})`);
}

/** Entities and relationships only (the ledgers of the two ways differ: files, commits). */
const withoutLedger = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([k]) => !k.includes(Label.IngestedObject) && !k.includes(Label.PullCheckpoint)));

describe('a graph loaded by the version that kept events in Neo4j', () => {
  let graph: Graph;
  let fresh: { graph: Record<string, number>; store: Record<string, unknown> };
  beforeAll(async () => {
    graph = await connectTestGraph();
    // What loading the same inputs today gives.
    await wipeGraph(graph);
    const loaded = await runCli(['ingest', STRATUS, FINDINGS, FLOWS, '--json'], testEnv());
    expect(loaded.code, loaded.stderr).toBe(0);
    fresh = { graph: withoutLedger(await graphCounts(graph)), store: await storeCounts(graph) };
    await wipeGraph(graph);
    await writeOldGraph(graph);
  });
  afterAll(async () => graph.close());

  it('is refused by serve and ingest with the one command that rebuilds it', async () => {
    const serve = await runCli(['serve', '--port', String(await freePort())], testEnv());
    expect(serve.code).toBe(1);
    expect(serve.stderr).toContain('earlier Trailhound (schema version 2)');
    expect(serve.stderr).toContain('npx trailhound rebuild');
    const ingest = await runCli(['ingest', FLOWS], testEnv());
    expect(ingest.code).toBe(1);
    expect(ingest.stderr).toContain('npx trailhound rebuild');
    // Nothing was written: the old graph is as it was.
    const left = await graph.read(`MATCH (e:${LEGACY_EVENT_LABEL}) RETURN count(e) AS n`);
    expect(left.records[0]?.get('n')).toBe(events.length);
  });

  it('is rebuilt into exactly the graph and event store that loading the same inputs gives today', async () => {
    const rebuilt = await runCli(['rebuild'], testEnv());
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stderr).toContain(`Rebuilt from ${events.length} events, `);
    expect(rebuilt.stderr).toContain('1 flow-log files');
    expect(rebuilt.stderr).toContain('/nowhere/flows.log.gz: no longer there');
    expect(rebuilt.stderr).toContain('npx trailhound ingest vpcflow s3://bucket/AWSLogs/1/vpcflowlogs/x.log.gz');
    expect(withoutLedger(await graphCounts(graph))).toEqual(fresh.graph);
    expect(await storeCounts(graph)).toEqual(fresh.store);
    // The old schema is gone, the pull checkpoint kept.
    const constraints = await graph.read('SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names');
    expect(constraints.records[0]?.get('names')).not.toContain('legacy_event_unique');
    const checkpoint = await graph.read(`MATCH (c:${Label.PullCheckpoint}) RETURN c.lastEventTime AS t`);
    expect(checkpoint.records[0]?.get('t')).toBe(1722510000000);
    // And it is served now.
    const again = await runCli(['rebuild'], testEnv());
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already on the event store design');
  });
});
