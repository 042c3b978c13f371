import type { Graph } from '../driver';
import { expandNeighbours, type ExpandOptions } from './neighbors';
import { toGraphEdge, toGraphNode, type GraphEdge, type GraphNode } from './shapes';
import { Label, Rel } from '../vocabulary';
import { escapeName as escape } from '../cypher/escape';
import type { Node as Neo4jNode, Relationship } from 'neo4j-driver';
import { cypherInt } from '../driver';

/** A capped piece of graph, and an honest account of what the caps left out. */
export interface GraphView {
  readonly nodes: (GraphNode & { hop?: number; findings?: { count: number; maxSeverity: number | null } })[];
  readonly edges: GraphEdge[];
  readonly truncated: {
    /** Neighbours left out by the per-group cap, shown as aggregate nodes. */
    readonly aggregatedNeighbours: number;
    /** True when the node limit stopped the walk before it was done. */
    readonly nodeLimitReached: boolean;
  };
}

export interface WalkOptions extends ExpandOptions {
  readonly hops: number;
  readonly limit: number;
}

/**
 * Walks out from `start` hop by hop, in the time scope, keeping the best-evidenced neighbours
 * of each kind and standing one aggregate node ("+37 S3Bucket") in for the rest, until `hops`
 * or the node limit. Nodes carry the hop they were reached at and their finding markers.
 */
export async function walkGraph(graph: Graph, start: readonly Neo4jNode[], options: WalkOptions): Promise<GraphView> {
  const byElement = new Map<string, GraphNode & { hop: number }>();
  const edges = new Map<string, GraphEdge>();
  const aggregates: GraphNode[] = [];
  let aggregatedNeighbours = 0;
  let nodeLimitReached = false;

  const add = (node: Neo4jNode, hop: number): boolean => {
    if (byElement.has(node.elementId)) return false;
    if (byElement.size >= options.limit) {
      nodeLimitReached = true;
      return false;
    }
    const shaped = toGraphNode(node);
    if (!shaped) return false;
    byElement.set(node.elementId, { ...shaped, hop });
    return true;
  };
  for (const node of start) add(node, 0);

  let frontier = [...byElement.keys()];
  for (let hop = 1; hop <= options.hops && frontier.length > 0 && !nodeLimitReached; hop++) {
    const groups = await expandNeighbours(graph, frontier, options);
    const next: string[] = [];
    for (const group of groups) {
      const parent = byElement.get(group.from);
      if (!parent) continue;
      for (const { node, relationship, merged } of group.kept) {
        if (add(node, hop)) next.push(node.elementId);
        const edge = toGraphEdge(relationship, (id) => byElement.get(id)?.id);
        if (edge) edges.set(edge.id, merged.parallel > 1 ? mergedEdge(edge, merged) : edge);
      }
      const left = group.total - group.kept.length;
      if (left > 0) {
        aggregatedNeighbours += left;
        const id = `aggregate:${parent.id}:${group.relationship}:${group.direction}:${group.kind}`;
        aggregates.push({
          id,
          kind: group.kind,
          key: id,
          label: `+${left.toLocaleString('en-US')} ${group.kind}`,
          properties: {},
          aggregate: { parent: parent.id, relationship: group.relationship, direction: group.direction, kind: group.kind, count: left },
        });
        edges.set(`${id}:edge`, {
          id: `${id}:edge`,
          kind: group.relationship,
          source: group.direction === 'out' ? parent.id : id,
          target: group.direction === 'out' ? id : parent.id,
          count: left,
          properties: { aggregate: true },
        });
      }
    }
    frontier = next;
  }
  // The last hop's nodes were never expanded, so links among them would be missing (a user and
  // the session she started, both two hops out). Identity links (who holds which key, who
  // started which session, as what) are added; the rest appear when a node is expanded: reading
  // every link of the last hop's nodes (busy addresses have tens of thousands) tripled the
  // blast radius's time.
  // Both read the finished set of nodes: in parallel.
  const [links, markers] = await Promise.all([linksAmong(graph, frontier, [...byElement.keys()], options, (id) => byElement.get(id)?.id), findingMarkers(graph, [...byElement.keys()])]);
  const linked = new Set([...edges.values()].map(pairOf));
  for (const edge of links) if (!linked.has(pairOf(edge))) edges.set(edge.id, edge);

  const nodes = [...byElement.entries()].map(([elementId, node]) => {
    const marker = markers.get(elementId);
    return marker ? { ...node, findings: marker } : node;
  });
  return { nodes: [...nodes, ...aggregates], edges: [...edges.values()], truncated: { aggregatedNeighbours, nodeLimitReached } };
}

/**
 * Identity links of `from` nodes to any of `among`, read only from the side that has few of
 * them: a session's starter, role and keys, a key's owner, an instance session's instance. A
 * role's thousands of sessions or a CI user's thousands of starts are never read (the other side
 * of those links is a session, which finds them itself).
 */
async function linksAmong(graph: Graph, from: readonly string[], among: readonly string[], scope: { from: number; to: number }, idOf: (elementId: string) => string | undefined): Promise<GraphEdge[]> {
  if (from.length === 0) return [];
  const result = await graph.read(
    `UNWIND $from AS id
     MATCH (n) WHERE elementId(n) = id
     CALL (n) {
       MATCH (n)<-[r:${escape(Rel.ASSUMED)}|${escape(Rel.KEY_OF)}]-(m) RETURN r, m
       UNION
       MATCH (n)-[r:${escape(Rel.SESSION_OF)}|${escape(Rel.KEY_OF)}|${escape(Rel.ON_INSTANCE)}]->(m) RETURN r, m
     }
     WITH r, m WHERE elementId(m) IN $among AND (r.lastSeen IS NULL OR (r.lastSeen >= $scopeFrom AND r.firstSeen <= $scopeTo))
     RETURN DISTINCT r`,
    { from, among, scopeFrom: cypherInt(scope.from), scopeTo: cypherInt(scope.to) },
  );
  // One relationship per pair of these kinds: no parallel ones to merge.
  return result.records.map((r) => toGraphEdge(r.get('r') as Relationship, idOf)).filter((e): e is GraphEdge => e !== null);
}

function pairOf(edge: GraphEdge): string {
  return `${edge.kind}\u0000${edge.source}\u0000${edge.target}`;
}

/** Which of these nodes findings are about (the red badges of a graph view). */
export async function findingMarkers(graph: Graph, elementIds: string[]): Promise<Map<string, { count: number; maxSeverity: number | null }>> {
  if (elementIds.length === 0) return new Map();
  // Typed pattern: a bucket touched by fifty thousand events must not have them all read.
  const result = await graph.read(
    `UNWIND $ids AS id
     MATCH (n) WHERE elementId(n) = id
     MATCH (f:${escape(Label.Finding)})-[:${escape(Rel.AFFECTS)}|${escape(Rel.INVOLVES)}]->(n)
     RETURN id, count(DISTINCT f) AS count, max(f.severity) AS maxSeverity`,
    { ids: elementIds },
  );
  return new Map(result.records.map((r) => [r.get('id') as string, { count: r.get('count') as number, maxSeverity: r.get('maxSeverity') as number | null }]));
}

/** One edge for parallel relationships to one neighbour: their total count and time span. */
function mergedEdge(edge: GraphEdge, merged: { count: number; firstSeen: number | null; lastSeen: number | null; parallel: number }): GraphEdge {
  return {
    ...edge,
    count: merged.count,
    ...(merged.firstSeen !== null ? { firstSeen: new Date(merged.firstSeen).toISOString() } : {}),
    ...(merged.lastSeen !== null ? { lastSeen: new Date(merged.lastSeen).toISOString() } : {}),
    properties: { ...edge.properties, parallelRelationships: merged.parallel },
  };
}
