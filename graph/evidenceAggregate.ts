import { nodes, type NodeLabel } from './schema/nodes';
import type { NodeDeclaration } from './schema/types';
import { relationships, type RelationshipType } from './schema/relationships';
import { endpointLabel, type EdgeEndpointsRow, type EntityRow, type ObservedEdgeRow } from './cypher/writeQueries';
import { edgeId, withoutEmpty, type EdgeDetails, type EvidenceSink, type NodeRef, type RecordFacts } from './facts';
import type { EdgeGroup, StructuralEdgeRow, WritePlan } from './writePlan';

/** A distinct node of the window, and the NodeRef normalisers get for it. */
interface EntityEntry extends NodeRef {
  /** Its number in this window: edges are keyed by their endpoints' numbers, not their long keys. */
  readonly n: number;
  firstSeen: number | null;
  lastSeen: number | null;
  readonly props: Record<string, unknown>;
  /** Its edges to other nodes of the window, by relationship number and the other end's number. */
  out: Map<number, EdgeEntry> | undefined;
}

interface EdgeEntry {
  readonly type: RelationshipType;
  readonly from: NodeRef;
  readonly to: NodeRef;
  firstSeen: number;
  lastSeen: number;
  count: number;
  /** The record that last counted it: a record naming an edge twice is one piece of evidence. */
  stamp: number;
  sums?: Record<string, number>;
  lists?: Record<string, string[]>;
  props?: Record<string, unknown>;
}

const TYPE_NUMBERS = new Map((Object.keys(relationships) as RelationshipType[]).map((type, i) => [type, i]));
/**
 * Entities a window may hold (far above any window). An edge is found from its first node by
 * relationship number * MAX_ENTITIES + the other node's number: a small integer for V8 (below
 * 2^30), so the lookup allocates nothing, where one key for the whole window would not fit.
 */
const MAX_ENTITIES = 2 ** 21;
if (TYPE_NUMBERS.size * MAX_ENTITIES > 2 ** 30) throw new Error('edge keys no longer fit in a small integer: lower MAX_ENTITIES');

/**
 * The evidence of many records, summed as it arrives: one row per distinct node and edge, so
 * that a hot node (a busy address, a shared role) is written once per window, not once per
 * record, and an edge seen 5,000 times is one write with count 5,000. Normalisers write into it
 * directly (it is an EvidenceSink), record after record, so no per-record facts are built in
 * between. `plan()` turns it into the write plan.
 */
export class EvidenceAggregate implements EvidenceSink {
  /** Per label, then by key: no joined label-and-key string to build and hash for every fact. */
  private readonly entities = new Map<NodeLabel, Map<string, EntityEntry>>();
  private readonly byNumber: EntityEntry[] = [];
  private readonly edges: EdgeEntry[] = [];
  private record = 0;
  private time = 0;
  /** Records whose evidence this holds. */
  records = 0;

  /** Starts the next record's evidence, observed at `time` (epoch ms) unless a fact says otherwise. */
  beginRecord(time: number): void {
    this.record += 1;
    this.records += 1;
    this.time = time;
  }

  /** Distinct nodes and edges held: what the window costs in memory and in writes. */
  get size(): number {
    return this.byNumber.length + this.edges.length;
  }

  node(label: NodeLabel, key: string, props: Record<string, unknown> = {}, seen?: { firstSeen: number; lastSeen: number }): NodeRef {
    return this.entity(label, key, props, seen?.firstSeen ?? this.time, seen?.lastSeen ?? this.time);
  }

  link(type: RelationshipType, from: NodeRef, to: NodeRef, details?: EdgeDetails): void {
    const a = this.known(from);
    const b = this.known(to);
    const id = TYPE_NUMBERS.get(type)! * MAX_ENTITIES + b.n;
    const first = details?.firstSeen ?? this.time;
    const last = details?.lastSeen ?? this.time;
    const mode = relationships[type].mode;
    const count = mode === 'observed' ? (details?.count ?? 1) : 0;
    const out = (a.out ??= new Map());
    const entry = out.get(id);
    if (!entry) {
      const fresh: EdgeEntry = { type, from: a, to: b, firstSeen: first, lastSeen: last, count, stamp: this.record };
      if (details?.sums) fresh.sums = { ...details.sums };
      if (details?.lists) fresh.lists = Object.fromEntries(Object.entries(details.lists).map(([k, v]) => [k, [...v]]));
      if (details?.props) fresh.props = withoutEmpty(details.props);
      out.set(id, fresh);
      this.edges.push(fresh);
      return;
    }
    if (first < entry.firstSeen) entry.firstSeen = first;
    if (last > entry.lastSeen) entry.lastSeen = last;
    // The same edge twice in one record is one piece of evidence: only its lists and props grow.
    const again = entry.stamp === this.record;
    entry.stamp = this.record;
    if (!again) {
      entry.count += count;
      if (details?.sums) {
        entry.sums ??= {};
        for (const name in details.sums) entry.sums[name] = (entry.sums[name] ?? 0) + details.sums[name]!;
      }
    }
    if (details?.lists) {
      entry.lists ??= {};
      for (const name in details.lists) {
        const list = (entry.lists[name] ??= []);
        for (const v of details.lists[name]!) if (!list.includes(v)) list.push(v);
      }
    }
    if (details?.props) {
      entry.props ??= {};
      copyPresent(entry.props, details.props);
    }
  }

  /** Adds one record's facts (sources that build them whole: findings, flow-log parts). */
  addFacts(facts: RecordFacts): void {
    this.beginRecord(facts.time);
    for (const node of facts.nodes) this.entity(node.label, node.key, node.props, node.firstSeen ?? facts.time, node.lastSeen ?? facts.time);
    for (const edge of facts.edges) this.link(edge.type, edge.from, edge.to, edge);
  }

  /**
   * One row per distinct node and edge, grouped per query and sorted by key so that concurrent
   * writers take locks in the same order. Structural edges already written (`known`) are left out.
   */
  plan(known: (id: string) => boolean = () => false): WritePlan {
    const byLabel = new Map<NodeLabel, EntityRow[]>();
    for (const e of this.byNumber) {
      const rows = byLabel.get(e.label) ?? [];
      rows.push({ key: e.key, firstSeen: e.firstSeen, lastSeen: e.lastSeen, props: e.props });
      byLabel.set(e.label, rows);
    }
    for (const rows of byLabel.values()) rows.sort((a, b) => compare(a.key, b.key));

    const observed = new Map<string, ObservedEdgeRow[]>();
    const structural = new Map<string, StructuralEdgeRow[]>();
    for (const e of this.edges) {
      const group = `${e.type}\u0000${endpointLabel(e.from.label)}\u0000${endpointLabel(e.to.label)}`;
      if (relationships[e.type].mode === 'structural') {
        const id = edgeId(e.type, e.from, e.to);
        if (known(id)) continue;
        push(structural, group, { id, from: e.from.key, to: e.to.key });
        continue;
      }
      const row: ObservedEdgeRow = { from: e.from.key, to: e.to.key, firstSeen: e.firstSeen, lastSeen: e.lastSeen, count: e.count };
      if (e.sums) row.sums = e.sums;
      if (e.lists) row.lists = e.lists;
      if (e.props) row.props = e.props;
      push(observed, group, row);
    }
    const edgeOrder = (a: EdgeEndpointsRow, b: EdgeEndpointsRow) => compare(a.from, b.from) || compare(a.to, b.to);
    return {
      entities: byLabel,
      observedEdges: toGroups(observed, edgeOrder),
      structuralEdges: toGroups(structural, edgeOrder),
    };
  }

  private entity(label: NodeLabel, key: string, props: Record<string, unknown>, first: number, last: number): EntityEntry {
    let ofLabel = this.entities.get(label);
    if (!ofLabel) this.entities.set(label, (ofLabel = new Map()));
    const entry = ofLabel.get(key);
    if (!entry) {
      if (this.byNumber.length >= MAX_ENTITIES) throw new Error('an evidence window holds at most 2^21 distinct nodes');
      const fresh: EntityEntry = { label, key, n: this.byNumber.length, firstSeen: first, lastSeen: last, props: withoutEmpty(props), out: undefined };
      ofLabel.set(key, fresh);
      this.byNumber.push(fresh);
      return fresh;
    }
    mergeNodeProps(label, entry.props, props);
    if (entry.firstSeen === null || first < entry.firstSeen) entry.firstSeen = first;
    if (entry.lastSeen === null || last > entry.lastSeen) entry.lastSeen = last;
    return entry;
  }

  /** The entry behind a NodeRef: its own when it came from `node`, else the node of that label and key. */
  private known(ref: NodeRef): EntityEntry {
    const own = ref as Partial<EntityEntry>;
    if (typeof own.n === 'number' && this.byNumber[own.n] === ref) return ref as EntityEntry;
    const entry = this.entities.get(ref.label)?.get(ref.key);
    // An endpoint nobody declared (a finding's subject known only by key): held without properties.
    return entry ?? this.entity(ref.label, ref.key, {}, this.time, this.time);
  }
}

/**
 * For versioned nodes (findings) the newest version's properties win, whatever order the
 * versions arrive in; other nodes take every non-empty value. Changes `current` in place.
 */
function mergeNodeProps(label: NodeLabel, current: Record<string, unknown>, update: Record<string, unknown>): void {
  const decl: NodeDeclaration = nodes[label];
  if (decl.write !== 'versioned' || !decl.version) {
    copyPresent(current, update);
    return;
  }
  const older = (current[decl.version] as number | undefined) ?? -Infinity;
  const newer = (update[decl.version] as number | undefined) ?? -Infinity;
  if (newer >= older) {
    copyPresent(current, update);
    return;
  }
  for (const name in update) {
    const value = update[name];
    if (value !== null && value !== undefined && (current[name] === undefined || current[name] === null)) current[name] = value;
  }
}

/** Copies the non-empty values: null and undefined never reach the graph (they would erase what another record established). */
function copyPresent(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const name in from) {
    const value = from[name];
    if (value !== null && value !== undefined) into[name] = value;
  }
}

function push<Row>(groups: Map<string, Row[]>, group: string, row: Row): void {
  const rows = groups.get(group);
  if (rows) rows.push(row);
  else groups.set(group, [row]);
}

function toGroups<Row>(groups: Map<string, Row[]>, order: (a: Row, b: Row) => number): EdgeGroup<Row>[] {
  return [...groups.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([group, rows]) => {
      const [type, from, to] = group.split('\u0000') as [RelationshipType, EdgeGroup<Row>['from'], EdgeGroup<Row>['to']];
      return { type, from, to, rows: rows.sort(order) };
    });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
