import { nodes, type NodeLabel } from './schema/nodes';
import type { NodeDeclaration } from './schema/types';
import { relationships, type RelationshipType } from './schema/relationships';
import {
  endpointLabel,
  type EndpointLabel,
  type EntityRow,
  type ObservedEdgeRow,
  type PerEventEdgeRow,
} from './cypher/writeQueries';
import { cypherInt } from './driver';
import { edgeId, mergeProps, withoutEmpty, type RecordFacts } from './facts';

export interface EdgeGroup<Row> {
  readonly type: RelationshipType;
  readonly from: EndpointLabel;
  readonly to: EndpointLabel;
  readonly rows: Row[];
}

/** A structural edge with the identity the writer remembers it by. */
export interface StructuralEdgeRow extends PerEventEdgeRow {
  readonly id: string;
}

/** A batch of facts, aggregated into one row per distinct node and edge, ready for UNWIND. */
export interface WritePlan {
  readonly entities: Map<NodeLabel, EntityRow[]>;
  readonly observedEdges: EdgeGroup<ObservedEdgeRow>[];
  readonly perEventEdges: EdgeGroup<PerEventEdgeRow>[];
  readonly structuralEdges: EdgeGroup<StructuralEdgeRow>[];
}

/**
 * Aggregates the facts of many records so that a hot node (a busy IP, a service principal)
 * is written once per batch with summed counts, not once per record. Rows are sorted by key
 * so concurrent writers take locks in the same order. Structural edges already known to exist
 * (`known`) are left out.
 */
export function planWrites(facts: Iterable<RecordFacts>, known: (id: string) => boolean = () => false): WritePlan {
  const entities = new Map<string, { label: NodeLabel; row: EntityRow }>();
  const observed = new Map<string, { group: string; row: ObservedEdgeRow }>();
  const perEvent = new Map<string, PerEventEdgeRow[]>();
  const structural = new Map<string, { group: string; row: StructuralEdgeRow }>();

  for (const fact of facts) {
    for (const node of fact.nodes) {
      const id = node.id ?? `${node.label}\u0000${node.key}`;
      const first = node.firstSeen ?? fact.time;
      const last = node.lastSeen ?? fact.time;
      const seen = entities.get(id);
      if (!seen) {
        entities.set(id, { label: node.label, row: { key: node.key, firstSeen: first, lastSeen: last, props: withoutEmpty(node.props) } });
      } else {
        const row = seen.row;
        row.props = mergeNodeProps(node.label, row.props, node.props);
        if (row.firstSeen === null || first < row.firstSeen) row.firstSeen = first;
        if (row.lastSeen === null || last > row.lastSeen) row.lastSeen = last;
      }
    }
    for (const edge of fact.edges) {
      const group = groupOf(edge.type, edge.from.label, edge.to.label);
      const mode = relationships[edge.type].mode;
      if (mode === 'perEvent') {
        const rows = perEvent.get(group) ?? [];
        rows.push({ from: edge.from.key, to: edge.to.key });
        perEvent.set(group, rows);
        continue;
      }
      const id = edge.id ?? edgeId(edge.type, edge.from, edge.to, edge.keys);
      if (mode === 'structural') {
        if (!structural.has(id) && !known(id)) structural.set(id, { group, row: { id, from: edge.from.key, to: edge.to.key } });
        continue;
      }
      const first = edge.firstSeen ?? fact.time;
      const last = edge.lastSeen ?? fact.time;
      const count = mode === 'observed' ? (edge.count ?? 1) : 0;
      const seen = observed.get(id);
      if (!seen) {
        const row: ObservedEdgeRow = { from: edge.from.key, to: edge.to.key, firstSeen: first, lastSeen: last, count };
        if (edge.keys) row.keys = { ...edge.keys };
        if (edge.sums) row.sums = { ...edge.sums };
        if (edge.lists) row.lists = Object.fromEntries(Object.entries(edge.lists).map(([k, v]) => [k, [...v]]));
        if (edge.props) row.props = withoutEmpty(edge.props);
        observed.set(id, { group, row });
        continue;
      }
      const row = seen.row;
      row.count += count;
      if (first < row.firstSeen) row.firstSeen = first;
      if (last > row.lastSeen) row.lastSeen = last;
      if (edge.sums) {
        row.sums ??= {};
        for (const name in edge.sums) row.sums[name] = (row.sums[name] ?? 0) + edge.sums[name]!;
      }
      if (edge.lists) {
        row.lists ??= {};
        for (const [name, values] of Object.entries(edge.lists)) {
          const list = (row.lists[name] ??= []);
          for (const v of values) if (!list.includes(v)) list.push(v);
        }
      }
      if (edge.props) row.props = mergeProps(row.props ?? {}, edge.props);
    }
  }

  const byLabel = new Map<NodeLabel, EntityRow[]>();
  for (const { label, row } of entities.values()) {
    const rows = byLabel.get(label) ?? [];
    rows.push(row);
    byLabel.set(label, rows);
  }
  for (const rows of byLabel.values()) rows.sort((a, b) => compare(a.key, b.key));

  const edgeOrder = (a: PerEventEdgeRow, b: PerEventEdgeRow) => compare(a.from, b.from) || compare(a.to, b.to);
  return {
    entities: byLabel,
    // Observed and stated edges share a row shape; the writer picks the query by mode.
    observedEdges: toGroups(regroup(observed.values()), edgeOrder),
    perEventEdges: toGroups(perEvent, edgeOrder),
    structuralEdges: toGroups(regroup(structural.values()), edgeOrder),
  };
}

/**
 * For versioned nodes (findings) the newest version's properties win, whatever order the
 * versions arrive in; other nodes take every non-empty value.
 */
function mergeNodeProps(label: NodeLabel, current: Record<string, unknown>, update: Record<string, unknown>): Record<string, unknown> {
  const decl: NodeDeclaration = nodes[label];
  if (decl.write !== 'versioned' || !decl.version) return mergeProps(current, update);
  const older = (current[decl.version] as number | undefined) ?? -Infinity;
  const newer = (update[decl.version] as number | undefined) ?? -Infinity;
  return newer >= older ? mergeProps(current, update) : mergeProps(update, current);
}

/** "TYPE\0FromEndpoint\0ToEndpoint", memoised: it is asked for every edge of every record. */
const groupCache = new Map<string, string>();
function groupOf(type: RelationshipType, from: NodeLabel, to: NodeLabel): string {
  const probe = `${type}:${from}:${to}`;
  let group = groupCache.get(probe);
  if (group === undefined) {
    group = `${type}\u0000${endpointLabel(from)}\u0000${endpointLabel(to)}`;
    groupCache.set(probe, group);
  }
  return group;
}

function regroup<Row>(entries: Iterable<{ group: string; row: Row }>): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const { group, row } of entries) {
    const rows = groups.get(group) ?? [];
    rows.push(row);
    groups.set(group, rows);
  }
  return groups;
}

function toGroups<Row>(groups: Map<string, Row[]>, order: (a: Row, b: Row) => number): EdgeGroup<Row>[] {
  return [...groups.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([group, rows]) => {
      const [type, from, to] = group.split('\u0000') as [RelationshipType, EndpointLabel, EndpointLabel];
      return { type, from, to, rows: rows.sort(order) };
    });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Converts declared `int` properties to integers for the driver (JS numbers go as floats). */
export function toCypherProps(label: NodeLabel, props: Record<string, unknown>): Record<string, unknown> {
  const declared: Readonly<Record<string, string>> = nodes[label].properties;
  const out: Record<string, unknown> = {};
  for (const name in props) {
    const value = props[name];
    if (value === null || value === undefined) continue;
    out[name] = declared[name] === 'int' && typeof value === 'number' ? cypherInt(value) : value;
  }
  return out;
}
