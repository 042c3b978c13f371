import { Label, Rel } from '../../../graph/vocabulary';
import type { TimelineState } from '../state/urlState';

const kindOf = (id: string) => id.slice(0, id.indexOf(':'));

/**
 * The raw events behind an edge, as a timeline: a principal's own calls from an address or with
 * a user agent (an edge counts the calls of the principal it leaves, not its sessions'), the
 * calls signed with a key, a session's calls, the calls that named a resource.
 */
export function eventsBehind(edge: { kind: string; source: string; target: string }): TimelineState | null {
  switch (edge.kind) {
    case Rel.CALLED_FROM:
      return kindOf(edge.target) === Label.IpAddress ? { entity: edge.source, sourceIp: edge.target.slice(edge.target.indexOf(':') + 1), ownCalls: true } : { entity: edge.source };
    case Rel.KEY_OF:
      return { entity: edge.source };
    case Rel.ASSUMED:
      return { entity: edge.target };
    case Rel.SESSION_OF:
      return { entity: edge.source };
    case Rel.ACCESSED:
      return { entity: edge.target };
    case Rel.USED_AGENT:
      return { entity: edge.source, userAgent: edge.target.slice(edge.target.indexOf(':') + 1), ownCalls: true };
    default:
      return null;
  }
}
