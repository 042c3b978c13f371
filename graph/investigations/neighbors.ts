import type { Node as Neo4jNode, Relationship } from 'neo4j-driver';
import type { Graph } from '../driver';
import { relationships, type RelationshipType } from '../schema/relationships';
import { Group, Label, Rel } from '../vocabulary';
import { cypherInt } from '../driver';
import { escapeName as escape } from '../cypher/escape';

/**
 * Relationships an investigation walks: observed and stated ones between entities. Not
 * IN_ACCOUNT (the account node would connect everything to everything), nor what a case
 * recorded (a pin is not something AWS saw).
 */
export const WALKED_RELATIONSHIPS: readonly RelationshipType[] = (Object.keys(relationships) as RelationshipType[]).filter(
  (type) => type !== Rel.IN_ACCOUNT && relationships[type].mode !== 'case',
);

export interface NeighbourGroup {
  /** elementId of the node expanded. */
  readonly from: string;
  readonly relationship: RelationshipType;
  readonly direction: 'out' | 'in';
  readonly kind: string;
  /** Every distinct neighbour of this kind over this relationship in the time scope. */
  readonly total: number;
  /** The highest-ranked of them (most evidence, then most recent), at most `perGroup`. */
  readonly kept: readonly KeptNeighbour[];
}

/**
 * A neighbour and the relationship to it. Parallel relationships to the same neighbour (flows
 * per hour, port and protocol) are summed into one: `relationship` is the best-evidenced of
 * them, `merged` their total count and time span.
 */
export interface KeptNeighbour {
  readonly relationship: Relationship;
  readonly node: Neo4jNode;
  readonly merged: { readonly count: number; readonly firstSeen: number | null; readonly lastSeen: number | null; readonly parallel: number };
}

export interface ExpandOptions {
  readonly from: number;
  readonly to: number;
  readonly perGroup: number;
  readonly kinds?: readonly string[];
  readonly timeoutMs?: number;
}

/**
 * One hop out of the given nodes, grouped by relationship, direction and neighbour kind, each
 * group ranked and capped: the caller shows what was kept and one aggregate node for the rest,
 * so that a busy IP never floods a view and nothing is dropped silently. Edges without times
 * (structural ones) are always in scope.
 */
export async function expandNeighbours(graph: Graph, elementIds: readonly string[], options: ExpandOptions): Promise<NeighbourGroup[]> {
  if (elementIds.length === 0) return [];
  const result = await graph.read(EXPAND_QUERY, {
    ids: elementIds,
    group: Group.Principal,
    excluded: [Label.Account],
    kinds: options.kinds ?? null,
    from: cypherInt(options.from),
    to: cypherInt(options.to),
    perGroup: cypherInt(options.perGroup),
  }, { timeoutMs: options.timeoutMs ?? 15_000 });
  return result.records.map((r) => ({
    from: r.get('id') as string,
    relationship: r.get('rel') as RelationshipType,
    direction: r.get('direction') as 'out' | 'in',
    kind: r.get('kind') as string,
    total: r.get('total') as number,
    kept: (r.get('kept') as [Relationship, Neo4jNode, number, number | null, number | null, number][]).map(([relationship, node, count, firstSeen, lastSeen, parallel]) => ({
      relationship,
      node,
      merged: { count, firstSeen, lastSeen, parallel },
    })),
  }));
}

/**
 * `n`'s neighbours `m` over walked relationships `r` active in the scope, with the neighbour's
 * kind, relationship type and direction. The types are spelled in the pattern, not filtered
 * after it: Neo4j then reads only those relationship groups of a dense node, not the tens of
 * thousands of IN_ACCOUNT relationships of an account.
 */
const NEIGHBOURS_IN_SCOPE = `MATCH (n)-[r:${WALKED_RELATIONSHIPS.map(escape).join('|')}]-(m)
  WHERE (r.lastSeen IS NULL OR (r.lastSeen >= $from AND r.firstSeen <= $to))
  WITH n, r, m, [l IN labels(m) WHERE l <> $group][0] AS kind
  WHERE NOT kind IN $excluded AND ($kinds IS NULL OR kind IN $kinds)
  WITH r, m, kind, type(r) AS rel, CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction`;

const EXPAND_QUERY = `
UNWIND $ids AS id
MATCH (n) WHERE elementId(n) = id
CALL (n) {
  ${NEIGHBOURS_IN_SCOPE}
  ORDER BY coalesce(r.count, 0) DESC, coalesce(r.lastSeen, 0) DESC
  // One entry per neighbour: parallel relationships (flows per hour and port) summed.
  WITH rel, direction, kind, m, collect(r) AS rs, sum(coalesce(r.count, 0)) AS count, min(r.firstSeen) AS firstSeen, max(r.lastSeen) AS lastSeen
  ORDER BY count DESC, coalesce(lastSeen, 0) DESC
  WITH rel, direction, kind, collect([rs[0], m, count, firstSeen, lastSeen, size(rs)]) AS pairs
  RETURN rel, direction, kind, size(pairs) AS total, pairs[..$perGroup] AS kept
}
RETURN id, rel, direction, kind, total, kept`;

/**
 * How many distinct neighbours a node has per relationship, direction and kind in the time
 * scope: the profile's "what else is there" list, without fetching the neighbours themselves.
 */
export async function countNeighbours(graph: Graph, elementId: string, options: { from: number; to: number }): Promise<{ relationship: RelationshipType; direction: 'out' | 'in'; kind: string; count: number }[]> {
  const result = await graph.read(COUNT_QUERY, { id: elementId, group: Group.Principal, excluded: [Label.Account], kinds: null, from: cypherInt(options.from), to: cypherInt(options.to) }, { timeoutMs: 15_000 });
  return result.records.map((r) => ({ relationship: r.get('rel') as RelationshipType, direction: r.get('direction') as 'out' | 'in', kind: r.get('kind') as string, count: r.get('total') as number }));
}

const COUNT_QUERY = `
MATCH (n) WHERE elementId(n) = $id
${NEIGHBOURS_IN_SCOPE}
RETURN rel, direction, kind, count(DISTINCT m) AS total
ORDER BY rel, direction, kind`;
