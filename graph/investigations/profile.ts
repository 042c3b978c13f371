import type { Node as Neo4jNode, Relationship } from 'neo4j-driver';
import type { Graph } from '../driver';
import { cypherInt } from '../driver';
import { Label, isPrincipalLabel } from '../vocabulary';
import { type EntityRef } from './entities';
import { summariseActivity, type Activity, type ApiCount, type ApiHourCount, type HourCount } from './activity';
import { countNeighbours } from './neighbors';
import { valuesOnlyNew } from './newlyObserved';
import type { EventStore } from '../../store/eventStore';
import { apisInBaselineSql, callsPerApiSql, callsPerHourSql, failedCallsSql } from '../../store/queries/activity';
import { addressFlowGroupsSql, trafficPerHourSql } from '../../store/queries/flows';
import {
  ADDRESS_DEGREES,
  ADDRESS_EDGES,
  FINDINGS_ABOUT,
  INSTANCE_ADDRESSES,
  INSTANCE_DEGREES,
  INSTANCE_EDGES,
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
export async function entityProfile(graph: Graph, events: EventStore, ref: EntityRef, scope: ProfileScope): Promise<EntityProfile | null> {
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
    ? await principalSections(graph, events, ref.key, node, window)
    : ref.kind === Label.IpAddress
      ? await addressSections(graph, events, ref.key, node, window)
      : ref.kind === Label.Ec2Instance
        ? await instanceSections(graph, events, ref.key, node, window)
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

async function principalSections(graph: Graph, events: EventStore, key: string, _node: Neo4jNode, w: Window): Promise<Record<string, unknown>> {
  const params = { key, cap: cypherInt(w.cap) };
  // Activity reads the store while the aggregate-edge queries run in the graph; the baseline
  // check follows it, for the APIs it found.
  const activityAndBaseline = (async () => {
    const activity = await principalActivity(events, key, w.from, w.to);
    const names = [...new Set(activity.apis.filter((a) => a.service !== 'unknown').map((a) => a.name))];
    const baseline = names.length ? await events.all<{ name: string }>(apisInBaselineSql, { key, baselineFrom: w.baselineFrom, scopeFrom: w.from, names }, { from: w.baselineFrom, to: w.from }) : [];
    return { activity, seenBefore: new Set(baseline.map((r) => r.name)) };
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

/** Calls per hour and per API in the scope, from the event store (see activity.ts). */
async function principalActivity(events: EventStore, key: string, from: number, to: number): Promise<Activity> {
  const params = { key, from, to };
  const range = { from, to };
  const [perHour, failed, perApi] = await Promise.all([
    events.all<HourCount>(callsPerHourSql, params, range),
    events.all<ApiHourCount>(failedCallsSql, params, range),
    events.all<ApiCount>(callsPerApiSql, params, range),
  ]);
  return summariseActivity({ perHour, failed, perApi });
}

/** Values (countries, ASNs) that only newly observed addresses have. */
function newlyObserved(items: readonly ProfileItem[], value: (i: ProfileItem) => string | undefined): string[] {
  return valuesOnlyNew(items, value, (i) => i.newlyObserved === true);
}

/** The addresses an instance's interfaces had (the keys its flow volumes are read by). */
export async function instanceAddresses(graph: Graph, instanceId: string): Promise<string[]> {
  const result = await graph.read(INSTANCE_ADDRESSES, { key: instanceId });
  return result.records.map((r) => r.get('ip') as string);
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

async function addressSections(graph: Graph, events: EventStore, key: string, node: Neo4jNode, w: Window): Promise<Record<string, unknown>> {
  const [edges, degrees, groups, findings] = await Promise.all([
    graph.read(ADDRESS_EDGES, { key, cap: cypherInt(w.cap) }),
    graph.read(ADDRESS_DEGREES, { key }),
    // Hours that end after the scope starts may have begun an hour before it.
    events.all<Record<string, unknown> & { total: number; firstSeen: number; lastSeen: number }>(addressFlowGroupsSql, { ip: key, from: w.from, to: w.to, cap: w.cap }, { from: w.from - HOUR, to: w.to }),
    findingsAbout(graph, [node.elementId], w.cap),
  ]);
  const p = node.properties as Record<string, unknown>;
  return {
    location: { country: p.country ?? null, city: p.city ?? null, asn: p.asn ?? null, asnOrg: p.asnOrg ?? null, isp: p.isp ?? null, source: p.geoSource ?? null },
    ...listedParts(['principals', 'interfaces'], edges.records, degrees.records[0], w.from),
    flows: {
      total: groups[0]?.total ?? 0,
      items: groups.map(({ total: _total, ...g }) => ({ ...g, firstSeen: iso(g.firstSeen), lastSeen: iso(g.lastSeen) })),
    },
    findings,
  };
}

async function instanceSections(graph: Graph, events: EventStore, key: string, node: Neo4jNode, w: Window): Promise<Record<string, unknown>> {
  const traffic = (async () => {
    const ips = await instanceAddresses(graph, key);
    return ips.length ? events.all<{ hour: number; direction: string; bytes: number; flows: number }>(trafficPerHourSql, { ips, from: w.from - HOUR, to: w.to }, { from: w.from - HOUR, to: w.to }) : [];
  })();
  const [edges, degrees, perHour, findings] = await Promise.all([
    graph.read(INSTANCE_EDGES, { key, cap: cypherInt(w.cap) }),
    graph.read(INSTANCE_DEGREES, { key }),
    traffic,
    findingsAbout(graph, [node.elementId], w.cap),
  ]);
  const hours = new Map<number, { bytesOut: number; bytesIn: number; flows: number }>();
  for (const r of perHour) {
    const bucket = hours.get(r.hour) ?? { bytesOut: 0, bytesIn: 0, flows: 0 };
    if (r.direction === 'out') bucket.bytesOut += r.bytes;
    else bucket.bytesIn += r.bytes;
    bucket.flows += r.flows;
    hours.set(r.hour, bucket);
  }
  return {
    ...listedParts(['interfaces', 'addresses', 'sessions'], edges.records, degrees.records[0], w.from),
    traffic: [...hours.entries()].sort(([a], [b]) => a - b).map(([hour, t]) => ({ hour: iso(hour), ...t })),
    findings,
  };
}
