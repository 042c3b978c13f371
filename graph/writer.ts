import type { ManagedTransaction } from 'neo4j-driver';
import { nodes, type NodeLabel } from './schema/nodes';
import { createRecordsQuery, edgeQuery, existingRecordsQuery, mergeEntitiesQuery } from './cypher/writeQueries';
import { BoundedSet } from './boundedSet';
import { cypherInt, type Graph } from './driver';
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
  /** Structural edges this writer has committed, so later batches skip them. */
  private readonly knownStructural = new BoundedSet(200_000);

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

    const { created, structural } = await this.writeRetryingConflicts(candidates);
    // Only after the commit: a rolled-back batch must not be remembered as written.
    for (const id of structural) this.knownStructural.add(id);
    const withRecord = candidates.filter((f) => f.record).length;
    return { created, duplicates: duplicates + (withRecord - created) };
  }

  /**
   * executeWrite retries transient errors (deadlocks). A uniqueness conflict (another writer
   * created one of our new records after we checked) is not transient: retry it here, when the
   * records it created are visible and count as existing.
   */
  private async writeRetryingConflicts(candidates: readonly RecordFacts[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.graph.write((tx) => this.writeInTransaction(tx, candidates));
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== 'Neo.ClientError.Schema.ConstraintValidationFailed' || attempt >= 5) throw error;
      }
    }
  }

  private async writeInTransaction(tx: ManagedTransaction, candidates: readonly RecordFacts[]) {
    // 1. Immutable records first: learn which of them are new.
    const recordsByLabel = new Map<NodeLabel, RecordFacts[]>();
    for (const fact of candidates) {
      if (!fact.record) continue;
      const list = recordsByLabel.get(fact.record.label) ?? [];
      list.push(fact);
      recordsByLabel.set(fact.record.label, list);
    }
    const existing = new Set<string>();
    for (const [label, facts] of recordsByLabel) {
      const result = await tx.run(existingRecordsQuery(label), { keys: facts.map((f) => f.record!.key) });
      for (const r of result.records) existing.add(`${label}\u0000${r.get('key') as string}`);
    }
    const isNew = (f: RecordFacts) => !f.record || !existing.has(`${f.record.label}\u0000${f.record.key}`);
    const statements: Promise<unknown>[] = [];
    let created = 0;
    for (const [label, facts] of recordsByLabel) {
      const rows = facts.filter(isNew).map((f) => toCypherProps(label, { ...f.record!.props, [nodes[label].key]: f.record!.key }));
      created += rows.length;
      if (rows.length > 0) statements.push(tx.run(createRecordsQuery(label), { rows }));
    }

    // 2. Only new records' evidence is aggregated and written: nodes first, then edges. The
    //    statements are pipelined (sent without waiting for each result): Neo4j runs them in
    //    order without idling between them while Node prepares the next.
    const plan = planWrites(candidates.filter(isNew), (id) => this.knownStructural.has(id));
    for (const [label, rows] of plan.entities) {
      const params = rows.map((row) => ({
        key: row.key,
        firstSeen: row.firstSeen === null ? null : cypherInt(row.firstSeen),
        lastSeen: row.lastSeen === null ? null : cypherInt(row.lastSeen),
        props: toCypherProps(label, row.props),
      }));
      statements.push(tx.run(mergeEntitiesQuery(label), { rows: params }));
    }
    for (const group of plan.observedEdges) {
      const params = group.rows.map((row) => ({
        ...row,
        firstSeen: cypherInt(row.firstSeen),
        lastSeen: cypherInt(row.lastSeen),
        count: cypherInt(row.count),
      }));
      statements.push(tx.run(edgeQuery(group.type, group.from, group.to), { rows: params }));
    }
    for (const group of [...plan.perEventEdges, ...plan.structuralEdges]) {
      statements.push(tx.run(edgeQuery(group.type, group.from, group.to), { rows: group.rows.map(({ from, to }) => ({ from, to })) }));
    }
    await Promise.all(statements);
    return { created, structural: plan.structuralEdges.flatMap((g) => g.rows.map((r) => r.id)) };
  }
}
