import { groups, nodes, type GroupLabel, type NodeLabel } from '../schema/nodes';
import { relationships, type RelationshipType } from '../schema/relationships';
import { escapeName as n } from './escape';

/**
 * The write queries, generated from the schema declarations. Each takes `$rows`, a list of
 * pre-aggregated rows (one per distinct node or edge in the batch), and is run once per batch.
 * The generated text is snapshot-tested (test/unit/writeQueries.test.ts).
 */

/** Row shapes the generated queries expect. Times are epoch ms, counts integers. */
export interface EntityRow {
  key: string;
  firstSeen: number | null;
  lastSeen: number | null;
  props: Record<string, unknown>;
}
export interface ObservedEdgeRow {
  from: string;
  to: string;
  firstSeen: number;
  lastSeen: number;
  count: number;
  lists?: Record<string, string[]>;
}
export interface PerEventEdgeRow {
  from: string;
  to: string;
}

const earlier = (target: string, value: string) =>
  `CASE WHEN ${target} IS NULL OR ${value} < ${target} THEN ${value} ELSE ${target} END`;
const later = (target: string, value: string) =>
  `CASE WHEN ${target} IS NULL OR ${value} > ${target} THEN ${value} ELSE ${target} END`;

/**
 * Which of these immutable records (CloudTrail events) the graph already has. Those are
 * skipped and contribute no evidence, so counts stay exact whatever the number of reruns.
 */
export function existingRecordsQuery(label: NodeLabel): string {
  const decl = nodes[label];
  if (decl.write !== 'event') throw new Error(`${label} is not an event label`);
  return [`UNWIND $keys AS key`, `MATCH (e:${n(label)} {${n(decl.key)}: key})`, 'RETURN key'].join('\n');
}

/**
 * Creates records found new by existingRecordsQuery in the same transaction. CREATE is cheaper
 * than MERGE; if another transaction created one of them meanwhile, the uniqueness constraint
 * fails this one and the writer retries it (then the record counts as existing).
 */
export function createRecordsQuery(label: NodeLabel): string {
  const decl = nodes[label];
  if (decl.write !== 'event') throw new Error(`${label} is not an event label`);
  return ['UNWIND $rows AS row', `CREATE (e:${n(label)})`, 'SET e = row'].join('\n');
}

/** Merges entities by key; firstSeen/lastSeen only ever widen; non-null props overwrite. */
export function mergeEntitiesQuery(label: NodeLabel): string {
  const decl = nodes[label];
  if (decl.write !== 'entity') throw new Error(`${label} is not an entity label`);
  const groupLabels = 'groups' in decl ? decl.groups.map((g) => `:${n(g)}`).join('') : '';
  const lines = ['UNWIND $rows AS row', `MERGE (x:${n(label)} {${n(decl.key)}: row.key})`];
  lines.push(
    `SET x += row.props,${groupLabels ? ` x${groupLabels},` : ''}`,
    `    x.firstSeen = ${earlier('x.firstSeen', 'row.firstSeen')},`,
    `    x.lastSeen = ${later('x.lastSeen', 'row.lastSeen')}`,
  );
  return lines.join('\n');
}

/** The label an edge endpoint is matched by: a node label, or a group label sharing its key. */
export type EndpointLabel = NodeLabel | GroupLabel;

/**
 * Principals are matched through their Principal group (one index on principalKey), so one
 * query serves every kind of principal: far fewer distinct queries for Neo4j to plan.
 */
export function endpointLabel(label: NodeLabel): EndpointLabel {
  return ENDPOINT_LABELS.get(label) ?? label;
}

const ENDPOINT_LABELS = new Map<NodeLabel, EndpointLabel>(
  (Object.keys(nodes) as NodeLabel[]).map((label) => {
    const decl = nodes[label];
    const shared = ('groups' in decl ? decl.groups : []).find((g) => groups[g as GroupLabel].key === decl.key);
    return [label, (shared as GroupLabel | undefined) ?? label];
  }),
);

function endpointKey(label: EndpointLabel): string {
  return label in groups ? groups[label as GroupLabel].key : nodes[label as NodeLabel].key;
}

function endpointMatch(variable: string, label: EndpointLabel, param: string): string {
  return `MATCH (${variable}:${n(label)} {${n(endpointKey(label))}: ${param}})`;
}

/**
 * Merges aggregate edges: widens firstSeen/lastSeen, adds the batch's count, and unions capped
 * list properties. Both endpoints were merged earlier in the same transaction.
 */
export function mergeObservedEdgesQuery(type: RelationshipType, from: EndpointLabel, to: EndpointLabel): string {
  const decl = relationships[type];
  if (decl.mode !== 'observed') throw new Error(`${type} is not an observed relationship`);
  const sets = [
    `r.firstSeen = ${earlier('r.firstSeen', 'row.firstSeen')}`,
    `r.lastSeen = ${later('r.lastSeen', 'row.lastSeen')}`,
    'r.count = coalesce(r.count, 0) + row.count',
  ];
  const unions: Record<string, number> = 'setUnions' in decl ? decl.setUnions : {};
  for (const [prop, cap] of Object.entries(unions)) {
    const current = `coalesce(r.${n(prop)}, [])`;
    sets.push(`r.${n(prop)} = (${current} + [v IN coalesce(row.lists.${n(prop)}, []) WHERE NOT v IN ${current}])[..${cap}]`);
  }
  return [
    'UNWIND $rows AS row',
    endpointMatch('a', from, 'row.from'),
    endpointMatch('b', to, 'row.to'),
    `MERGE (a)-[r:${n(type)}]->(b)`,
    `SET ${sets.join(',\n    ')}`,
  ].join('\n');
}

/** Creates per-event edges. The event was created in this same transaction, so CREATE is exact. */
export function createPerEventEdgesQuery(type: RelationshipType, from: EndpointLabel, to: EndpointLabel): string {
  const decl = relationships[type];
  if (decl.mode !== 'perEvent') throw new Error(`${type} is not a per-event relationship`);
  return [
    'UNWIND $rows AS row',
    endpointMatch('a', from, 'row.from'),
    endpointMatch('b', to, 'row.to'),
    `CREATE (a)-[:${n(type)}]->(b)`,
  ].join('\n');
}

/** Merges structural edges: they carry no evidence counts, so existing ones need no write. */
export function mergeStructuralEdgesQuery(type: RelationshipType, from: EndpointLabel, to: EndpointLabel): string {
  const decl = relationships[type];
  if (decl.mode !== 'structural') throw new Error(`${type} is not a structural relationship`);
  return [
    'UNWIND $rows AS row',
    endpointMatch('a', from, 'row.from'),
    endpointMatch('b', to, 'row.to'),
    `MERGE (a)-[:${n(type)}]->(b)`,
  ].join('\n');
}

/** The query that writes edges of this type between these endpoint labels. */
export function edgeQuery(type: RelationshipType, from: EndpointLabel, to: EndpointLabel): string {
  switch (relationships[type].mode) {
    case 'observed':
      return mergeObservedEdgesQuery(type, from, to);
    case 'perEvent':
      return createPerEventEdgesQuery(type, from, to);
    case 'structural':
      return mergeStructuralEdgesQuery(type, from, to);
  }
}

/** Every write query the schema can produce, keyed by a readable name (for the snapshot test). */
export function allWriteQueries(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [label, decl] of Object.entries(nodes) as [NodeLabel, (typeof nodes)[NodeLabel]][]) {
    if (decl.write === 'event') {
      out[`existing ${label}`] = existingRecordsQuery(label);
      out[`create ${label}`] = createRecordsQuery(label);
    }
    if (decl.write === 'entity') out[`merge ${label}`] = mergeEntitiesQuery(label);
  }
  for (const [type, decl] of Object.entries(relationships) as [RelationshipType, (typeof relationships)[RelationshipType]][]) {
    const froms = [...new Set(decl.from.map(endpointLabel))];
    const tos = [...new Set(decl.to.map(endpointLabel))];
    for (const from of froms) {
      for (const to of tos) {
        const name = `${type} ${from}->${to}`;
        out[name] = edgeQuery(type, from, to);
      }
    }
  }
  return out;
}
