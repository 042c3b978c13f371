import type { Node as Neo4jNode, Relationship } from 'neo4j-driver';
import type { Graph } from '../driver';
import { cypherInt } from '../driver';
import { Rel } from '../vocabulary';
import { FINDING_BY_ID, findingsQuery, type FindingSort } from './readQueries';
import { iso, presentProperties, toGraphEdge, toGraphNode, type GraphEdge, type GraphNode } from './shapes';

export interface FindingFilters {
  readonly severityMin: number | null;
  readonly severityMax: number | null;
  readonly typePrefix: string | null;
  readonly account: string | null;
  readonly region: string | null;
  readonly from: number | null;
  readonly to: number | null;
  readonly text: string | null;
  readonly includeSamples: boolean;
  readonly includeArchived: boolean;
  readonly sort: FindingSort;
  readonly order: 'asc' | 'desc';
  readonly limit: number;
  readonly offset: number;
}

export interface FindingSummary {
  readonly id: string;
  readonly findingId: string;
  readonly properties: Record<string, unknown>;
  /** Up to three entities the finding is about, for the findings table. */
  readonly affected: GraphNode[];
  /** A responder's archive decision, from a case; null when none was taken. */
  readonly triage: Triage | null;
}

/** An archive decision taken in a case (it overrides GuardDuty's own archived flag in lists). */
export interface Triage {
  readonly archived: boolean;
  readonly reason: string;
  readonly at: string;
  readonly by: string;
  readonly caseId: string;
}

function toTriage(value: unknown): Triage | null {
  if (!value || typeof value !== 'object') return null;
  const t = value as Record<string, unknown>;
  return { archived: t.archived === true, reason: String(t.reason ?? ''), at: iso(Number(t.at ?? 0)), by: String(t.by ?? ''), caseId: String(t.caseId ?? '') };
}

export async function listFindings(graph: Graph, filters: FindingFilters): Promise<{ findings: FindingSummary[]; total: number }> {
  const result = await graph.read(findingsQuery(filters.sort, filters.order === 'desc'), {
    severityMin: filters.severityMin,
    severityMax: filters.severityMax,
    typePrefix: filters.typePrefix,
    account: filters.account,
    region: filters.region,
    from: filters.from === null ? null : cypherInt(filters.from),
    to: filters.to === null ? null : cypherInt(filters.to),
    text: filters.text?.toLowerCase() ?? null,
    includeSamples: filters.includeSamples,
    includeArchived: filters.includeArchived,
    offset: cypherInt(filters.offset),
    limit: cypherInt(filters.limit),
  });
  const total = (result.records[0]?.get('total') as number | undefined) ?? 0;
  const findings = result.records.map((r) => {
    const f = r.get('f') as Neo4jNode;
    const { raw: _raw, ...props } = f.properties as Record<string, unknown>;
    return {
      id: `Finding:${String(props.findingId)}`,
      findingId: String(props.findingId),
      properties: presentProperties(props, true),
      affected: (r.get('affected') as Neo4jNode[]).map(toGraphNode).filter((x): x is GraphNode => x !== null),
      triage: toTriage(r.get('triage')),
    };
  });
  // A page past the end still reports the total.
  return { findings, total: total || (filters.offset > 0 ? await countOnly(graph, filters) : 0) };
}

async function countOnly(graph: Graph, filters: FindingFilters): Promise<number> {
  const { total } = await listFindings(graph, { ...filters, offset: 0, limit: 1 });
  return total;
}

export interface FindingDetail {
  readonly finding: GraphNode & { readonly raw: unknown };
  /** What it is about (AFFECTS) and what its action names (INVOLVES). */
  readonly entities: GraphNode[];
  readonly edges: GraphEdge[];
  readonly triage: Triage | null;
}

export async function getFinding(graph: Graph, findingId: string): Promise<FindingDetail | null> {
  const result = await graph.read(FINDING_BY_ID, { id: findingId, types: [Rel.AFFECTS, Rel.INVOLVES] });
  const record = result.records[0];
  if (!record) return null;
  const node = record.get('f') as Neo4jNode;
  const shaped = toGraphNode(node)!;
  const props = node.properties as Record<string, unknown>;
  const ids = new Map<string, string>([[node.elementId, shaped.id]]);
  const entities: GraphNode[] = [];
  const rels: Relationship[] = [];
  for (const pair of record.get('related') as [Relationship | null, Neo4jNode | null][]) {
    const [rel, x] = pair;
    if (!rel || !x) continue;
    const entity = toGraphNode(x);
    if (!entity) continue;
    if (!ids.has(x.elementId)) entities.push(entity);
    ids.set(x.elementId, entity.id);
    rels.push(rel);
  }
  const edges = rels.map((r) => toGraphEdge(r, (id) => ids.get(id))).filter((e): e is GraphEdge => e !== null);
  return {
    finding: { ...shaped, properties: presentProperties(props, true), raw: typeof props.raw === 'string' ? JSON.parse(props.raw) : null },
    entities,
    edges,
    triage: toTriage(record.get('triage')),
  };
}
