import type { ManagedTransaction } from 'neo4j-driver';
import type { NodeLabel } from './schema/nodes';
import {
  createPerEventEdgesQuery,
  createRecordsQuery,
  mergeEntitiesQuery,
  mergeObservedEdgesQuery,
} from './cypher/writeQueries';
import type { Graph } from './driver';
import type { RecordFacts } from './facts';
import { planWrites, toCypherProps } from './writePlan';

export interface BatchOutcome {
  /** Records that were new to the graph and whose evidence was counted. */
  readonly created: number;
  /** Records already in the graph, or repeated within the batch: skipped, counted nowhere. */
  readonly duplicates: number;
}

/**
 * The one write path. A batch commits in a single transaction: its new records, and the
 * entities and aggregate edges they evidence. Records that already exist (same eventID) are
 * detected inside that transaction and contribute nothing, so counts stay exact across reruns,
 * overlapping deliveries and a crash followed by a rerun.
 */
export class GraphWriter {
  constructor(private readonly graph: Graph) {}

  async write(batch: readonly RecordFacts[]): Promise<BatchOutcome> {
    const candidates: RecordFacts[] = [];
    const seenInBatch = new Set<string>();
    let duplicates = 0;
    for (const fact of batch) {
      if (fact.record) {
        const id = `${fact.record.label}\u0000${fact.record.key}`;
        if (seenInBatch.has(id)) {
          duplicates += 1;
          continue;
        }
        seenInBatch.add(id);
      }
      candidates.push(fact);
    }

    const created = await this.graph.write((tx) => writeInTransaction(tx, candidates));
    const withRecord = candidates.filter((f) => f.record).length;
    return { created, duplicates: duplicates + (withRecord - created) };
  }
}

async function writeInTransaction(tx: ManagedTransaction, candidates: readonly RecordFacts[]): Promise<number> {
  // 1. Immutable records first: learn which of them are new.
  const recordsByLabel = new Map<NodeLabel, { key: string; props: Record<string, unknown> }[]>();
  for (const fact of candidates) {
    if (!fact.record) continue;
    const rows = recordsByLabel.get(fact.record.label) ?? [];
    rows.push({ key: fact.record.key, props: toCypherProps(fact.record.label, fact.record.props) });
    recordsByLabel.set(fact.record.label, rows);
  }
  const createdKeys = new Set<string>();
  for (const [label, rows] of recordsByLabel) {
    const result = await tx.run(createRecordsQuery(label), { rows });
    for (const r of result.records) createdKeys.add(`${label}\u0000${r.get('key') as string}`);
  }

  // 2. Only new records' evidence is aggregated and written.
  const counted = candidates.filter((f) => !f.record || createdKeys.has(`${f.record.label}\u0000${f.record.key}`));
  const plan = planWrites(counted);
  for (const [label, rows] of plan.entities) {
    const params = rows.map((row) => ({
      key: row.key,
      firstSeen: row.firstSeen === null ? null : BigInt(row.firstSeen),
      lastSeen: row.lastSeen === null ? null : BigInt(row.lastSeen),
      props: toCypherProps(label, row.props),
    }));
    await tx.run(mergeEntitiesQuery(label), { rows: params });
  }
  for (const group of plan.observedEdges) {
    const params = group.rows.map((row) => ({
      ...row,
      firstSeen: BigInt(row.firstSeen),
      lastSeen: BigInt(row.lastSeen),
      count: BigInt(row.count),
    }));
    await tx.run(mergeObservedEdgesQuery(group.type, group.from, group.to), { rows: params });
  }
  for (const group of plan.perEventEdges) {
    await tx.run(createPerEventEdgesQuery(group.type, group.from, group.to), { rows: group.rows });
  }
  return createdKeys.size;
}
