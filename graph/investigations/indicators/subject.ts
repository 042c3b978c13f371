import type { Node as Neo4jNode } from 'neo4j-driver';
import type { Graph } from '../../driver';
import { cypherInt } from '../../driver';
import { TrailhoundError } from '../../errors';
import { Label, isPrincipalLabel } from '../../vocabulary';
import type { EventsOf } from '../../../store/queries/timelineEvents';
import { refId, type EntityRef } from '../entities';
import { findEntityQuery } from '../readQueries';
import { toGraphNode, type GraphNode } from '../shapes';
import { MAX_SESSIONS, PrincipalNames, timelineSource } from '../timeline';
import { SESSIONS_OF_ROLE } from './indicatorQueries';

const DAY = 24 * 3_600_000;

/** The scope of an investigation, as given (null: the default). */
export interface InvestigationScope {
  /** Epoch ms; null: seven days before `to`. */
  readonly from: number | null;
  /** Epoch ms; null: the entity's last activity. */
  readonly to: number | null;
  /** Days before the scope that are its baseline (45 by default, as Amazon Detective). */
  readonly baselineDays: number;
}

/** Whose events an investigation reads, over which windows. */
export interface Subject {
  readonly ref: EntityRef;
  readonly entity: GraphNode;
  /** The events: the principal's keys (itself and the sessions it started or that ran as it). */
  readonly of: Extract<EventsOf, { of: 'principals' }>;
  readonly own: ReadonlySet<string>;
  readonly names: PrincipalNames;
  readonly from: number;
  readonly to: number;
  readonly baselineFrom: number;
  /** What the session caps left out, said in the answer. */
  readonly notes: string[];
}

/**
 * The subject's calls, read from the store once per window and kept for the investigation
 * (EventStore.withTables): the quoted names of the tables of the scope's and the baseline's.
 */
export interface KeptCalls {
  readonly scope: string;
  readonly baseline: string;
}

/** Kinds an investigation takes: every principal, and access keys. */
export function isInvestigable(kind: string): boolean {
  return isPrincipalLabel(kind) || kind === Label.AccessKey;
}

/**
 * The entity and whose events are its: a principal's own calls and every session it started
 * (through role chains), an access key's calls and the sessions they started; for a role, also
 * every session that ran as it in the scope and baseline (a role acts only through sessions).
 */
export async function resolveSubject(graph: Graph, ref: EntityRef, scope: InvestigationScope): Promise<Subject | null> {
  if (!isInvestigable(ref.kind)) {
    throw new TrailhoundError('NOT_INVESTIGABLE', `${ref.kind} entities cannot be investigated.`, 'Investigate a principal (IamUser, IamRole, RoleSession, FederatedUser, RootUser, ...) or an AccessKey.');
  }
  const found = await graph.read(findEntityQuery(ref.kind), { key: ref.key });
  const node = found.records[0]?.get('n') as Neo4jNode | undefined;
  if (!node) return null;
  const entity = toGraphNode(node)!;
  const props = node.properties as Record<string, unknown>;
  const to = scope.to ?? (typeof props.lastSeen === 'number' ? props.lastSeen : Date.now());
  const from = scope.from ?? to - 7 * DAY;
  const baselineFrom = from - scope.baselineDays * DAY;

  const names = new PrincipalNames(graph);
  const source = await timelineSource(graph, ref, true, names);
  if (source.of.of !== 'principals') throw new Error(`unexpected events of ${refId(ref)}`);
  const notes: string[] = [];
  let keys = source.of.keys;
  if (source.principals?.sessionsTruncated) notes.push(`Only ${MAX_SESSIONS.toLocaleString('en-US')} of the sessions it started are investigated: it started more.`);
  if (ref.kind === Label.IamRole) {
    const result = await graph.read(SESSIONS_OF_ROLE, { key: ref.key, from: cypherInt(baselineFrom), to: cypherInt(to), cap: cypherInt(MAX_SESSIONS) });
    const sessions = (result.records[0]?.get('sessions') as string[] | undefined) ?? [];
    const total = (result.records[0]?.get('total') as number | undefined) ?? 0;
    if (total > sessions.length) notes.push(`Only the ${sessions.length.toLocaleString('en-US')} most recent of the ${total.toLocaleString('en-US')} sessions that ran as this role are investigated.`);
    keys = [...new Set([...keys, ...sessions])];
  }
  await names.learn(keys.slice(0, 5000));
  return { ref, entity, of: { ...source.of, keys }, own: source.own, names, from, to, baselineFrom, notes };
}
