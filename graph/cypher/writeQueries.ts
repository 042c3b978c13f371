import { nodes, type NodeLabel } from '../schema/nodes';
import { relationships, type RelationshipType } from '../schema/relationships';
import { escapeName as n } from './escape';

/**
 * The write queries, generated from the schema declarations. Each takes `$rows`, a list of
 * pre-aggregated rows (one per distinct node or edge in the batch), and is run once per batch.
 * The generated text is snapshot-tested (test/unit/writeQueries.test.ts).
 */

/** Row shapes the generated queries expect. Times are epoch ms, counts integers. */
export interface EventRow {
  key: string;
  props: Record<string, unknown>;
}
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
 * Creates immutable records and returns the keys of those this transaction created. Records
 * that already existed are left alone and not returned, so the caller counts their evidence
 * exactly once whatever the number of reruns. The marker never outlives the statement.
 */
export function createRecordsQuery(label: NodeLabel): string {
  const decl = nodes[label];
  if (decl.write !== 'event') throw new Error(`${label} is not an event label`);
  return [
    'UNWIND $rows AS row',
    `MERGE (e:${n(label)} {${n(decl.key)}: row.key})`,
    'ON CREATE SET e += row.props, e.__created = true',
    'WITH e, row WHERE e.__created = true',
    'REMOVE e.__created',
    'RETURN row.key AS key',
  ].join('\n');
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

function endpointMatch(variable: string, label: NodeLabel, param: string): string {
  return `MATCH (${variable}:${n(label)} {${n(nodes[label].key)}: ${param}})`;
}

/**
 * Merges aggregate edges: widens firstSeen/lastSeen, adds the batch's count, and unions capped
 * list properties. Both endpoints were merged earlier in the same transaction.
 */
export function mergeObservedEdgesQuery(type: RelationshipType, from: NodeLabel, to: NodeLabel): string {
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
export function createPerEventEdgesQuery(type: RelationshipType, from: NodeLabel, to: NodeLabel): string {
  const decl = relationships[type];
  if (decl.mode !== 'perEvent') throw new Error(`${type} is not a per-event relationship`);
  return [
    'UNWIND $rows AS row',
    endpointMatch('a', from, 'row.from'),
    endpointMatch('b', to, 'row.to'),
    `CREATE (a)-[:${n(type)}]->(b)`,
  ].join('\n');
}

/** Every write query the schema can produce, keyed by a readable name (for the snapshot test). */
export function allWriteQueries(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [label, decl] of Object.entries(nodes) as [NodeLabel, (typeof nodes)[NodeLabel]][]) {
    if (decl.write === 'event') out[`create ${label}`] = createRecordsQuery(label);
    if (decl.write === 'entity') out[`merge ${label}`] = mergeEntitiesQuery(label);
  }
  for (const [type, decl] of Object.entries(relationships) as [RelationshipType, (typeof relationships)[RelationshipType]][]) {
    for (const from of decl.from) {
      for (const to of decl.to) {
        const name = `${type} ${from}->${to}`;
        out[name] =
          decl.mode === 'observed' ? mergeObservedEdgesQuery(type, from, to) : createPerEventEdgesQuery(type, from, to);
      }
    }
  }
  return out;
}
