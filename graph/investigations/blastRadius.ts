import type { Node as Neo4jNode } from 'neo4j-driver';
import type { Graph } from '../driver';
import { Label } from '../vocabulary';
import { findEntityQuery } from './readQueries';
import { walkGraph, type GraphView } from './graphView';
import { iso } from './shapes';

const DAY = 24 * 3_600_000;

export interface BlastRadiusOptions {
  readonly hops: number;
  readonly from: number | null;
  readonly to: number | null;
  readonly limit: number;
  readonly perGroup: number;
}

/**
 * Everything a finding reaches within `hops` over observed relationships active in the scope
 * time: by default the finding's first to last sighting, widened by a day on each side (the
 * attacker was busy before GuardDuty noticed, and after).
 */
export async function blastRadius(graph: Graph, findingId: string, options: BlastRadiusOptions): Promise<(GraphView & { scope: { from: string; to: string } }) | null> {
  const found = await graph.read(findEntityQuery(Label.Finding), { key: findingId });
  const finding = found.records[0]?.get('n') as Neo4jNode | undefined;
  if (!finding) return null;
  const props = finding.properties as Record<string, unknown>;
  const first = (props.eventFirstSeen ?? props.createdAt ?? props.updatedAt) as number;
  const last = (props.eventLastSeen ?? props.updatedAt ?? first) as number;
  const from = options.from ?? first - DAY;
  const to = options.to ?? last + DAY;
  const view = await walkGraph(graph, [finding], { hops: options.hops, limit: options.limit, perGroup: options.perGroup, from, to });
  return { ...view, scope: { from: iso(from), to: iso(to) } };
}
