import { groups, nodes, type GroupLabel, type NodeLabel } from './schema/nodes';
import { principalLabels, relationships, resourceLabels, type RelationshipType } from './schema/relationships';

/**
 * The shared vocabulary: every label and relationship type, derived from the declarations.
 * ingest/, server/ and web/ import these constants instead of spelling names as strings,
 * so a rename is one edit and a typo is a compile error.
 */
function selfMap<K extends string>(keys: readonly K[]): { readonly [P in K]: P } {
  return Object.freeze(Object.fromEntries(keys.map((k) => [k, k]))) as { readonly [P in K]: P };
}

export const Label = selfMap(Object.keys(nodes) as NodeLabel[]);
export const Group = selfMap(Object.keys(groups) as GroupLabel[]);
export const Rel = selfMap(Object.keys(relationships) as RelationshipType[]);

export type { NodeLabel, GroupLabel, RelationshipType };
export type PrincipalLabel = (typeof principalLabels)[number];
export type ResourceLabel = (typeof resourceLabels)[number];

export const PRINCIPAL_LABELS: readonly PrincipalLabel[] = principalLabels;
export const RESOURCE_LABELS: readonly ResourceLabel[] = resourceLabels;

/** The key property of a label, e.g. keyOf('IpAddress') === 'ip'. */
export function keyOf(label: NodeLabel): string {
  return nodes[label].key;
}

export function isNodeLabel(value: string): value is NodeLabel {
  return Object.prototype.hasOwnProperty.call(nodes, value);
}

export function isPrincipalLabel(value: string): value is PrincipalLabel {
  return (principalLabels as readonly string[]).includes(value);
}
