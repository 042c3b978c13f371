import type { ApiEdge, ApiNode } from '../api/types';
import { Rel } from '../../../graph/vocabulary';

/** A session in the tree, with the sessions started from it (role chaining). */
export interface ChainBranch {
  readonly node: ApiNode;
  /** When it was started (the AssumeRole call, or its first use when that call is not in the logs). */
  readonly startedAt: string | null;
  readonly children: readonly ChainBranch[];
}

export interface SessionTree {
  /** Who started the entity, outermost first: the user, then each session down to its starter. */
  readonly startedBy: readonly ApiNode[];
  /** The sessions the entity started, most recently started first, each with its own. */
  readonly sessions: readonly ChainBranch[];
  /** Sessions in the tree, at every depth. */
  readonly size: number;
}

/**
 * The ASSUMED edges of a profile as a tree around `rootId`: the chain of starters above it and
 * the sessions below it. Log data is attacker-controlled, so a cycle or a second starter (which
 * AWS never produces) cannot loop or duplicate: each session is placed once, at its first parent.
 */
export function sessionTree(rootId: string, nodes: readonly ApiNode[], edges: readonly ApiEdge[]): SessionTree {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const assumed = edges.filter((e) => e.kind === Rel.ASSUMED && byId.has(e.source) && byId.has(e.target));
  const starterOf = new Map<string, string>();
  const startedFrom = new Map<string, ApiEdge[]>();
  for (const edge of assumed) {
    if (!starterOf.has(edge.target)) starterOf.set(edge.target, edge.source);
    const list = startedFrom.get(edge.source) ?? [];
    list.push(edge);
    startedFrom.set(edge.source, list);
  }

  const startedBy: ApiNode[] = [];
  const above = new Set([rootId]);
  for (let at = starterOf.get(rootId); at !== undefined && !above.has(at); at = starterOf.get(at)) {
    above.add(at);
    startedBy.unshift(byId.get(at)!);
  }

  const placed = new Set(above);
  let size = 0;
  const branches = (parent: string): ChainBranch[] => {
    const out: { edge: ApiEdge; node: ApiNode }[] = [];
    for (const edge of startedFrom.get(parent) ?? []) {
      if (placed.has(edge.target)) continue;
      placed.add(edge.target);
      out.push({ edge, node: byId.get(edge.target)! });
    }
    out.sort((a, b) => (b.edge.firstSeen ?? '').localeCompare(a.edge.firstSeen ?? ''));
    size += out.length;
    return out.map(({ edge, node }) => ({ node, startedAt: edge.firstSeen ?? null, children: branches(node.id) }));
  };
  const sessions = branches(rootId);
  return { startedBy, sessions, size };
}
