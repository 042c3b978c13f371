import type { Node as Neo4jNode } from 'neo4j-driver';
import type { Graph } from '../driver';
import { parseEntityRef } from './entities';
import { findEntityQuery } from './readQueries';
import { toGraphNode, type GraphNode } from './shapes';

/**
 * The graph nodes of entity references ("Kind:key", as the event store names the resources an
 * event touched), in the order given; references the graph does not hold are left out.
 */
export async function entitiesByRef(graph: Graph, refs: readonly string[]): Promise<GraphNode[]> {
  const found: GraphNode[] = [];
  for (const text of refs.slice(0, 100)) {
    let ref;
    try {
      ref = parseEntityRef(text);
    } catch {
      continue;
    }
    const result = await graph.read(findEntityQuery(ref.kind), { key: ref.key });
    const node = result.records[0]?.get('n') as Neo4jNode | undefined;
    const shaped = node ? toGraphNode(node) : null;
    if (shaped) found.push(shaped);
  }
  return found;
}
