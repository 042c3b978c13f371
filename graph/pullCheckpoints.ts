import { cypherInt, type Graph } from './driver';
import { Label } from './vocabulary';

/** How far a pull from an AWS API got, for one source, account (or GuardDuty detector) and region. */
export interface PullCheckpoint {
  readonly source: string;
  /** The account for CloudTrail; the detector id for GuardDuty (one account's, in one region). */
  readonly accountId: string;
  readonly region: string;
  /** Epoch ms of the newest event (or finding update) loaded. */
  readonly lastEventTime: number;
}

const nameOf = (c: Pick<PullCheckpoint, 'source' | 'accountId' | 'region'>) => `${c.source}:${c.accountId}:${c.region}`;

/** The checkpoints of a source in a region (one per account pulled from there). */
export async function readCheckpoints(graph: Graph, source: string, region: string): Promise<PullCheckpoint[]> {
  const result = await graph.read(
    `MATCH (c:${Label.PullCheckpoint} {source: $source, region: $region}) RETURN c.accountId AS accountId, c.lastEventTime AS lastEventTime ORDER BY accountId`,
    { source, region },
  );
  return result.records.map((r) => ({ source, region, accountId: r.get('accountId') as string, lastEventTime: r.get('lastEventTime') as number }));
}

/**
 * Moves a checkpoint forward (never back): written only after the events up to it have
 * committed, so a crash before it means a rerun asks again, and the idempotent write absorbs it.
 */
export async function advanceCheckpoint(graph: Graph, checkpoint: PullCheckpoint): Promise<void> {
  await graph.run(
    `MERGE (c:${Label.PullCheckpoint} {name: $name})
     ON CREATE SET c.source = $source, c.accountId = $accountId, c.region = $region, c.lastEventTime = $time
     SET c.lastEventTime = CASE WHEN c.lastEventTime > $time THEN c.lastEventTime ELSE $time END, c.pulledAt = $now`,
    { name: nameOf(checkpoint), source: checkpoint.source, accountId: checkpoint.accountId, region: checkpoint.region, time: cypherInt(checkpoint.lastEventTime), now: cypherInt(Date.now()) },
  );
}
