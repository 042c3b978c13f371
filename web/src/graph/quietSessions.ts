import type { ApiEdge, ApiNode } from '../api/types';
import { Label, Rel } from '../../../graph/vocabulary';

/** Sessions drawn one by one under each starter before the quiet rest are grouped. */
export const SESSIONS_SHOWN_PER_STARTER = 8;

type ChainNode = ApiNode & { findings?: { count: number; maxSeverity: number | null } };

/**
 * A role chain with hundreds of sessions (a CI user starts one per job) drawn as it is is a
 * column too tall to read. Under each starter this keeps every session that matters to the
 * chain (it started sessions, or findings are about it) and the most recently started ones up
 * to SESSIONS_SHOWN_PER_STARTER, and stands one aggregate node ("+143 RoleSession", a click
 * expands it) in for the rest. Roles left with no session shown go too.
 */
export function groupQuietSessions<V extends { nodes: readonly ChainNode[]; edges: readonly ApiEdge[] }>(view: V): V {
  const byId = new Map(view.nodes.map((n) => [n.id, n]));
  const startedFrom = new Map<string, ApiEdge[]>();
  const starts = new Set<string>();
  for (const edge of view.edges) {
    if (edge.kind !== Rel.ASSUMED) continue;
    starts.add(edge.source);
    const list = startedFrom.get(edge.source) ?? [];
    list.push(edge);
    startedFrom.set(edge.source, list);
  }

  const quiet = new Set<string>();
  const aggregates: ChainNode[] = [];
  const aggregateEdges: ApiEdge[] = [];
  for (const [starter, edges] of startedFrom) {
    const sessions = edges.filter((e) => byId.get(e.target)?.kind === Label.RoleSession);
    if (sessions.length <= SESSIONS_SHOWN_PER_STARTER) continue;
    const matters = (e: ApiEdge) => starts.has(e.target) || (byId.get(e.target)?.findings?.count ?? 0) > 0;
    const newestFirst = [...sessions].sort((a, b) => (b.firstSeen ?? '').localeCompare(a.firstSeen ?? ''));
    let room = Math.max(0, SESSIONS_SHOWN_PER_STARTER - sessions.filter(matters).length);
    const grouped = newestFirst.filter((e) => {
      if (matters(e)) return false;
      if (room > 0) {
        room--;
        return false;
      }
      return true;
    });
    if (grouped.length === 0) continue;
    for (const e of grouped) quiet.add(e.target);
    const id = `aggregate:${starter}:${Rel.ASSUMED}:out:${Label.RoleSession}`;
    aggregates.push({
      id,
      kind: Label.RoleSession,
      key: id,
      label: `+${grouped.length.toLocaleString('en-US')} ${Label.RoleSession}`,
      properties: {},
      aggregate: { parent: starter, relationship: Rel.ASSUMED, direction: 'out', kind: Label.RoleSession, count: grouped.length },
    });
    aggregateEdges.push({ id: `${id}:edge`, kind: Rel.ASSUMED, source: starter, target: id, count: grouped.length, properties: { aggregate: true } });
  }
  if (quiet.size === 0) return view;

  const edges = view.edges.filter((e) => !quiet.has(e.source) && !quiet.has(e.target));
  const linked = new Set(edges.flatMap((e) => [e.source, e.target]));
  // A role stays while a shown session runs as it; everything else of the chain stays as it is.
  const rolesOfSessions = new Set(view.edges.filter((e) => e.kind === Rel.SESSION_OF).map((e) => e.target));
  const nodes = view.nodes.filter((n) => !quiet.has(n.id) && (!rolesOfSessions.has(n.id) || linked.has(n.id)));
  return { ...view, nodes: [...nodes, ...aggregates], edges: [...edges, ...aggregateEdges] };
}
