import type { Node as Neo4jNode, Relationship } from 'neo4j-driver';
import type { Graph } from '../driver';
import { cypherInt } from '../driver';
import { Label, isPrincipalLabel } from '../vocabulary';
import { type EntityRef } from './entities';
import { summariseActivity, type Activity, type ApiCount, type ApiHourCount, type HourCount } from './activity';
import { countNeighbours } from './neighbors';
import {
  ADDRESS_DEGREES,
  ADDRESS_EDGES,
  ADDRESS_FLOWS,
  APIS_IN_BASELINE,
  CALLS_PER_API,
  CALLS_PER_HOUR,
  FAILED_CALLS,
  FINDINGS_ABOUT,
  INSTANCE_DEGREES,
  INSTANCE_EDGES,
  INSTANCE_TRAFFIC,
  PRINCIPAL_DEGREES,
  PRINCIPAL_EDGES,
  FINDINGS_SHAPE,
  PRINCIPAL_FINDINGS_VIA_FINDINGS,
  PRINCIPAL_FINDINGS_VIA_SESSIONS,
  SESSION_TREE,
  STARTED_BY_CHAIN,
} from './profileQueries';
import { findEntityQuery } from './readQueries';
import { iso, presentProperties, toGraphEdge, toGraphNode, type GraphEdge, type GraphNode } from './shapes';

const HOUR = 3_600_000;
/** The per-API activity reads every call's index entry in the scope: in this many slices, read at once. */
const ACTIVITY_SLICES = 2;
const DAY = 24 * HOUR;

export interface ProfileScope {
  /** Epoch ms; null: the 30 days up to the entity's last activity. */
  readonly from: number | null;
  readonly to: number | null;
  /** Days before the scope that define "newly observed" (45 by default). */
  readonly baselineDays: number;
  /** How many of each list to return (the counts say how many there are). */
  readonly cap: number;
}

/** A neighbour in a profile list: the entity, and the evidence on the edge that links them. */
export interface ProfileItem {
  readonly entity: GraphNode;
  readonly count: number | null;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  /** First seen inside the scope, never before it. */
  readonly newlyObserved?: boolean;
  readonly properties?: Record<string, unknown>;
}

/** A capped list: the first `cap` items and how many there are in all, so no cap is silent. */
export interface Listed<T> {
  readonly total: number;
  readonly items: readonly T[];
}

export interface EntityProfile {
  readonly entity: GraphNode;
  readonly scope: { readonly from: string; readonly to: string; readonly baselineFrom: string };
  readonly sections: Record<string, unknown>;
}

/**
 * An entity profile in the spirit of Amazon Detective's: what the aggregates say about it in
 * the scope, and what is new compared with the baseline before it. Principals, IP addresses
 * and EC2 instances have dedicated sections; every kind gets its neighbours by kind.
 */
export async function entityProfile(graph: Graph, ref: EntityRef, scope: ProfileScope): Promise<EntityProfile | null> {
  const found = await graph.read(findEntityQuery(ref.kind), { key: ref.key });
  const node = found.records[0]?.get('n') as Neo4jNode | undefined;
  if (!node) return null;
  const entity = toGraphNode(node)!;
  const props = node.properties as Record<string, unknown>;
  const to = scope.to ?? (typeof props.lastSeen === 'number' ? props.lastSeen : Date.now());
  const from = scope.from ?? to - 30 * DAY;
  const baselineFrom = from - scope.baselineDays * DAY;
  const window = { from, to, baselineFrom, cap: scope.cap };

  // The sections' queries are independent: they run at once (a profile waits for the slowest, not the sum).
  const neighbours = countNeighbours(graph, node.elementId, { from, to });
  const sections: Record<string, unknown> = isPrincipalLabel(ref.kind)
    ? await principalSections(graph, ref.key, node, window)
    : ref.kind === Label.IpAddress
      ? await addressSections(graph, ref.key, node, window)
      : ref.kind === Label.Ec2Instance
        ? await instanceSections(graph, ref.key, node, window)
        : { findings: await findingsAbout(graph, [node.elementId], scope.cap) };
  sections.neighbours = await neighbours;

  return { entity: { ...entity, properties: presentProperties(props, ref.kind === Label.Finding) }, scope: { from: iso(from), to: iso(to), baselineFrom: iso(baselineFrom) }, sections };
}

interface Window {
  readonly from: number;
  readonly to: number;
  readonly baselineFrom: number;
  readonly cap: number;
}

function item(rel: Relationship, node: Neo4jNode, from: number): ProfileItem | null {
  const entity = toGraphNode(node);
  if (!entity) return null;
  const r = rel.properties as Record<string, unknown>;
  const firstSeen = typeof r.firstSeen === 'number' ? r.firstSeen : null;
  const { firstSeen: _f, lastSeen: _l, count: _c, ...rest } = r;
  return {
    entity,
    count: typeof r.count === 'number' ? r.count : null,
    firstSeen: firstSeen === null ? null : iso(firstSeen),
    lastSeen: typeof r.lastSeen === 'number' ? iso(r.lastSeen) : null,
    newlyObserved: firstSeen !== null && firstSeen >= from,
    ...(Object.keys(rest).length > 0 ? { properties: presentProperties(rest) } : {}),
  };
}

async function principalSections(graph: Graph, key: string, _node: Neo4jNode, w: Window): Promise<Record<string, unknown>> {
  const params = { key, cap: cypherInt(w.cap) };
  // Activity reads index values of every call in the scope (the slowest part): the baseline
  // check follows it alone, while the aggregate-edge queries run beside it.
  const activityAndBaseline = (async () => {
    const activity = await principalActivity(graph, key, w.from, w.to);
    const names = activity.apis.filter((a) => a.service !== 'unknown').map((a) => a.name);
    const baseline = names.length
      ? await graph.read(APIS_IN_BASELINE, { key, baselineFrom: cypherInt(w.baselineFrom), scopeFrom: cypherInt(w.from), names: [...new Set(names)] }, { timeoutMs: 30_000 })
      : null;
    return { activity, seenBefore: new Set(baseline?.records.map((r) => r.get('name') as string) ?? []) };
  })();
  const [{ activity, seenBefore }, edges, degrees, tree, chain, findings] = await Promise.all([
    activityAndBaseline,
    graph.read(PRINCIPAL_EDGES, params),
    graph.read(PRINCIPAL_DEGREES, { key }),
    graph.read(SESSION_TREE, params),
    graph.read(STARTED_BY_CHAIN, { key }),
    principalFindings(graph, params),
  ]);

  const d = degrees.records[0];
  const lists = listedParts(['sourceIps', 'userAgents', 'resources', 'accessKeys', 'runsAs', 'instances'], edges.records, d, w.from);
  const countries = newlyObserved(lists.sourceIps!.items, (i) => i.entity.properties.country as string | undefined);
  const asns = newlyObserved(lists.sourceIps!.items, (i) => (i.entity.properties.asn === undefined ? undefined : `AS${i.entity.properties.asn} ${i.entity.properties.asnOrg ?? ''}`.trim()));

  const sessionGraph = toSubgraph([...tree.records, ...chain.records]);

  return {
    activity: {
      hourly: activity.hourly.map(({ hour, ...c }) => ({ hour: iso(hour), ...c })),
      totalCalls: activity.hourly.reduce((s, c) => s + c.success + c.failure, 0),
      failures: activity.hourly.reduce((s, c) => s + c.failure, 0),
    },
    topApis: activity.apis
      .sort((a, b) => b.calls - a.calls)
      .slice(0, w.cap)
      .map((a) => ({ ...a, newlyObserved: !seenBefore.has(a.name) })),
    ...lists,
    newlyObservedCountries: countries,
    newlyObservedAsns: asns,
    sessions: { total: d?.get('sessions') ?? 0, ...sessionGraph },
    findings: listedFindings(findings.records[0]),
  };
}

/**
 * Findings about the principal, its keys and its sessions, by the cheaper of two equal queries:
 * a session has a dozen relationships to walk, a finding's AFFECTS link one.
 */
async function principalFindings(graph: Graph, params: { key: string; cap: unknown }) {
  const shape = (await graph.read(FINDINGS_SHAPE, { key: params.key })).records[0];
  const sessions = (shape?.get('sessions') as number | undefined) ?? 0;
  const findingLinks = (shape?.get('findingLinks') as number | undefined) ?? 0;
  const viaFindings = findingLinks < sessions * 12;
  return graph.read(viaFindings ? PRINCIPAL_FINDINGS_VIA_FINDINGS : PRINCIPAL_FINDINGS_VIA_SESSIONS, params);
}

/** Calls per hour and per API in the scope, from index values only (see activity.ts). */
async function principalActivity(graph: Graph, key: string, from: number, to: number): Promise<Activity> {
  const read = (query: string, range: [number, number]) =>
    graph.read(query, { key, from: cypherInt(range[0]), to: cypherInt(range[1]) }, { timeoutMs: 30_000 });
  const rows = <T>(result: { records: { toObject(): unknown }[] }) => result.records.map((r) => r.toObject() as T);
  // Community Neo4j runs a query on one core: the per-API read, the largest, is cut in slices read at once.
  const [perHour, failed, ...perApi] = await Promise.all([
    read(CALLS_PER_HOUR, [from, to]),
    read(FAILED_CALLS, [from, to]),
    ...timeSlices(from, to, ACTIVITY_SLICES).map((slice) => read(CALLS_PER_API, slice)),
  ]);
  return summariseActivity({
    perHour: rows<HourCount>(perHour),
    failed: rows<ApiHourCount>(failed),
    perApi: perApi.flatMap((slice) => rows<ApiCount>(slice)),
  });
}

/**
 * [from, to] cut into `count` inclusive ranges that neither overlap nor leave a gap, cut on hour
 * boundaries so that an hour's calls stay in one slice.
 */
export function timeSlices(from: number, to: number, count: number): [number, number][] {
  const slices: [number, number][] = [];
  let start = from;
  for (let i = 1; i < count; i++) {
    const cut = Math.floor((from + ((to - from) * i) / count) / HOUR) * HOUR;
    if (cut <= start || cut > to) continue;
    slices.push([start, cut - 1]);
    start = cut;
  }
  slices.push([start, to]);
  return slices;
}

/** Values (countries, ASNs) that only newly observed addresses have. */
function newlyObserved(items: readonly ProfileItem[], value: (i: ProfileItem) => string | undefined): string[] {
  const old = new Set<string>();
  const fresh = new Set<string>();
  for (const i of items) {
    const v = value(i);
    if (!v) continue;
    if (i.newlyObserved) fresh.add(v);
    else old.add(v);
  }
  return [...fresh].filter((v) => !old.has(v));
}

function toSubgraph(records: readonly { get(key: string): unknown }[]): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const ids = new Map<string, GraphNode>();
  const rels: Relationship[] = [];
  for (const r of records) {
    for (const name of ['a', 'b']) {
      const node = r.get(name) as Neo4jNode;
      if (!ids.has(node.elementId)) {
        const shaped = toGraphNode(node);
        if (shaped) ids.set(node.elementId, shaped);
      }
    }
    rels.push(r.get('r') as Relationship);
  }
  const edges = rels.map((rel) => toGraphEdge(rel, (id) => ids.get(id)?.id)).filter((e): e is GraphEdge => e !== null);
  return { nodes: [...ids.values()], edges: [...new Map(edges.map((e) => [e.id, e])).values()] };
}

type Row = { get(key: string): unknown };

/**
 * The lists of an entity's neighbours, each from the edge rows of its part (`part`, `r`, `x`)
 * with its total from the count row, whose columns are named as the parts.
 */
function listedParts(parts: readonly string[], rows: readonly Row[], counts: Row | undefined, from: number): Record<string, Listed<ProfileItem>> {
  const items = new Map<string, ProfileItem[]>(parts.map((part) => [part, []]));
  for (const r of rows) {
    const entry = item(r.get('r') as Relationship, r.get('x') as Neo4jNode, from);
    if (entry) items.get(r.get('part') as string)?.push(entry);
  }
  return Object.fromEntries(parts.map((part) => [part, { total: (counts?.get(part) as number | undefined) ?? 0, items: items.get(part)! }]));
}

async function findingsAbout(graph: Graph, elementIds: string[], cap: number): Promise<Listed<GraphNode>> {
  const result = await graph.read(FINDINGS_ABOUT, { ids: elementIds, cap: cypherInt(cap) });
  return listedFindings(result.records[0]);
}

/** A row of TOTAL_AND_TOP_FINDINGS as a list. */
function listedFindings(row: Row | undefined): Listed<GraphNode> {
  const items = ((row?.get('findings') as Neo4jNode[] | undefined) ?? []).map(toGraphNode).filter((n): n is GraphNode => n !== null);
  return { total: (row?.get('total') as number | undefined) ?? items.length, items };
}

async function addressSections(graph: Graph, key: string, node: Neo4jNode, w: Window): Promise<Record<string, unknown>> {
  const [edges, degrees, flows, findings] = await Promise.all([
    graph.read(ADDRESS_EDGES, { key, cap: cypherInt(w.cap) }),
    graph.read(ADDRESS_DEGREES, { key }),
    graph.read(ADDRESS_FLOWS, { key, from: cypherInt(w.from), to: cypherInt(w.to), cap: cypherInt(w.cap) }, { timeoutMs: 30_000 }),
    findingsAbout(graph, [node.elementId], w.cap),
  ]);
  const p = node.properties as Record<string, unknown>;
  const flowRow = flows.records[0];
  const groups = (flowRow?.get('groups') as Record<string, unknown>[] | undefined) ?? [];
  return {
    location: { country: p.country ?? null, city: p.city ?? null, asn: p.asn ?? null, asnOrg: p.asnOrg ?? null, isp: p.isp ?? null, source: p.geoSource ?? null },
    ...listedParts(['principals', 'interfaces'], edges.records, degrees.records[0], w.from),
    flows: {
      total: (flowRow?.get('total') as number | undefined) ?? 0,
      items: groups.map((g) => ({ ...g, firstSeen: iso(g.firstSeen as number), lastSeen: iso(g.lastSeen as number) })),
    },
    findings,
  };
}

async function instanceSections(graph: Graph, key: string, node: Neo4jNode, w: Window): Promise<Record<string, unknown>> {
  const [edges, degrees, traffic, findings] = await Promise.all([
    graph.read(INSTANCE_EDGES, { key, cap: cypherInt(w.cap) }),
    graph.read(INSTANCE_DEGREES, { key }),
    graph.read(INSTANCE_TRAFFIC, { key, from: cypherInt(w.from - HOUR), to: cypherInt(w.to) }, { timeoutMs: 30_000 }),
    findingsAbout(graph, [node.elementId], w.cap),
  ]);
  const hours = new Map<number, { bytesOut: number; bytesIn: number; flows: number }>();
  for (const r of traffic.records) {
    const hour = r.get('hour') as number;
    const bucket = hours.get(hour) ?? { bytesOut: 0, bytesIn: 0, flows: 0 };
    if (r.get('direction') === 'out') bucket.bytesOut += r.get('bytes') as number;
    else bucket.bytesIn += r.get('bytes') as number;
    bucket.flows += r.get('flows') as number;
    hours.set(hour, bucket);
  }
  return {
    ...listedParts(['interfaces', 'addresses', 'sessions'], edges.records, degrees.records[0], w.from),
    traffic: [...hours.entries()].sort(([a], [b]) => a - b).map(([hour, t]) => ({ hour: iso(hour), ...t })),
    findings,
  };
}
