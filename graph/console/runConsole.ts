import neo4j from 'neo4j-driver';
import type { Graph } from '../driver';
import { TrailhoundError } from '../errors';
import { nodes, type NodeLabel } from '../schema/nodes';
import { checkReadOnly } from './readOnlyCypher';

/**
 * The read-only Cypher console (`POST /api/cypher`): a query checked by readOnlyCypher.ts, run in
 * a read transaction with a timeout, its rows taken up to a cap that the answer states. Nodes and
 * relationships in the rows are also gathered as a graph, so that the UI can draw them; a node
 * of a Trailhound kind names its entity id, so that it links to its profile.
 */

export const DEFAULT_ROW_CAP = 500;
export const MAX_ROW_CAP = 5_000;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const MAX_TIMEOUT_MS = 60_000;
/** Longer text in a value is cut (a console row is for reading, not for export). */
const MAX_TEXT = 4_096;
/** Longer lists (and maps with more keys) are cut, the rest counted: one value cannot fill the answer. */
const MAX_ITEMS = 1_000;
/**
 * What one answer may hold in all: values (every list item and map entry counts) and characters
 * of text. Past either, no more rows are taken (the answer says it was cut), so nested lists
 * cannot multiply the per-value caps into gigabytes.
 */
const MAX_VALUES = 250_000;
const MAX_CHARS = 16 * 1024 * 1024;
/** Deeper nesting is shown as "…". */
const MAX_DEPTH = 16;
/** Nodes and relationships gathered for drawing, at most. */
const MAX_DRAWN = 1_000;

export interface ConsoleNode {
  readonly id: string;
  readonly labels: string[];
  readonly properties: Record<string, unknown>;
  /** "kind:key" when the node is a Trailhound entity. */
  readonly entity: string | null;
}

export interface ConsoleRelationship {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly target: string;
  readonly properties: Record<string, unknown>;
}

export interface ConsoleResult {
  readonly columns: string[];
  /** Each value as JSON: a node as { node: id }, a relationship as { relationship: id }, a path as { path: [ids] }. */
  readonly rows: unknown[][];
  readonly rowCap: number;
  /** More rows were there than the cap: only the first `rowCap` are here. */
  readonly truncated: boolean;
  readonly elapsedMs: number;
  readonly graph: { readonly nodes: ConsoleNode[]; readonly relationships: ConsoleRelationship[]; readonly truncated: boolean };
}

export async function runConsoleQuery(
  graph: Graph,
  query: string,
  params: Record<string, unknown>,
  options: { rowCap?: number; timeoutMs?: number } = {},
): Promise<ConsoleResult> {
  const verdict = checkReadOnly(query);
  if (!verdict.ok) throw new TrailhoundError('QUERY_REFUSED', `The console refused the query: ${verdict.reason}.`, 'The console reads the graph only: MATCH, OPTIONAL MATCH, WITH, UNWIND, WHERE, RETURN, CALL { } subqueries and the schema procedures.');
  const rowCap = options.rowCap ?? DEFAULT_ROW_CAP;
  const started = Date.now();
  const drawn = new Drawing();
  let columns: string[] = [];
  let truncated = false;
  const rows: unknown[][] = [];
  try {
    await graph.readOnce(
      async (tx) => {
        const result = tx.run(query, params);
        columns = [...(await result.keys())];
        for await (const record of result) {
          if (rows.length === rowCap || drawn.full()) {
            truncated = true;
            break;
          }
          rows.push(columns.map((column) => drawn.value(record.get(column))));
        }
      },
      { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS },
    );
  } catch (error) {
    const code = (error as { code?: string } | null)?.code ?? '';
    // The query's own fault (syntax, a missing parameter, a type error, a write in a read): the
    // client's error, with Neo4j's message, not the server's.
    if (code.startsWith('Neo.ClientError.') && !code.includes('TransactionTimedOut')) {
      throw new TrailhoundError('BAD_QUERY', `Neo4j refused the query: ${(error as Error).message.slice(0, 2_000)}`, 'Fix the query and run it again.');
    }
    throw error;
  }
  return { columns, rows, rowCap, truncated, elapsedMs: Date.now() - started, graph: drawn.result() };
}

/** Values made JSON, with the nodes and relationships they hold gathered for drawing. */
class Drawing {
  private readonly nodes = new Map<string, ConsoleNode>();
  private readonly relationships = new Map<string, ConsoleRelationship>();
  private drawnFull = false;
  private values = 0;
  private chars = 0;

  /** The answer holds as much as it may: take no more rows. */
  full(): boolean {
    return this.values >= MAX_VALUES || this.chars >= MAX_CHARS;
  }

  value(v: unknown, depth = 0): unknown {
    this.values += 1;
    if (depth > MAX_DEPTH) return '…';
    if (v === null || v === undefined) return null;
    if (typeof v === 'string') {
      const text = v.length > MAX_TEXT ? `${v.slice(0, MAX_TEXT)}… (${v.length.toLocaleString('en-US')} characters)` : v;
      this.chars += text.length;
      return text;
    }
    if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
    if (typeof v === 'boolean') return v;
    if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    if (neo4j.isInt(v)) return (v as { toNumber(): number }).toNumber();
    if (v instanceof neo4j.types.Node) return { node: this.node(v).id };
    if (v instanceof neo4j.types.Relationship) return { relationship: this.relationship(v).id };
    if (v instanceof neo4j.types.Path) {
      const ids = [this.node(v.start).id];
      for (const segment of v.segments.slice(0, MAX_ITEMS)) ids.push(this.relationship(segment.relationship).id, this.node(segment.end).id);
      return { path: ids };
    }
    if (Array.isArray(v)) {
      const items = v.slice(0, MAX_ITEMS).map((x) => this.value(x, depth + 1));
      return v.length > MAX_ITEMS ? [...items, `… ${(v.length - MAX_ITEMS).toLocaleString('en-US')} more items`] : items;
    }
    if (v instanceof Uint8Array) return `(${v.length} bytes)`;
    // Temporal and spatial values print as Cypher writes them.
    if (neo4j.isDate(v) || neo4j.isDateTime(v) || neo4j.isLocalDateTime(v) || neo4j.isTime(v) || neo4j.isLocalTime(v) || neo4j.isDuration(v) || neo4j.isPoint(v)) return String(v);
    if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      const kept = Object.fromEntries(entries.slice(0, MAX_ITEMS).map(([k, x]) => [k, this.value(x, depth + 1)]));
      return entries.length > MAX_ITEMS ? { ...kept, '…': `${(entries.length - MAX_ITEMS).toLocaleString('en-US')} more keys` } : kept;
    }
    return String(v);
  }

  result(): ConsoleResult['graph'] {
    return { nodes: [...this.nodes.values()], relationships: [...this.relationships.values()], truncated: this.drawnFull };
  }

  private node(n: InstanceType<typeof neo4j.types.Node>): { id: string } {
    const id = n.elementId;
    if (!this.nodes.has(id) && !this.isFull()) {
      const properties = this.properties(n.properties as Record<string, unknown>);
      this.nodes.set(id, { id, labels: [...n.labels], properties, entity: entityOf(n.labels, properties) });
    }
    return { id };
  }

  private relationship(r: InstanceType<typeof neo4j.types.Relationship>): { id: string } {
    const id = r.elementId;
    if (!this.relationships.has(id) && !this.isFull()) {
      this.relationships.set(id, { id, type: r.type, source: r.startNodeElementId, target: r.endNodeElementId, properties: this.properties(r.properties as Record<string, unknown>) });
    }
    return { id };
  }

  private properties(properties: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(properties).map(([k, x]) => [k, this.value(x)]));
  }

  private isFull(): boolean {
    this.drawnFull ||= this.nodes.size + this.relationships.size >= MAX_DRAWN;
    return this.drawnFull;
  }
}

/** "kind:key" of a node with a Trailhound label and its key property. */
function entityOf(labels: readonly string[], properties: Record<string, unknown>): string | null {
  for (const label of labels) {
    // Labels are the graph's (a console query can create none), but a label such as "constructor" must not reach Object's prototype.
    const spec = Object.hasOwn(nodes, label) ? (nodes as Record<string, { key: string }>)[label] : undefined;
    const key = spec && properties[spec.key];
    if (typeof key === 'string' && key !== '') return `${label as NodeLabel}:${key}`;
  }
  return null;
}
