import { describe, expect, it } from 'vitest';
import type { ApiEdge, ApiNode } from '../../web/src/api/types';
import { sessionTree } from '../../web/src/graph/sessionTree';

const node = (id: string): ApiNode => ({ id, kind: id.slice(0, id.indexOf(':')), key: id.slice(id.indexOf(':') + 1), label: id, properties: {} });
const assumed = (source: string, target: string, firstSeen: string): ApiEdge => ({ id: `ASSUMED:${source}->${target}`, kind: 'ASSUMED', source, target, firstSeen, properties: {} });

const carol = 'IamUser:carol';
const admin = 'RoleSession:ASIAADMIN';
const reader = 'RoleSession:ASIAREADER';
const deploy = 'RoleSession:ASIADEPLOY';
const nodes = [carol, admin, reader, deploy, 'IamRole:admin'].map(node);

describe('the sessions and role chain of a profile, as a tree', () => {
  it('nests a session started from a session under it, most recently started first', () => {
    const edges = [
      assumed(carol, deploy, '2026-11-18T09:00:00.000Z'),
      assumed(carol, admin, '2026-11-19T10:00:00.000Z'),
      assumed(admin, reader, '2026-11-19T10:05:00.000Z'),
      { id: 'SESSION_OF:1', kind: 'SESSION_OF', source: admin, target: 'IamRole:admin', properties: {} },
    ];
    const tree = sessionTree(carol, nodes, edges);
    expect(tree.startedBy).toEqual([]);
    expect(tree.sessions.map((b) => b.node.id)).toEqual([admin, deploy]);
    expect(tree.sessions[0]!.children.map((b) => b.node.id)).toEqual([reader]);
    expect(tree.sessions[0]!.startedAt).toBe('2026-11-19T10:00:00.000Z');
    expect(tree.size).toBe(3);
  });

  it('shows who started a chained session, outermost first, and what it started', () => {
    const extra = 'RoleSession:ASIADEEPER';
    const edges = [assumed(carol, admin, '2026-11-19T10:00:00.000Z'), assumed(admin, reader, '2026-11-19T10:05:00.000Z'), assumed(reader, extra, '2026-11-19T10:06:00.000Z')];
    const tree = sessionTree(reader, [...nodes, node(extra)], edges);
    expect(tree.startedBy.map((n) => n.id)).toEqual([carol, admin]);
    expect(tree.sessions.map((b) => b.node.id)).toEqual([extra]);
  });

  it('places each session once, whatever cycles or second starters hostile logs make up', () => {
    const edges = [
      assumed(carol, admin, '2026-11-19T10:00:00.000Z'),
      assumed(admin, reader, '2026-11-19T10:05:00.000Z'),
      assumed(reader, admin, '2026-11-19T10:06:00.000Z'),
      assumed(deploy, reader, '2026-11-19T10:08:00.000Z'),
    ];
    const placed = (tree: ReturnType<typeof sessionTree>) => {
      const ids = tree.startedBy.map((n) => n.id);
      const walk = (branches: typeof tree.sessions) => branches.forEach((b) => (ids.push(b.node.id), walk(b.children)));
      walk(tree.sessions);
      return ids;
    };
    expect(placed(sessionTree(carol, nodes, edges))).toEqual([admin, reader]);
    expect(placed(sessionTree(admin, nodes, edges))).toEqual([carol, reader]);
    // A loop through the root itself: above and below never repeat an entity.
    const loop = [...edges, assumed(reader, carol, '2026-11-19T10:07:00.000Z')];
    const ids = placed(sessionTree(carol, nodes, loop));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(carol);
  });

  it('ignores edges to entities the profile did not send', () => {
    const tree = sessionTree(carol, nodes, [assumed(carol, 'RoleSession:ASIAGONE', '2026-11-19T10:00:00.000Z')]);
    expect(tree.sessions).toEqual([]);
  });
});
