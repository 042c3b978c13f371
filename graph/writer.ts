import type { ManagedTransaction } from 'neo4j-driver';
import { nodes, type NodeLabel } from './schema/nodes';
import type { NodeDeclaration } from './schema/types';
import { createRecordsQuery, currentVersionsQuery, edgeQuery, endpointLabel, existingRecordsQuery, mergeEntitiesQuery, nodeMergeQuery, observedEdgeTuples, type EdgeEndpointsRow, type EndpointLabel, type ObservedEdgeRow } from './cypher/writeQueries';
import { relationships } from './schema/relationships';
import { BoundedSet } from './boundedSet';
import { cypherInt, integerAsCypher, type Graph } from './driver';
import { Label } from './vocabulary';
import type { RecordFacts } from './facts';
import { planWrites, toCypherProps, type WritePlan } from './writePlan';
import type { EvidenceAggregate } from './evidenceAggregate';
import { StatementPipeline } from './statementPipeline';

export interface BatchOutcome {
  /** Input records that were new to the graph and whose evidence was counted. */
  readonly created: number;
  /** Input records already in the graph, or repeated within the batch: skipped, counted nowhere. */
  readonly duplicates: number;
  /** The keys of the records that were new (label and key, NUL-separated). */
  readonly fresh: ReadonlySet<string>;
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

  /**
   * Writes a batch in one transaction: its records (the new ones count) with their evidence,
   * and `evidence` already aggregated from records known to be new (events the event store's
   * index found new), so both commit together or not at all. `beforeCommit` is awaited after
   * every statement and before the commit (what must be durable first: the event store's staged
   * segments), so the transaction's work runs while it is made durable.
   *
   * `evidenceMarker` names the ledger record of the batch that proves it was written, should the
   * transaction run again (see writeInTransaction). With `markerOnlyWithNews`, that record is
   * written only when something else in the batch is new: a marker that vouches for nothing (a
   * pull that fetched only findings already loaded) would add a ledger entry at every pull.
   */
  async write(batch: readonly RecordFacts[], evidence: EvidenceAggregate | null = null, beforeCommit?: () => Promise<void>, evidenceMarker?: string, markerOnlyWithNews = false): Promise<BatchOutcome> {
    // The same record twice in one batch counts once; of two versions, the newest is kept.
    const chosen = new Map<string, RecordFacts>();
    const candidates: RecordFacts[] = [];
    let duplicates = 0;
    for (const fact of batch) {
      if (!fact.record) {
        candidates.push(fact);
        continue;
      }
      const id = `${fact.record.label}\u0000${fact.record.key}`;
      const other = chosen.get(id);
      if (!other) {
        chosen.set(id, fact);
        continue;
      }
      duplicates += fact.records ?? 1;
      if (versionOf(fact) > versionOf(other)) chosen.set(id, fact);
    }
    candidates.push(...chosen.values());

    const { created, structural, fresh } = await this.writeRetryingConflicts(candidates, { aggregate: evidence, marker: evidenceMarker ?? null, onlyWithNews: markerOnlyWithNews }, beforeCommit);
    // Only after the commit: a rolled-back batch must not be remembered as written.
    for (const id of structural) this.knownStructural.add(id);
    const total = candidates.reduce((sum, f) => sum + (f.records ?? 1), 0);
    return { created, duplicates: duplicates + (total - created), fresh };
  }

  /** The ledger entry for a file's content, if it was ingested before. */
  async ledgerEntry(contentHash: string): Promise<{ records: number; source: string | null } | null> {
    const result = await this.graph.readLatest<{ records: number | null; source: string | null }>(
      `MATCH (o:${Label.IngestedObject} {${nodes.IngestedObject.key}: $contentHash}) RETURN o.records AS records, o.source AS source`,
      { contentHash },
    );
    const record = result.records[0];
    return record ? { records: record.get('records') ?? 0, source: record.get('source') ?? null } : null;
  }

  /**
   * executeWrite retries transient errors (deadlocks). A uniqueness conflict (another writer
   * created one of our new records after we checked) is not transient: retry it here, when the
   * records it created are visible and count as existing.
   */
  private async writeRetryingConflicts(candidates: readonly RecordFacts[], evidence: Evidence, beforeCommit: (() => Promise<void>) | undefined): Promise<Written> {
    for (let attempt = 1; ; attempt++) {
      // What the transaction's last run wrote. executeWrite runs it again when the answer to a
      // COMMIT was lost: if that commit went through, the run that made it is the batch's outcome.
      let lastRun: Written | null = null;
      try {
        return await this.graph.write(async (tx) => {
          const written = await this.writeInTransaction(tx, candidates, evidence, lastRun);
          await beforeCommit?.();
          return (lastRun = written);
        });
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== 'Neo.ClientError.Schema.ConstraintValidationFailed' || attempt >= 5) throw error;
      }
    }
  }

  private async writeInTransaction(tx: Pick<ManagedTransaction, 'run'>, candidates: readonly RecordFacts[], evidence: Evidence, lastRun: Written | null): Promise<Written> {
    // 1. Immutable records first: learn which of them are new.
    const recordsByLabel = new Map<NodeLabel, RecordFacts[]>();
    for (const fact of candidates) {
      if (!fact.record) continue;
      const list = recordsByLabel.get(fact.record.label) ?? [];
      list.push(fact);
      recordsByLabel.set(fact.record.label, list);
    }
    // Known already: events with the same id, findings at the same version or newer.
    const existing = new Set<string>();
    for (const [label, facts] of recordsByLabel) {
      const result =
        nodes[label].write === 'versioned'
          ? await tx.run(currentVersionsQuery(label), { keys: facts.map((f) => ({ key: f.record!.key, version: cypherInt(versionOf(f)) })) })
          : await tx.run(existingRecordsQuery(label), { keys: facts.map((f) => f.record!.key) });
      for (const r of result.records) existing.add(`${label}\u0000${r.get('key') as string}`);
    }
    // The evidence counts once: when its commit's marker is in the graph already, an earlier
    // attempt of this transaction committed (a retry after the connection was lost at COMMIT).
    // That attempt created this batch's records, so what it counted stands: read now, they would
    // all count as duplicates (a flow-log window's lines did, in the run's summary).
    // (A marker present before the first run, not written by it, would need a second writer on the
    // same batch at the same time: commit markers are random, and one ingest holds a store.)
    const markerId = `${Label.IngestedObject}\u0000${evidence.marker}`;
    const counted = evidence.marker !== null && existing.has(markerId);
    if (counted && lastRun) return lastRun;
    const isNew = (f: RecordFacts) => !f.record || !existing.has(`${f.record.label}\u0000${f.record.key}`);
    if (evidence.onlyWithNews && !evidence.aggregate && !candidates.some((f) => isNew(f) && (!f.record || `${f.record.label}\u0000${f.record.key}` !== markerId))) {
      // Nothing new for the marker to vouch for: it is not written either.
      existing.add(markerId);
    }
    // Statements are pipelined: sent without waiting for each result, a bounded number of rows ahead.
    const pipeline = new StatementPipeline(tx);
    let created = 0;
    for (const [label, facts] of recordsByLabel) {
      const fresh = facts.filter(isNew);
      if (fresh.length === 0) continue;
      if (nodes[label].write === 'versioned') {
        // Counted by the merge itself: a concurrent writer may have committed the same version
        // since the check above (one versioned record is one input record).
        const toParam = (f: RecordFacts) => ({
          key: f.record!.key,
          firstSeen: cypherInt(f.record!.firstSeen ?? f.time),
          lastSeen: cypherInt(f.record!.lastSeen ?? f.time),
          props: toCypherProps(label, { ...f.record!.props, [nodes[label].key]: f.record!.key }),
        });
        await pipeline.run(nodeMergeQuery(label), fresh, toParam, (result) => (created += Number(result.records[0]?.get('applied') ?? 0)));
      } else {
        for (const f of fresh) created += f.records ?? 1;
        await pipeline.run(createRecordsQuery(label), fresh, (f) => toCypherProps(label, { ...f.record!.props, [nodes[label].key]: f.record!.key }));
      }
    }
    for (const f of candidates) if (!f.record) created += f.records ?? 1;

    // 2. Only new records' evidence is aggregated and written: nodes first, then edges.
    const known = (id: string) => this.knownStructural.has(id);
    const structural: string[] = [];
    const plans = [planWrites(candidates.filter(isNew), known), ...(evidence.aggregate && !counted ? [evidence.aggregate.plan(known)] : [])];
    for (const plan of plans) {
      await writePlan(pipeline, plan);
      structural.push(...plan.structuralEdges.flatMap((g) => g.rows.map((r) => r.id)));
    }
    await pipeline.finish();
    const fresh = new Set(candidates.filter((f) => f.record && isNew(f)).map((f) => `${f.record!.label}\u0000${f.record!.key}`));
    return { created, structural, fresh };
  }
}

/** What one run of a batch's transaction wrote. */
interface Written {
  readonly created: number;
  readonly structural: readonly string[];
  readonly fresh: ReadonlySet<string>;
}

/** Evidence already aggregated, and the ledger key of the marker that proves it was written. */
interface Evidence {
  readonly aggregate: EvidenceAggregate | null;
  readonly marker: string | null;
  /** Write the marker only when something else in the batch is new. */
  readonly onlyWithNews: boolean;
}

/**
 * A plan's statements, pipelined: nodes first, then edges between them. The node merges return
 * each node's element id, and the edges of a group whose endpoints all came back find them by id
 * instead of by key: Neo4j, not the reader, is what a large load waits for (docs/benchmarks.md).
 */
async function writePlan(pipeline: StatementPipeline, plan: WritePlan): Promise<void> {
  /** Element ids of this plan's nodes, by endpoint label, then key. */
  const ids = new Map<EndpointLabel, Map<string, string>>();
  for (const [label, rows] of plan.entities) {
    const returning = nodes[label].write === 'entity';
    const endpoint = endpointLabel(label);
    const byKey = ids.get(endpoint) ?? new Map<string, string>();
    ids.set(endpoint, byKey);
    await pipeline.run(
      returning ? mergeEntitiesQuery(label, true) : nodeMergeQuery(label),
      rows,
      returning
        ? (row) => [row.key, row.firstSeen, row.lastSeen, presentProps(row.props)]
        : (row) => ({
            key: row.key,
            firstSeen: row.firstSeen === null ? null : cypherInt(row.firstSeen),
            lastSeen: row.lastSeen === null ? null : cypherInt(row.lastSeen),
            props: toCypherProps(label, row.props),
          }),
      returning
        ? (result) => {
            for (const r of result.records) byKey.set(r.get('key') as string, r.get('id') as string);
          }
        : undefined,
    );
  }
  // Every node's id is known before the first edge is sent.
  await pipeline.finish();
  const idOf = (label: EndpointLabel, key: string) => ids.get(label)?.get(key);
  const allById = (group: { from: EndpointLabel; to: EndpointLabel; rows: readonly EdgeEndpointsRow[] }) =>
    group.rows.every((row) => idOf(group.from, row.from) !== undefined && idOf(group.to, row.to) !== undefined);

  for (const group of plan.observedEdges) {
    if (relationships[group.type].mode === 'observed') {
      const tuple = observedEdgeTuples(group.type);
      if (allById(group)) {
        await pipeline.run(edgeQuery(group.type, group.from, group.to, 'id'), group.rows, (row) => {
          const values = tuple(row);
          values[0] = idOf(group.from, row.from);
          values[1] = idOf(group.to, row.to);
          return values;
        });
      } else await pipeline.run(edgeQuery(group.type, group.from, group.to), group.rows, tuple);
      continue;
    }
    await pipeline.run(edgeQuery(group.type, group.from, group.to), group.rows, (row: ObservedEdgeRow) => ({
      ...row,
      firstSeen: cypherInt(row.firstSeen),
      lastSeen: cypherInt(row.lastSeen),
      count: cypherInt(row.count),
      ...(row.props ? { props: intsOf(row.props) } : {}),
    }));
  }
  for (const group of plan.structuralEdges) {
    if (allById(group)) await pipeline.run(edgeQuery(group.type, group.from, group.to, 'id'), group.rows, ({ from, to }) => [idOf(group.from, from), idOf(group.to, to)]);
    else await pipeline.run(edgeQuery(group.type, group.from, group.to), group.rows, ({ from, to }) => [from, to]);
  }
}

/** The properties that have a value, as they are (mergeEntitiesQuery makes integers of the declared ones). */
function presentProps(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name in props) {
    const value = props[name];
    if (value !== null && value !== undefined) out[name] = value;
  }
  return out;
}

/** Numbers in stated edges' property maps are integers (ports): send them as such. */
function intsOf(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name in values) out[name] = integerAsCypher(values[name]);
  return out;
}

/** The version of a versioned record (a finding's updatedAt); 0 for others. */
function versionOf(fact: RecordFacts): number {
  const record = fact.record;
  if (!record) return 0;
  const decl: NodeDeclaration = nodes[record.label];
  const value = decl.version ? record.props[decl.version] : undefined;
  return typeof value === 'number' ? value : 0;
}
