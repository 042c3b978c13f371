import { nodes, type NodeLabel } from './schema/nodes';
import type { RelationshipType } from './schema/relationships';
import type { EdgeEndpointsRow, EndpointLabel, EntityRow, ObservedEdgeRow } from './cypher/writeQueries';
import { cypherInt } from './driver';
import { EvidenceAggregate } from './evidenceAggregate';
import type { RecordFacts } from './facts';

export interface EdgeGroup<Row> {
  readonly type: RelationshipType;
  readonly from: EndpointLabel;
  readonly to: EndpointLabel;
  readonly rows: Row[];
}

/** A structural edge with the identity the writer remembers it by. */
export interface StructuralEdgeRow extends EdgeEndpointsRow {
  readonly id: string;
}

/** Evidence aggregated into one row per distinct node and edge, ready for UNWIND. */
export interface WritePlan {
  readonly entities: Map<NodeLabel, EntityRow[]>;
  readonly observedEdges: EdgeGroup<ObservedEdgeRow>[];
  readonly structuralEdges: EdgeGroup<StructuralEdgeRow>[];
}

/**
 * The write plan of whole records' facts (see EvidenceAggregate): a hot node is written once
 * with summed counts, not once per record. Structural edges already known to exist (`known`)
 * are left out.
 */
export function planWrites(facts: Iterable<RecordFacts>, known: (id: string) => boolean = () => false): WritePlan {
  const aggregate = new EvidenceAggregate();
  for (const fact of facts) aggregate.addFacts(fact);
  return aggregate.plan(known);
}

/** Converts declared `int` properties to integers for the driver (JS numbers go as floats). */
export function toCypherProps(label: NodeLabel, props: Record<string, unknown>): Record<string, unknown> {
  const declared: Readonly<Record<string, string>> = nodes[label].properties;
  const out: Record<string, unknown> = {};
  for (const name in props) {
    const value = props[name];
    if (value === null || value === undefined) continue;
    out[name] = declared[name] === 'int' && typeof value === 'number' ? cypherInt(value) : value;
  }
  return out;
}
