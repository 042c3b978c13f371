import { Label, Rel } from '../../../graph/vocabulary';
import type { FlowsState, TimelineState } from '../state/urlState';

const kindOf = (id: string) => id.slice(0, id.indexOf(':'));
const keyOf = (id: string) => id.slice(id.indexOf(':') + 1);

/** An aggregate: what it links, and the span of the evidence it counts (all time, not the view's scope). */
export interface Link {
  readonly kind: string;
  readonly source: string;
  readonly target: string;
  readonly firstSeen?: string | null;
  readonly lastSeen?: string | null;
}

/**
 * The raw events behind an edge (or a profile item, which is one), as a timeline over the edge's
 * own span, so the events listed are the ones its count counts: a principal's own calls from an
 * address or with a user agent (an edge counts the calls of the principal it leaves, not its
 * sessions'), the calls a principal made naming a resource, a session's own calls (signed with
 * its key, as the role), the call that started a session.
 */
export function eventsBehind(edge: Link): TimelineState | null {
  const span = edge.firstSeen && edge.lastSeen ? { from: edge.firstSeen, to: edge.lastSeen } : {};
  switch (edge.kind) {
    case Rel.CALLED_FROM:
      return kindOf(edge.target) === Label.IpAddress ? { entity: edge.source, sourceIp: keyOf(edge.target), ownCalls: true, ...span } : { entity: edge.source, ownCalls: true, ...span };
    case Rel.USED_AGENT:
      return { entity: edge.source, userAgent: keyOf(edge.target), ownCalls: true, ...span };
    case Rel.ACCESSED:
      return { entity: edge.target, by: edge.source, ...span };
    case Rel.KEY_OF:
      // The key's calls (and the one that issued it, made by someone else, is counted too).
      return { entity: edge.source, ownCalls: true, ...span };
    case Rel.SESSION_OF:
      return { entity: edge.source, ownCalls: true, ...span };
    case Rel.ASSUMED:
      // The call to STS that started the session: its starter's, when the link was first seen
      // (some sessions renew the link on every call they make, so its last sighting is later).
      return { entity: edge.source, eventSource: 'sts.amazonaws.com', ownCalls: true, ...(edge.firstSeen ? { from: edge.firstSeen, to: edge.firstSeen } : {}) };
    default:
      return null;
  }
}

/**
 * The flow-log records behind a FLOW edge: those from its source address to its target over the
 * edge's own span, so the records listed are the ones its count counts. None for an edge to a
 * group of addresses (expand it first) or any other edge.
 */
export function flowsBehind(edge: Link): FlowsState | null {
  if (edge.kind !== Rel.FLOW || kindOf(edge.source) !== Label.IpAddress || kindOf(edge.target) !== Label.IpAddress) return null;
  return { src: keyOf(edge.source), dst: keyOf(edge.target), ...(edge.firstSeen && edge.lastSeen ? { from: edge.firstSeen, to: edge.lastSeen } : {}) };
}
