import type { RecordFacts } from '../../graph/facts';

function list(facts: RecordFacts | readonly RecordFacts[]): readonly RecordFacts[] {
  return Array.isArray(facts) ? (facts as readonly RecordFacts[]) : [facts as RecordFacts];
}

/** The edges of some facts as readable strings: "Label:key -TYPE-> Label:key". */
export function edgesOf(facts: RecordFacts | readonly RecordFacts[]): Set<string> {
  return new Set(list(facts).flatMap((f) => f.edges.map((e) => `${e.from.label}:${e.from.key} -${e.type}-> ${e.to.label}:${e.to.key}`)));
}

export function nodesOf(facts: RecordFacts | readonly RecordFacts[]): Map<string, Record<string, unknown>> {
  return new Map(list(facts).flatMap((f) => f.nodes.map((n) => [`${n.label}:${n.key}`, n.props] as const)));
}
