import { nodes, type NodeLabel } from './schema/nodes';
import { relationships, type RelationshipType } from './schema/relationships';

/**
 * What a normalizer says about one input record, in graph terms. Normalizers are pure
 * functions from a raw record to RecordFacts; the writer turns batches of facts into
 * aggregated rows and generated queries.
 */
export interface NodeRef {
  readonly label: NodeLabel;
  readonly key: string;
}

export interface NodeFact extends NodeRef {
  readonly props: Record<string, unknown>;
  /** label + key: the node's identity within a batch. */
  readonly id?: string;
}

export interface EdgeFact {
  /** type + endpoints: the edge's identity within a batch. */
  readonly id?: string;
  readonly type: RelationshipType;
  readonly from: NodeRef;
  readonly to: NodeRef;
  readonly lists?: Readonly<Record<string, readonly string[]>>;
}

export interface RecordFacts {
  /**
   * The immutable record itself (a CloudTrail Event), if the source has one. When present, the
   * writer counts the nodes and edges below only if this record is new to the graph.
   */
  readonly record: NodeFact | null;
  /** When the evidence was observed (epoch ms); becomes firstSeen/lastSeen. */
  readonly time: number;
  readonly nodes: readonly NodeFact[];
  readonly edges: readonly EdgeFact[];
}

const declaredProps = new Map<NodeLabel, Set<string>>(
  (Object.keys(nodes) as NodeLabel[]).map((label) => [label, new Set(Object.keys(nodes[label].properties))]),
);

/**
 * Collects the facts of one record. Nodes and edges mentioned twice are kept once (a call
 * naming the same bucket twice is one piece of evidence), and every property must be declared
 * in the schema: a typo fails loudly instead of silently creating a stray property.
 */
export class FactsBuilder {
  private readonly nodeFacts = new Map<string, NodeFact>();
  private readonly edgeFacts = new Map<string, EdgeFact>();
  private recordFact: NodeFact | null = null;

  constructor(readonly time: number) {}

  node(label: NodeLabel, key: string, props: Record<string, unknown> = {}): NodeRef {
    checkDeclared(label, props);
    const id = `${label}\u0000${key}`;
    const existing = this.nodeFacts.get(id);
    // The props object is kept as given (callers pass fresh literals); empty values are
    // skipped when facts are merged and written, never stored.
    this.nodeFacts.set(id, existing ? { id, label, key, props: mergeProps(existing.props, props) } : { id, label, key, props });
    return { label, key };
  }

  record(label: NodeLabel, key: string, props: Record<string, unknown>): NodeRef {
    checkDeclared(label, props);
    this.recordFact = { label, key, props };
    return { label, key };
  }

  link(type: RelationshipType, from: NodeRef, to: NodeRef, lists?: Record<string, readonly string[]>): void {
    const decl = relationships[type];
    if (!(decl.from as readonly string[]).includes(from.label) || !(decl.to as readonly string[]).includes(to.label)) {
      throw new Error(`schema has no (${from.label})-[:${type}]->(${to.label})`);
    }
    const id = `${type}\u0000${from.label}\u0000${from.key}\u0000${to.label}\u0000${to.key}`;
    const existing = this.edgeFacts.get(id);
    if (existing && lists) {
      const union: Record<string, readonly string[]> = { ...existing.lists };
      for (const [name, values] of Object.entries(lists)) union[name] = [...new Set([...(union[name] ?? []), ...values])];
      this.edgeFacts.set(id, { ...existing, lists: union });
    } else if (!existing) {
      this.edgeFacts.set(id, lists ? { id, type, from, to, lists } : { id, type, from, to });
    }
  }

  build(): RecordFacts {
    return { record: this.recordFact, time: this.time, nodes: [...this.nodeFacts.values()], edges: [...this.edgeFacts.values()] };
  }
}

function checkDeclared(label: NodeLabel, props: Record<string, unknown>): void {
  const declared = declaredProps.get(label);
  for (const name in props) {
    if (!declared?.has(name)) throw new Error(`property ${name} is not declared for ${label} in graph/schema/nodes.ts`);
  }
}

/**
 * Copies the non-empty values of `update` over `base`. Null and undefined never reach the
 * graph: `SET n += {p: null}` would erase a value another event established.
 */
export function mergeProps(base: Record<string, unknown>, update: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const name in update) {
    const value = update[name];
    if (value !== null && value !== undefined) out[name] = value;
  }
  return out;
}

/** The non-empty values only. */
export function withoutEmpty(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name in props) {
    const value = props[name];
    if (value !== null && value !== undefined) out[name] = value;
  }
  return out;
}
