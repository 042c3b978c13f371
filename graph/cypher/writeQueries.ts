import { groups, nodes, type GroupLabel, type NodeLabel } from '../schema/nodes';
import { relationships, type RelationshipType } from '../schema/relationships';
import type { NodeDeclaration, RelationshipDeclaration } from '../schema/types';
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
/** An observed or stated edge: one row per distinct edge in the batch. */
export interface ObservedEdgeRow {
  from: string;
  to: string;
  firstSeen: number;
  lastSeen: number;
  /** Evidence count (observed edges). */
  count: number;
  /** Values added to the relationship's sums (FLOW: bytes, packets). */
  sums?: Record<string, number>;
  lists?: Record<string, string[]>;
  /** Properties set as given (stated edges). */
  props?: Record<string, unknown>;
}
/** A structural edge's row: its endpoints. */
export interface EdgeEndpointsRow {
  from: string;
  to: string;
}

/** `stored` is what is written when `value` wins (the value itself, or it as an integer). */
const earlier = (target: string, value: string, stored = value) =>
  `CASE WHEN ${target} IS NULL OR ${value} < ${target} THEN ${stored} ELSE ${target} END`;
const later = (target: string, value: string, stored = value) =>
  `CASE WHEN ${target} IS NULL OR ${value} > ${target} THEN ${stored} ELSE ${target} END`;

/**
 * Which of these immutable records (ledger entries) the graph already has. Those are
 * skipped and contribute no evidence, so counts stay exact whatever the number of reruns.
 */
export function existingRecordsQuery(label: NodeLabel): string {
  const decl = nodes[label];
  if (decl.write !== 'event') throw new Error(`${label} is not an event label`);
  return [`UNWIND $keys AS key`, `MATCH (e:${n(label)} {${n(decl.key)}: key})`, 'RETURN key'].join('\n');
}

/**
 * Which of these re-issued records (findings) the graph already has at this version or newer:
 * those add nothing. `$keys` holds {key, version} pairs.
 */
export function currentVersionsQuery(label: NodeLabel): string {
  const decl: NodeDeclaration = nodes[label];
  if (decl.write !== 'versioned' || !decl.version) throw new Error(`${label} is not a versioned label`);
  return [`UNWIND $keys AS k`, `MATCH (e:${n(label)} {${n(decl.key)}: k.key})`, `WHERE e.${n(decl.version)} >= k.version`, 'RETURN k.key AS key'].join('\n');
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

/**
 * Merges entities by key; firstSeen/lastSeen only ever widen; non-null props overwrite.
 * `returningIds`: each row's key and the node's element id come back, so that the same
 * transaction's edges find their endpoints by id (see Endpoints).
 *
 * A row is a list, [key, firstSeen, lastSeen, props], with its numbers as plain JavaScript
 * numbers that the query turns into integers (times, and the properties the label declares
 * `int`): the driver packs a map's keys with every row and allocates several objects for every
 * integer it packs (a tenth of what a flow-log load allocated; docs/benchmarks.md).
 */
export function mergeEntitiesQuery(label: NodeLabel, returningIds = false): string {
  const decl = nodes[label];
  if (decl.write !== 'entity') throw new Error(`${label} is not an entity label`);
  const groupLabels = 'groups' in decl ? decl.groups.map((g) => `:${n(g)}`).join('') : '';
  const declared: Readonly<Record<string, string>> = decl.properties;
  const integers = Object.keys(declared).filter((name) => declared[name] === 'int');
  return [
    'UNWIND $rows AS row',
    '// row: [key, firstSeen, lastSeen, props]',
    `MERGE (x:${n(label)} {${n(decl.key)}: row[0]})`,
    `SET x += row[3],${groupLabels ? ` x${groupLabels},` : ''}`,
    ...integers.map((name) => `    x.${n(name)} = CASE WHEN row[3].${n(name)} IS NULL THEN x.${n(name)} ELSE toInteger(row[3].${n(name)}) END,`),
    `    x.firstSeen = ${earlier('x.firstSeen', 'row[1]', 'toInteger(row[1])')},`,
    `    x.lastSeen = ${later('x.lastSeen', 'row[2]', 'toInteger(row[2])')}`,
    ...(returningIds ? ['RETURN row[0] AS key, elementId(x) AS id'] : []),
  ].join('\n');
}

/**
 * Merges re-issued records (GuardDuty findings) by key: their properties are replaced only by
 * a version at least as new, whatever order the versions arrive in.
 */
export function mergeVersionedQuery(label: NodeLabel): string {
  const decl: NodeDeclaration = nodes[label];
  if (decl.write !== 'versioned' || !decl.version) throw new Error(`${label} is not a versioned label`);
  const version = n(decl.version);
  // `applied` counts the rows that created the node or brought a strictly newer version. The
  // writer checks versions before it writes, but another writer's transaction can commit the
  // same version in between: MERGE then waits for it and sees it, and the row counts as a duplicate.
  return [
    'UNWIND $rows AS row',
    `MERGE (x:${n(label)} {${n(decl.key)}: row.key})`,
    `WITH x, row, x.${version} IS NULL OR row.props.${version} > x.${version} AS applied,`,
    `     (x.${version} IS NULL OR row.props.${version} >= x.${version}) AS newer`,
    'SET x += CASE WHEN newer THEN row.props ELSE {} END,',
    `    x.firstSeen = ${earlier('x.firstSeen', 'row.firstSeen')},`,
    `    x.lastSeen = ${later('x.lastSeen', 'row.lastSeen')}`,
    'RETURN count(CASE WHEN applied THEN 1 END) AS applied',
  ].join('\n');
}

/** The query that merges nodes of this label (entities and versioned records). */
export function nodeMergeQuery(label: NodeLabel): string {
  return nodes[label].write === 'versioned' ? mergeVersionedQuery(label) : mergeEntitiesQuery(label);
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

/**
 * How an edge query finds its endpoints: by their key (an index seek each), or by the element id
 * the same transaction's node merge returned (a direct lookup: 10,000 edge updates took 96-124 ms
 * of Neo4j's time instead of 158-172 ms; docs/benchmarks.md).
 */
export type Endpoints = 'key' | 'id';

function endpointMatch(variable: string, label: EndpointLabel, param: string, by: Endpoints = 'key'): string {
  return by === 'id' ? `MATCH (${variable}) WHERE elementId(${variable}) = ${param}` : `MATCH (${variable}:${n(label)} {${n(endpointKey(label))}: ${param}})`;
}

/**
 * The columns of an observed edge's row as sent to Neo4j: a list, not a map, with numbers as
 * plain JavaScript numbers that the query turns into integers. The driver packs a map's keys
 * with every row and wraps each integer in an object; for FLOW rows that cost 43 µs a row of
 * the driver's CPU, against 11 µs for the same values as a list of numbers (the packing was a
 * third of the CPU of a flow load).
 *
 * Each column reads its value from the planned row: the one place the order is declared, both
 * for the query (mergeObservedEdgesQuery) and for the rows (observedEdgeTuples).
 */
function observedEdgeColumns(type: RelationshipType): Column[] {
  const decl: RelationshipDeclaration = relationships[type];
  return [
    column('from', (row) => row.from),
    column('to', (row) => row.to),
    column('firstSeen', (row) => row.firstSeen),
    column('lastSeen', (row) => row.lastSeen),
    column('count', (row) => row.count),
    ...(decl.sums ?? []).map((p) => column(`sums.${p}`, (row) => row.sums?.[p] ?? 0)),
    ...Object.keys(decl.setUnions ?? {}).map((p) => column(`lists.${p}`, (row) => row.lists?.[p] ?? null)),
  ];
}

type Column = readonly [name: string, value: (row: ObservedEdgeRow) => unknown];
const column = (name: string, value: (row: ObservedEdgeRow) => unknown): Column => [name, value];

/** Turns planned rows of an observed relationship into the lists its merge query reads. */
export function observedEdgeTuples(type: RelationshipType): (row: ObservedEdgeRow) => unknown[] {
  const values = observedEdgeColumns(type).map(([, value]) => value);
  return (row) => values.map((value) => value(row));
}

/**
 * Merges aggregate edges: widens firstSeen/lastSeen, adds the batch's count, and unions capped
 * list properties. Both endpoints were merged earlier in the same transaction. Rows are lists
 * in the order of observedEdgeColumns.
 */
export function mergeObservedEdgesQuery(type: RelationshipType, from: EndpointLabel, to: EndpointLabel, by: Endpoints = 'key'): string {
  const decl: RelationshipDeclaration = relationships[type];
  if (decl.mode !== 'observed') throw new Error(`${type} is not an observed relationship`);
  const columns = observedEdgeColumns(type).map(([name]) => name);
  const col = (name: string) => `row[${columns.indexOf(name)}]`;
  const sets = [
    `r.firstSeen = ${earlier('r.firstSeen', col('firstSeen'), `toInteger(${col('firstSeen')})`)}`,
    `r.lastSeen = ${later('r.lastSeen', col('lastSeen'), `toInteger(${col('lastSeen')})`)}`,
    `r.count = coalesce(r.count, 0) + toInteger(${col('count')})`,
  ];
  for (const prop of decl.sums ?? []) sets.push(`r.${n(prop)} = coalesce(r.${n(prop)}, 0) + toInteger(${col(`sums.${prop}`)})`);
  for (const [prop, cap] of Object.entries(decl.setUnions ?? {})) {
    const current = `coalesce(r.${n(prop)}, [])`;
    sets.push(`r.${n(prop)} = (${current} + [v IN coalesce(${col(`lists.${prop}`)}, []) WHERE NOT v IN ${current}])[..${cap}]`);
  }
  return [
    'UNWIND $rows AS row',
    `// row: [${columns.join(', ')}]`,
    endpointMatch('a', from, col('from'), by),
    endpointMatch('b', to, col('to'), by),
    `MERGE (a)-[r:${n(type)}]->(b)`,
    `SET ${sets.join(',\n    ')}`,
  ].join('\n');
}

/** Merges what a re-issued record states: idempotent, widening firstSeen/lastSeen, no count. */
export function mergeStatedEdgesQuery(type: RelationshipType, from: EndpointLabel, to: EndpointLabel): string {
  const decl = relationships[type];
  if (decl.mode !== 'stated') throw new Error(`${type} is not a stated relationship`);
  return [
    'UNWIND $rows AS row',
    endpointMatch('a', from, 'row.from'),
    endpointMatch('b', to, 'row.to'),
    `MERGE (a)-[r:${n(type)}]->(b)`,
    'SET r += coalesce(row.props, {}),',
    `    r.firstSeen = ${earlier('r.firstSeen', 'row.firstSeen')},`,
    `    r.lastSeen = ${later('r.lastSeen', 'row.lastSeen')}`,
  ].join('\n');
}

/** Merges structural edges: they carry no evidence counts, so existing ones need no write. */
export function mergeStructuralEdgesQuery(type: RelationshipType, from: EndpointLabel, to: EndpointLabel, by: Endpoints = 'key'): string {
  const decl = relationships[type];
  if (decl.mode !== 'structural') throw new Error(`${type} is not a structural relationship`);
  return [
    'UNWIND $rows AS row',
    '// row: [from, to]',
    endpointMatch('a', from, 'row[0]', by),
    endpointMatch('b', to, 'row[1]', by),
    `MERGE (a)-[:${n(type)}]->(b)`,
  ].join('\n');
}

/** The query that writes edges of this type between these endpoint labels. */
export function edgeQuery(type: RelationshipType, from: EndpointLabel, to: EndpointLabel, by: Endpoints = 'key'): string {
  switch (relationships[type].mode) {
    case 'observed':
      return mergeObservedEdgesQuery(type, from, to, by);
    case 'structural':
      return mergeStructuralEdgesQuery(type, from, to, by);
    case 'stated':
      return mergeStatedEdgesQuery(type, from, to);
    case 'case':
      throw new Error(`${type} is written by graph/cases, not by an ingest`);
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
    if (decl.write === 'versioned') out[`current ${label}`] = currentVersionsQuery(label);
    if (decl.write === 'entity' || decl.write === 'versioned') out[`merge ${label}`] = nodeMergeQuery(label);
  }
  for (const [type, decl] of Object.entries(relationships) as [RelationshipType, (typeof relationships)[RelationshipType]][]) {
    if (decl.mode === 'case') continue;
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
