import { escapeName as n } from '../graph/cypher/escape';
import type { Graph } from '../graph/driver';
import { nodes } from '../graph/schema/nodes';
import { Label } from '../graph/vocabulary';

/**
 * A commit's marker: an entry in the graph's ingest ledger (IngestedObject), written in the same
 * transaction as the evidence of the commit's events. Its presence is the proof that the graph
 * counted the commit, which decides whether staged segments are published or discarded.
 */
export function commitMarkerKey(commitId: string): string {
  return `commit:${commitId}`;
}

/** Which of these commits the graph has a marker for. */
export async function committedMarkers(graph: Graph, commitIds: readonly string[]): Promise<Set<string>> {
  const result = await graph.readLatest(
    `UNWIND $keys AS key MATCH (o:${n(Label.IngestedObject)} {${n(nodes.IngestedObject.key)}: key}) RETURN o.${n(nodes.IngestedObject.key)} AS key`,
    { keys: commitIds.map(commitMarkerKey) },
  );
  return new Set(result.records.map((r) => String(r.get('key')).slice('commit:'.length)));
}
