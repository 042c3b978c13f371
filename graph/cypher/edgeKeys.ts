import { relationships, type RelationshipType } from '../schema/relationships';
import type { RelationshipDeclaration } from '../schema/types';
import { escapeName as n } from './escape';

/**
 * Parallel edges (FLOW: one per hour, port, protocol and action between two addresses) carry
 * one `edgeKey` property that names the edge: its endpoints' keys and its key properties.
 * A relationship uniqueness constraint indexes it, so a MERGE seeks the one edge instead of
 * expanding every edge between two busy addresses (thousands of them between two hosts that
 * talk all day: a MERGE read 3,881 relationships to find one).
 */
export const EDGE_KEY = 'edgeKey';

/** Relationship types whose edges are told apart by key properties (and carry an edgeKey). */
export function keyedRelationships(): RelationshipType[] {
  return (Object.keys(relationships) as RelationshipType[]).filter((type) => keyPropertiesOf(type).length > 0);
}

function keyPropertiesOf(type: RelationshipType): readonly string[] {
  const decl: RelationshipDeclaration = relationships[type];
  return decl.keyProperties ?? [];
}

/**
 * The edgeKey of an edge: "from>to|value|value…", the key properties in declared order. Endpoint
 * keys of keyed edges (addresses) never hold "|" or ">". Must equal edgeKeyExpression's result.
 */
export function edgeKeyOf(type: RelationshipType, from: string, to: string, keys: Readonly<Record<string, unknown>>): string {
  let key = `${from}>${to}`;
  for (const name of keyPropertiesOf(type)) key += `|${keys[name] ?? ''}`;
  return key;
}

/**
 * The same key computed in Cypher from an existing edge, for graphs loaded before edges had
 * one (graph/migrate.ts). Integers print the same in Cypher's toString as in JavaScript.
 */
export function edgeKeyExpression(type: RelationshipType, from: string, to: string, edge: string): string {
  return [`${from} + '>' + ${to}`, ...keyPropertiesOf(type).map((p) => `'|' + coalesce(toString(${edge}.${n(p)}), '')`)].join(' + ');
}
