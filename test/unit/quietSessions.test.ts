import { describe, expect, it } from 'vitest';
import type { ApiEdge, ApiNode } from '../../web/src/api/types';
import { groupQuietSessions, SESSIONS_SHOWN_PER_STARTER } from '../../web/src/graph/quietSessions';
import { parseAggregateId } from '../../web/src/graph/elements';

type Node = ApiNode & { findings?: { count: number; maxSeverity: number | null } };
const node = (id: string, extra: Partial<Node> = {}): Node => ({ id, kind: id.slice(0, id.indexOf(':')), key: id.slice(id.indexOf(':') + 1), label: id, properties: {}, ...extra });
const edge = (kind: string, source: string, target: string, firstSeen?: string): ApiEdge => ({ id: `${kind}:${source}->${target}`, kind, source, target, ...(firstSeen ? { firstSeen } : {}), properties: {} });
const at = (minute: number) => new Date(Date.UTC(2026, 10, 19, 10, minute)).toISOString();

const carol = 'IamUser:carol';
const admin = 'RoleSession:ASIAADMIN';
const chained = 'RoleSession:ASIACHAINED';
const flagged = 'RoleSession:ASIAFLAGGED';
const leaves = Array.from({ length: 20 }, (_, i) => `RoleSession:ASIALEAF${String(i).padStart(2, '0')}`);

function chainView() {
  const nodes = [node(carol), node(admin), node(chained), node(flagged, { findings: { count: 1, maxSeverity: 8 } }), ...leaves.map((id) => node(id)), node('IamRole:Developer'), node('IamRole:Admin'), node('IamRole:Legacy')];
  const edges = [
    edge('ASSUMED', carol, admin, at(0)),
    edge('ASSUMED', admin, chained, at(1)),
    edge('ASSUMED', carol, flagged, at(2)),
    ...leaves.map((id, i) => edge('ASSUMED', carol, id, at(10 + i))),
    edge('SESSION_OF', admin, 'IamRole:Admin'),
    ...leaves.map((id, i) => edge('SESSION_OF', id, i === 0 ? 'IamRole:Legacy' : 'IamRole:Developer')),
  ];
  return { nodes, edges, truncated: { aggregatedNeighbours: 0, nodeLimitReached: false } };
}

describe('a role chain with many sessions, grouped for reading', () => {
  it('keeps the sessions that matter and the most recent ones, and stands one expandable node in for the rest', () => {
    const grouped = groupQuietSessions(chainView());
    const ids = grouped.nodes.map((n) => n.id);
    // The chain (admin started a session) and the session a finding is about always stay.
    expect(ids).toEqual(expect.arrayContaining([carol, admin, chained, flagged]));
    const shownLeaves = leaves.filter((id) => ids.includes(id));
    expect(shownLeaves).toEqual(leaves.slice(-(SESSIONS_SHOWN_PER_STARTER - 2)));
    const aggregate = grouped.nodes.find((n) => n.aggregate);
    expect(aggregate?.aggregate).toEqual({ parent: carol, relationship: 'ASSUMED', direction: 'out', kind: 'RoleSession', count: 22 - 2 - shownLeaves.length });
    expect(parseAggregateId(aggregate!.id)).toEqual({ parent: carol, relationship: 'ASSUMED', direction: 'out', kind: 'RoleSession' });
    expect(grouped.edges).toContainEqual(expect.objectContaining({ source: carol, target: aggregate!.id, count: aggregate!.aggregate!.count }));
    // No edge to a session not shown; a role only grouped sessions ran as goes with them.
    expect(grouped.edges.every((e) => ids.includes(e.source) && ids.includes(e.target))).toBe(true);
    expect(ids).not.toContain('IamRole:Legacy');
    expect(ids).toEqual(expect.arrayContaining(['IamRole:Developer', 'IamRole:Admin']));
    // The response's other fields come through.
    expect(grouped.truncated).toEqual(chainView().truncated);
  });

  it('leaves a chain short enough to read as it is', () => {
    const view = chainView();
    const small = { ...view, nodes: view.nodes.filter((n) => !leaves.slice(5).includes(n.id)), edges: view.edges.filter((e) => !leaves.slice(5).includes(e.target) && !leaves.slice(5).includes(e.source)) };
    expect(groupQuietSessions(small)).toBe(small);
  });
});
