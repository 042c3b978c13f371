import type { Node as Neo4jNode, Relationship } from 'neo4j-driver';
import { cypherInt, type Graph } from '../driver';
import { escapeName as n } from '../cypher/escape';
import { Label, Rel } from '../vocabulary';
import { findingMarkers, type GraphView } from './graphView';
import { STARTED_BY_CHAIN } from './profileQueries';
import { toGraphEdge, toGraphNode, type GraphNode } from './shapes';

/** How many sessions a principal started, and how many of them the chain shows. */
export interface RoleChainView extends GraphView {
  readonly sessions: { readonly total: number; readonly shown: number };
}

// Chains deeper than this are not seen in practice (AWS caps role chaining sessions at an hour,
// so attackers hop a few times at most); the bound keeps a pathological graph cheap to walk.
const MAX_DEPTH = 4;

const inScope = `last(relationships(path)).lastSeen >= $from AND last(relationships(path)).firstSeen <= $to`;

/** Every session the principal started, through role chains, most recently started first. */
const SESSIONS_DOWN = `
MATCH (p) WHERE elementId(p) = $id
MATCH path = (p)-[:${n(Rel.ASSUMED)}*1..${MAX_DEPTH}]->(:${n(Label.RoleSession)})
WHERE ${inScope}
WITH path ORDER BY last(relationships(path)).firstSeen DESC LIMIT $limit
WITH collect(path) AS paths, count(DISTINCT last(nodes(path))) AS shown
UNWIND paths AS path
UNWIND relationships(path) AS r
WITH DISTINCT r, shown
RETURN r, startNode(r) AS a, endNode(r) AS b, shown`;

const SESSIONS_TOTAL = `
MATCH (p) WHERE elementId(p) = $id
MATCH path = (p)-[:${n(Rel.ASSUMED)}*1..${MAX_DEPTH}]->(s:${n(Label.RoleSession)})
WHERE ${inScope}
RETURN count(DISTINCT s) AS total`;

/** The role each shown session runs as, so the chain reads "carol → admin → data-reader". */
const RUNS_AS = `
UNWIND $ids AS id
MATCH (s) WHERE elementId(s) = id
MATCH (s)-[r:${n(Rel.SESSION_OF)}]->(role)
RETURN r, s AS a, role AS b`;

/**
 * The role chain around a principal, for a graph laid out as a chain: who started it, every
 * session it started (through sessions started by its sessions) in the scope time, and the
 * role each session runs as. Sessions beyond `limit` are counted, never silently dropped.
 */
export async function roleChain(graph: Graph, principal: Neo4jNode, scope: { from: number; to: number; limit: number }): Promise<RoleChainView> {
  const params = { id: principal.elementId, from: cypherInt(scope.from), to: cypherInt(scope.to) };
  const [down, total, up] = await Promise.all([
    graph.read(SESSIONS_DOWN, { ...params, limit: cypherInt(scope.limit) }),
    graph.read(SESSIONS_TOTAL, params),
    // Who started it (a session), up to whoever holds the key: the profile's query.
    // Only a principal has one (an instance, a bucket: nobody started them).
    typeof principal.properties.principalKey === 'string' ? graph.read(STARTED_BY_CHAIN, { key: principal.properties.principalKey }) : Promise.resolve({ records: [] }),
  ]);
  const nodes = new Map<string, GraphNode>();
  const rels = new Map<string, Relationship>();
  const add = (records: readonly { get(key: string): unknown }[]) => {
    for (const record of records) {
      for (const end of ['a', 'b']) {
        const node = record.get(end) as Neo4jNode;
        if (nodes.has(node.elementId)) continue;
        const shaped = toGraphNode(node);
        if (shaped) nodes.set(node.elementId, shaped);
      }
      const rel = record.get('r') as Relationship;
      rels.set(rel.elementId, rel);
    }
  };
  const root = toGraphNode(principal);
  if (root) nodes.set(principal.elementId, root);
  add(up.records);
  add(down.records);
  const sessionIds = [...nodes.entries()].filter(([, node]) => node.kind === Label.RoleSession).map(([elementId]) => elementId);
  add((await graph.read(RUNS_AS, { ids: sessionIds })).records);

  const markers = await findingMarkers(graph, [...nodes.keys()]);
  const shown = Number(down.records[0]?.get('shown') ?? 0);
  const all = Number(total.records[0]?.get('total') ?? 0);
  return {
    nodes: [...nodes.entries()].map(([elementId, node]) => {
      const marker = markers.get(elementId);
      return marker ? { ...node, findings: marker } : node;
    }),
    edges: [...rels.values()].map((rel) => toGraphEdge(rel, (id) => nodes.get(id)?.id)).filter((e) => e !== null),
    truncated: { aggregatedNeighbours: 0, nodeLimitReached: all > shown },
    sessions: { total: all, shown },
  };
}
