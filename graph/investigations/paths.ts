import type { Path } from 'neo4j-driver';
import type { Graph } from '../driver';
import { cypherInt } from '../driver';
import type { EntityRef } from './entities';
import { WALKED_RELATIONSHIPS } from './neighbors';
import { shortestPathsQuery } from './readQueries';
import { toGraphEdge, toGraphNode, type GraphEdge, type GraphNode } from './shapes';

export interface PathsResult {
  readonly paths: { readonly nodes: string[]; readonly edges: string[] }[];
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
  /** There are more shortest paths than MAX_PATHS: these are some of them. */
  readonly more: boolean;
}

export const MAX_PATHS = 10;

/** The shortest observed paths between two entities (at most MAX_PATHS, and says if there are more), as one small graph. */
export async function shortestPaths(graph: Graph, from: EntityRef, to: EntityRef, maxHops: number): Promise<PathsResult> {
  const result = await graph.read(shortestPathsQuery(from.kind, to.kind, WALKED_RELATIONSHIPS, maxHops), { from: from.key, to: to.key, limit: cypherInt(MAX_PATHS + 1) }, { timeoutMs: 30_000 });
  const more = result.records.length > MAX_PATHS;
  if (more) result.records.length = MAX_PATHS;
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const paths = result.records.map((r) => {
    const path = r.get('p') as Path;
    const nodeIds: string[] = [];
    const edgeIds: string[] = [];
    const ids = new Map<string, string>();
    for (const segment of path.segments) {
      for (const node of [segment.start, segment.end]) {
        const shaped = toGraphNode(node);
        if (!shaped) continue;
        nodes.set(shaped.id, shaped);
        ids.set(node.elementId, shaped.id);
      }
      const edge = toGraphEdge(segment.relationship, (id) => ids.get(id));
      if (edge) {
        edges.set(edge.id, edge);
        edgeIds.push(edge.id);
      }
    }
    for (const node of [path.start, ...path.segments.map((s) => s.end)]) {
      const id = ids.get(node.elementId) ?? toGraphNode(node)?.id;
      if (id) nodeIds.push(id);
    }
    return { nodes: nodeIds, edges: edgeIds };
  });
  return { paths, nodes: [...nodes.values()], edges: [...edges.values()], more };
}
