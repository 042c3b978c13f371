import type { Node as Neo4jNode, Relationship } from 'neo4j-driver';
import { isoTime } from '../isoTime';
import { displayName, keyProperty, kindOf } from './entities';

/** An entity as the API returns it: enough to draw it, name it and ask about it. */
export interface GraphNode {
  /** `kind:key`, stable across requests. */
  readonly id: string;
  readonly kind: string;
  readonly key: string;
  /** A short name for a person. */
  readonly label: string;
  /** The node's properties (times as ISO 8601); large text fields are left out. */
  readonly properties: Record<string, unknown>;
  readonly sample?: boolean;
  /** Set on nodes that stand for neighbours not shown: "+37 S3 buckets". */
  readonly aggregate?: AggregateInfo;
}

export interface AggregateInfo {
  /** The node whose neighbours these are. */
  readonly parent: string;
  readonly relationship: string;
  readonly direction: 'out' | 'in';
  readonly kind: string;
  /** How many neighbours the aggregate stands for. */
  readonly count: number;
}

export interface GraphEdge {
  readonly id: string;
  readonly kind: string;
  readonly source: string;
  readonly target: string;
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  readonly count?: number;
  readonly properties: Record<string, unknown>;
}

const TIME_PROPERTIES = new Set(['firstSeen', 'lastSeen', 'createdAt', 'updatedAt', 'eventFirstSeen', 'eventLastSeen', 'time', 'hour', 'creationDate', 'ingestedAt']);
/** JSON text fields: fetched on their own endpoints, never inlined in graph responses. */
const HEAVY_PROPERTIES = new Set(['raw', 'requestParameters', 'responseElements', 'description', 'timelineRow']);

/** Epoch ms -> ISO 8601 for time properties; everything else as stored. */
export function presentProperties(props: Record<string, unknown>, keepHeavy = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(props)) {
    if (!keepHeavy && HEAVY_PROPERTIES.has(name)) continue;
    out[name] = TIME_PROPERTIES.has(name) && typeof value === 'number' ? iso(value) : value;
  }
  return out;
}

export function iso(ms: number): string {
  return isoTime(ms);
}

export function toGraphNode(node: Neo4jNode): GraphNode | null {
  const kind = kindOf(node.labels);
  if (!kind) return null;
  const props = node.properties as Record<string, unknown>;
  const key = String(props[keyProperty(kind)] ?? '');
  return {
    id: `${kind}:${key}`,
    kind,
    key,
    label: displayName(kind, props),
    properties: presentProperties(props),
    ...(props.sample === true ? { sample: true } : {}),
  };
}

/** `idOf` maps Neo4j element ids to `kind:key` ids of nodes already converted. */
export function toGraphEdge(rel: Relationship, idOf: (elementId: string) => string | undefined): GraphEdge | null {
  const source = idOf(rel.startNodeElementId);
  const target = idOf(rel.endNodeElementId);
  if (!source || !target) return null;
  const props = rel.properties as Record<string, unknown>;
  const { firstSeen, lastSeen, count, ...rest } = props;
  return {
    id: `${rel.type}:${rel.elementId}`,
    kind: rel.type,
    source,
    target,
    ...(typeof firstSeen === 'number' ? { firstSeen: iso(firstSeen) } : {}),
    ...(typeof lastSeen === 'number' ? { lastSeen: iso(lastSeen) } : {}),
    ...(typeof count === 'number' ? { count } : {}),
    properties: presentProperties(rest),
  };
}
