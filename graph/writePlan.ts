import { nodes, type NodeLabel } from './schema/nodes';
import { relationships, type RelationshipType } from './schema/relationships';
import type { EntityRow, ObservedEdgeRow, PerEventEdgeRow } from './cypher/writeQueries';
import type { RecordFacts } from './facts';

export interface EdgeGroup<Row> {
  readonly type: RelationshipType;
  readonly from: NodeLabel;
  readonly to: NodeLabel;
  readonly rows: Row[];
}

/** A batch of facts, aggregated into one row per distinct node and edge, ready for UNWIND. */
export interface WritePlan {
  readonly entities: Map<NodeLabel, EntityRow[]>;
  readonly observedEdges: EdgeGroup<ObservedEdgeRow>[];
  readonly perEventEdges: EdgeGroup<PerEventEdgeRow>[];
}

/**
 * Aggregates the facts of many records so that a hot node (a busy IP, a service principal)
 * is written once per batch with summed counts, not once per record. Rows are sorted by key
 * so concurrent writers take locks in the same order.
 */
export function planWrites(facts: Iterable<RecordFacts>): WritePlan {
  const entities = new Map<string, { label: NodeLabel; row: EntityRow }>();
  const observed = new Map<string, { group: string; row: ObservedEdgeRow }>();
  const perEvent = new Map<string, PerEventEdgeRow[]>();

  for (const fact of facts) {
    for (const node of fact.nodes) {
      const id = `${node.label}\u0000${node.key}`;
      const seen = entities.get(id);
      if (!seen) {
        entities.set(id, { label: node.label, row: { key: node.key, firstSeen: fact.time, lastSeen: fact.time, props: { ...node.props } } });
      } else {
        const row = seen.row;
        Object.assign(row.props, node.props);
        if (row.firstSeen === null || fact.time < row.firstSeen) row.firstSeen = fact.time;
        if (row.lastSeen === null || fact.time > row.lastSeen) row.lastSeen = fact.time;
      }
    }
    for (const edge of fact.edges) {
      const group = `${edge.type}\u0000${edge.from.label}\u0000${edge.to.label}`;
      if (relationships[edge.type].mode === 'perEvent') {
        const rows = perEvent.get(group) ?? [];
        rows.push({ from: edge.from.key, to: edge.to.key });
        perEvent.set(group, rows);
        continue;
      }
      const id = `${group}\u0000${edge.from.key}\u0000${edge.to.key}`;
      const seen = observed.get(id);
      if (!seen) {
        const row: ObservedEdgeRow = { from: edge.from.key, to: edge.to.key, firstSeen: fact.time, lastSeen: fact.time, count: 1 };
        if (edge.lists) row.lists = Object.fromEntries(Object.entries(edge.lists).map(([k, v]) => [k, [...v]]));
        observed.set(id, { group, row });
      } else {
        const row = seen.row;
        row.count += 1;
        if (fact.time < row.firstSeen) row.firstSeen = fact.time;
        if (fact.time > row.lastSeen) row.lastSeen = fact.time;
        if (edge.lists) {
          row.lists ??= {};
          for (const [name, values] of Object.entries(edge.lists)) {
            const list = (row.lists[name] ??= []);
            for (const v of values) if (!list.includes(v)) list.push(v);
          }
        }
      }
    }
  }

  const byLabel = new Map<NodeLabel, EntityRow[]>();
  for (const { label, row } of entities.values()) {
    const rows = byLabel.get(label) ?? [];
    rows.push(row);
    byLabel.set(label, rows);
  }
  for (const rows of byLabel.values()) rows.sort((a, b) => compare(a.key, b.key));

  const observedGroups = new Map<string, ObservedEdgeRow[]>();
  for (const { group, row } of observed.values()) {
    const rows = observedGroups.get(group) ?? [];
    rows.push(row);
    observedGroups.set(group, rows);
  }
  return {
    entities: byLabel,
    observedEdges: toGroups(observedGroups, (a, b) => compare(a.from, b.from) || compare(a.to, b.to)),
    perEventEdges: toGroups(perEvent, (a, b) => compare(a.from, b.from) || compare(a.to, b.to)),
  };
}

function toGroups<Row>(groups: Map<string, Row[]>, order: (a: Row, b: Row) => number): EdgeGroup<Row>[] {
  return [...groups.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([group, rows]) => {
      const [type, from, to] = group.split('\u0000') as [RelationshipType, NodeLabel, NodeLabel];
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
  for (const [name, value] of Object.entries(props)) {
    out[name] = declared[name] === 'int' && typeof value === 'number' ? BigInt(Math.trunc(value)) : value;
  }
  return out;
}
