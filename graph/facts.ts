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
  /** When this node was seen, if not at the record's time (an aggregate of many records). */
  readonly firstSeen?: number;
  readonly lastSeen?: number;
}

/** Optional parts of an edge fact; see RelationshipDeclaration for what each mode uses. */
export interface EdgeDetails {
  /** Values added to the relationship's sums. */
  readonly sums?: Readonly<Record<string, number>>;
  /** How many records this fact stands for (an aggregate of many flow records); 1 by default. */
  readonly count?: number;
  readonly lists?: Readonly<Record<string, readonly string[]>>;
  /** Properties set as given (stated edges). */
  readonly props?: Readonly<Record<string, unknown>>;
  readonly firstSeen?: number;
  readonly lastSeen?: number;
}

export interface EdgeFact extends EdgeDetails {
  /** type + endpoints: the edge's identity within a batch. */
  readonly id?: string;
  readonly type: RelationshipType;
  readonly from: NodeRef;
  readonly to: NodeRef;
}

export interface RecordFacts {
  /**
   * The immutable record itself (a CloudTrail Event, a ledger entry for a flow-log file), if
   * the source has one. When present, the writer counts the nodes and edges below only if this
   * record is new to the graph.
   */
  readonly record: NodeFact | null;
  /** When the evidence was observed (epoch ms); the default firstSeen/lastSeen. */
  readonly time: number;
  readonly nodes: readonly NodeFact[];
  readonly edges: readonly EdgeFact[];
  /** How many input records these facts stand for (a whole flow-log file); 1 by default. */
  readonly records?: number;
  /**
   * A ledger entry that vouches for records written before it (a whole file's): it is written
   * only once every earlier batch has committed, or a crash could leave it claiming records
   * that never arrived.
   */
  readonly afterEarlierBatches?: boolean;
}

const declaredProps = new Map<NodeLabel, Set<string>>(
  (Object.keys(nodes) as NodeLabel[]).map((label) => [label, new Set(Object.keys(nodes[label].properties))]),
);

/** The identity of an edge: its type and endpoints. */
export function edgeId(type: RelationshipType, from: NodeRef, to: NodeRef): string {
  return `${type}\u0000${from.label}\u0000${from.key}\u0000${to.label}\u0000${to.key}`;
}

/**
 * Where a normaliser puts what a record evidences: a FactsBuilder (one record's facts, for
 * sources that build a record whole, and for tests) or an EvidenceAggregate (many records summed
 * as they arrive, for ingest).
 */
export interface EvidenceSink {
  node(label: NodeLabel, key: string, props?: Record<string, unknown>, seen?: { firstSeen: number; lastSeen: number }): NodeRef;
  link(type: RelationshipType, from: NodeRef, to: NodeRef, details?: EdgeDetails): void;
}

/**
 * Collects the facts of one record. Nodes and edges mentioned twice are kept once (a call
 * naming the same bucket twice is one piece of evidence), and every property must be declared
 * in the schema: a typo fails loudly instead of silently creating a stray property.
 */
export class FactsBuilder implements EvidenceSink {
  private readonly nodeFacts = new Map<string, NodeFact>();
  private readonly edgeFacts = new Map<string, EdgeFact>();
  private recordFact: NodeFact | null = null;

  constructor(readonly time: number) {}

  node(label: NodeLabel, key: string, props: Record<string, unknown> = {}, seen?: { firstSeen: number; lastSeen: number }): NodeRef {
    checkDeclared(label, props);
    const id = `${label}\u0000${key}`;
    const existing = this.nodeFacts.get(id);
    // The props object is kept as given (callers pass fresh literals); empty values are
    // skipped when facts are merged and written, never stored.
    const merged = existing ? mergeProps(existing.props, props) : props;
    this.nodeFacts.set(id, seen ? { id, label, key, props: merged, ...seen } : { id, label, key, props: merged });
    return { label, key };
  }

  record(label: NodeLabel, key: string, props: Record<string, unknown>, seen?: { firstSeen: number; lastSeen: number }): NodeRef {
    checkDeclared(label, props);
    this.recordFact = seen ? { label, key, props, ...seen } : { label, key, props };
    return { label, key };
  }

  link(type: RelationshipType, from: NodeRef, to: NodeRef, details?: EdgeDetails): void {
    const decl = relationships[type];
    if (!(decl.from as readonly string[]).includes(from.label) || !(decl.to as readonly string[]).includes(to.label)) {
      throw new Error(`schema has no (${from.label})-[:${type}]->(${to.label})`);
    }
    const id = edgeId(type, from, to);
    const existing = this.edgeFacts.get(id);
    if (!existing) {
      this.edgeFacts.set(id, { ...details, id, type, from, to });
      return;
    }
    // The same edge twice in one record is one piece of evidence: only lists and props grow.
    if (!details?.lists && !details?.props) return;
    const lists: Record<string, readonly string[]> = { ...existing.lists };
    for (const [name, values] of Object.entries(details.lists ?? {})) lists[name] = [...new Set([...(lists[name] ?? []), ...values])];
    this.edgeFacts.set(id, { ...existing, ...(details.lists ? { lists } : {}), ...(details.props ? { props: { ...existing.props, ...details.props } } : {}) });
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
