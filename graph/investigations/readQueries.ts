import { escapeName as n } from '../cypher/escape';
import { DISPLAY_NAME_PROPERTIES } from './entities';
import type { NodeLabel } from '../schema/nodes';
import { nodes } from '../schema/nodes';
import { Group, Label, Rel } from '../vocabulary';

/**
 * Read queries whose text must name a label or relationship type (so that Neo4j can seek an
 * index or walk a typed path): composed here, from the vocabulary, never from request text.
 * Every value is a $parameter.
 */

/** What a principal's name is made of, as a list (decoded faster than a node): [key, labels, [DISPLAY_NAME_PROPERTIES]]. */
const nameOf = (v: string) => `[${v}.principalKey, labels(${v}), [${DISPLAY_NAME_PROPERTIES.map((name) => `${v}.${n(name)}`).join(', ')}]]`;

/** What a findings list sorts by (each a Finding property). */
export const FINDING_SORTS = ['severity', 'updatedAt', 'eventFirstSeen', 'eventLastSeen', 'count'] as const;
export type FindingSort = (typeof FINDING_SORTS)[number];

/** One entity by kind and key. */
export function findEntityQuery(kind: NodeLabel): string {
  return `MATCH (n:${n(kind)} {${n(nodes[kind].key)}: $key}) RETURN n`;
}

/** A principal and every session it started, through role chains (capped). */
export const SESSIONS_STARTED_BY = `
MATCH (p:${n(Group.Principal)} {principalKey: $key})
OPTIONAL MATCH (p)-[:${n(Rel.ASSUMED)}*1..8]->(s:${n(Label.RoleSession)})
WITH p, collect(DISTINCT s.principalKey)[..$cap] AS sessions, count(DISTINCT s) AS total
RETURN sessions, total`;

/**
 * The same walk for a streamed timeline, which names the principal of every row: each session
 * with what its name is made of, [key, roleArn, sessionName] (one walk instead of a lookup per
 * key; three properties, not every name property, halve the walk for thousands of sessions).
 */
export const NAMED_SESSIONS_STARTED_BY = `
MATCH (p:${n(Group.Principal)} {principalKey: $key})
OPTIONAL MATCH (p)-[:${n(Rel.ASSUMED)}*1..8]->(s:${n(Label.RoleSession)})
WITH p, collect(DISTINCT s)[..$cap] AS sessions, count(DISTINCT s) AS total
RETURN [s IN sessions | [s.principalKey, s.roleArn, s.sessionName]] AS sessions, total`;

/**
 * The timeline's filters (service, API, failures only, read-only or not, source address, user
 * agent, the principal that made the call): null/false keep all. Events loaded before the user agent was a property of its own are
 * matched on their stored record's text instead.
 * They narrow what each seek returns; the seek itself stays on the (principalKey, time) index.
 */
const EVENT_FILTERS = `($eventSource IS NULL OR e.eventSource = $eventSource)
    AND ($eventName IS NULL OR e.eventName = $eventName)
    AND (NOT $errorsOnly OR e.errorCode IS NOT NULL)
    AND ($readOnly IS NULL OR e.readOnly = $readOnly)
    AND ($sourceIp IS NULL OR e.sourceIp = $sourceIp)
    AND ($userAgent IS NULL OR e.userAgent = $userAgent OR (e.userAgent IS NULL AND e.raw CONTAINS $userAgent))
    AND ($principalKey IS NULL OR e.principalKey = $principalKey)`;

/** Which events a timeline holds, by what it is about: `e`, in the time scope, filtered. */
const PRINCIPAL_EVENTS = `MATCH (e:${n(Label.Event)})
  WHERE e.principalKey = k AND e.time >= $from AND e.time <= $to
    AND ($accessKeyId IS NULL OR e.accessKeyId = $accessKeyId)
    AND ${EVENT_FILTERS}`;
const ADDRESS_EVENTS = `MATCH (e:${n(Label.Event)})
  WHERE e.sourceIp = $ip AND e.time >= $from AND e.time <= $to AND ${EVENT_FILTERS}`;
const touchingEvents = (kind: NodeLabel) => `MATCH (:${n(kind)} {${n(nodes[kind].key)}: $key})<-[:${n(Rel.TOUCHED)}]-(e:${n(Label.Event)})
  WHERE e.time >= $from AND e.time <= $to AND ${EVENT_FILTERS}`;

/** Keyset paging: (time, eventId) after the cursor's. */
const AFTER_CURSOR = 'AND NOT (e.time = $afterTime AND e.eventId <= $afterId)';
const IN_ORDER = 'ORDER BY e.time ASC, e.eventId ASC';
const PAGE_RESULT = `OPTIONAL MATCH (p:${n(Group.Principal)} {principalKey: e.principalKey})
RETURN e, p`;

/**
 * A page of a principal's events, in time order, after a cursor: one index-ordered seek per
 * principal key (the person and each session), merged.
 */
export const EVENTS_OF_PRINCIPALS = `
UNWIND $keys AS k
CALL (k) {
  ${PRINCIPAL_EVENTS} ${AFTER_CURSOR}
  RETURN e ${IN_ORDER} LIMIT $limit
}
WITH e ${IN_ORDER} LIMIT $limit
${PAGE_RESULT}`;

/**
 * The same page when nothing filters it, in two passes: the first reads only index entries (key
 * and time) to find the time by which the page is full; the second reads the events up to that
 * time. A principal with forty thousand calls no longer has every one read for each page.
 * (Filters cannot be checked from the index, so filtered pages use the query above.)
 */
export const UNFILTERED_EVENTS_OF_PRINCIPALS = `
UNWIND $keys AS k
CALL (k) {
  MATCH (e:${n(Label.Event)}) WHERE e.principalKey = k AND e.time > $afterTime AND e.time >= $from AND e.time <= $to
  RETURN e.time AS t ORDER BY t ASC LIMIT $limit
}
WITH t ORDER BY t ASC LIMIT $limit
WITH collect(t) AS times
// Ties at the cursor's time are left out of the first pass, so the bound can only come out later, never too early.
WITH CASE WHEN size(times) < $limit THEN $to ELSE times[-1] END AS until
UNWIND $keys AS k
CALL (k, until) {
  MATCH (e:${n(Label.Event)}) WHERE e.principalKey = k AND e.time >= $from AND e.time <= until ${AFTER_CURSOR}
  RETURN e
}
WITH e ${IN_ORDER} LIMIT $limit
${PAGE_RESULT}`;

/** A page of the events that came from one address. */
export const EVENTS_FROM_ADDRESS = `
${ADDRESS_EVENTS} ${AFTER_CURSOR}
WITH e ${IN_ORDER} LIMIT $limit
${PAGE_RESULT}`;

/** A page of the events that named one resource. */
export function eventsTouchingQuery(kind: NodeLabel): string {
  return `
${touchingEvents(kind)} ${AFTER_CURSOR}
WITH e ${IN_ORDER} LIMIT $limit
${PAGE_RESULT}`;
}

/**
 * The Event properties a timeline row is made of, in the order the streamed queries return
 * them: a list per row, since the driver decodes a list several times faster than a map.
 */
export const TIMELINE_COLUMNS = ['eventId', 'time', 'eventName', 'eventSource', 'region', 'accountId', 'readOnly', 'errorCode', 'sourceIp', 'accessKeyId', 'principalKey', 'userAgent', 'raw'] as const;
// The stored record (about a kilobyte) is read only where a row needs it: when asked for
// ($withRecords), for a failure's error message, or for a source or user agent that is not a
// property of its own (a service name instead of an address; an event loaded before user agents were).
const RECORD_IF_NEEDED = 'CASE WHEN $withRecords OR e.errorCode IS NOT NULL OR e.sourceIp IS NULL OR e.userAgent IS NULL THEN e.raw END';
// Streams are sorted by time alone, which Neo4j takes from the index; ties are put in eventId
// order as they stream (timeline.ts, inEventOrder). Sorting on eventId too read every event's id
// before the first row could leave: 55 of the 190 ms before a 71,424-event stream's first rows.
// An event's timeline row is one property (graph/timelineRow.ts); events loaded before it
// existed are read property by property.
const STREAM_RESULT = `WITH e ORDER BY e.time ASC
WITH e, e.timelineRow AS shown
RETURN CASE WHEN shown IS NOT NULL THEN [e.eventId, e.time, shown, CASE WHEN $withRecords THEN e.raw END]
  ELSE [${TIMELINE_COLUMNS.map((c) => (c === 'raw' ? RECORD_IF_NEEDED : `e.${n(c)}`)).join(', ')}] END AS row`;

/**
 * Whole timelines for exports, one ordered stream each (no cursor): paging a principal with
 * thousands of sessions would seek every session again for every page. Sorting node
 * references before reading properties keeps the sort small.
 */
export const ALL_EVENTS_OF_PRINCIPALS = `
UNWIND $keys AS k
${PRINCIPAL_EVENTS}
${STREAM_RESULT}`;

/**
 * The same stream when nothing filters it: the filter clauses, though each is true at once for
 * a null parameter, cost Neo4j 6% of its CPU for an export (docs/benchmarks.md).
 */
export const ALL_UNFILTERED_EVENTS_OF_PRINCIPALS = `
UNWIND $keys AS k
MATCH (e:${n(Label.Event)}) WHERE e.principalKey = k AND e.time >= $from AND e.time <= $to
${STREAM_RESULT}`;

export const ALL_EVENTS_FROM_ADDRESS = `
${ADDRESS_EVENTS}
${STREAM_RESULT}`;

export function allEventsTouchingQuery(kind: NodeLabel): string {
  return `
${touchingEvents(kind)}
${STREAM_RESULT}`;
}

/** Principals' names by key, for the rows of a streamed timeline (looked up once per key). */
export const PRINCIPALS_BY_KEY = `
UNWIND $keys AS k
MATCH (p:${n(Group.Principal)} {principalKey: k})
RETURN ${nameOf('p')} AS name`;

/** One event with its principal and the resources it named. */
export const EVENT_BY_ID = `
MATCH (e:${n(Label.Event)} {eventId: $id})
OPTIONAL MATCH (p:${n(Group.Principal)} {principalKey: e.principalKey})
OPTIONAL MATCH (e)-[:${n(Rel.TOUCHED)}]->(r)
RETURN e, p, collect(r) AS resources`;

/** The principal an access key belongs to (the one with the most evidence). */
export const KEY_OWNER = `
MATCH (:${n(Label.AccessKey)} {accessKeyId: $key})-[r:${n(Rel.KEY_OF)}]->(p)
RETURN p.principalKey AS owner ORDER BY r.count DESC LIMIT 1`;

/**
 * Findings, filtered and sorted. Filters are parameters (null = not filtering); the sort
 * column is chosen from a fixed list by the caller, never taken from the request.
 */
export function findingsQuery(sort: FindingSort, descending: boolean): string {
  const where = `
WHERE ($severityMin IS NULL OR f.severity >= $severityMin)
  AND ($severityMax IS NULL OR f.severity <= $severityMax)
  AND ($typePrefix IS NULL OR f.type STARTS WITH $typePrefix)
  AND ($account IS NULL OR f.accountId = $account)
  AND ($region IS NULL OR f.region = $region)
  AND ($from IS NULL OR f.eventLastSeen >= $from)
  AND ($to IS NULL OR f.eventFirstSeen <= $to)
  AND ($text IS NULL OR toLower(f.title) CONTAINS $text OR toLower(f.type) CONTAINS $text OR toLower(coalesce(f.description, '')) CONTAINS $text)
  AND ($includeSamples OR NOT coalesce(f.sample, false))
  AND ($includeArchived OR NOT coalesce(f.archived, false))`;
  return `
MATCH (f:${n(Label.Finding)})${where}
WITH f ORDER BY f.${n(sort)} ${descending ? 'DESC' : 'ASC'}, f.findingId
WITH collect(f) AS matched
WITH matched, size(matched) AS total
UNWIND matched[$offset..$offset + $limit] AS f
OPTIONAL MATCH (f)-[:${n(Rel.AFFECTS)}]->(x)
WITH f, total, collect(x)[..3] AS affected
RETURN f, total, affected`;
}

export const FINDING_BY_ID = `
MATCH (f:${n(Label.Finding)} {findingId: $id})
OPTIONAL MATCH (f)-[r]->(x) WHERE type(r) IN $types
RETURN f, collect([r, x]) AS related`;

/** How many nodes of each label (answered from Neo4j's count store, whatever the size). */
export function labelCountsQuery(labels: readonly NodeLabel[]): string {
  return `RETURN ${labels.map((l) => `COUNT { (:${n(l)}) } AS ${n(l)}`).join(', ')}`;
}

/** The shortest observed paths between two entities, over the relationships investigations walk. */
export function shortestPathsQuery(fromKind: NodeLabel, toKind: NodeLabel, types: readonly string[], maxHops: number): string {
  if (!Number.isInteger(maxHops) || maxHops < 1 || maxHops > 8) throw new Error('maxHops must be 1 to 8');
  return `
MATCH (a:${n(fromKind)} {${n(nodes[fromKind].key)}: $from}), (b:${n(toKind)} {${n(nodes[toKind].key)}: $to})
MATCH p = allShortestPaths((a)-[:${types.map(n).join('|')}*..${maxHops}]-(b))
RETURN p LIMIT $limit`;
}

/** Entities of one kind whose key is exactly this value. */
export function exactKeyQuery(kind: NodeLabel): string {
  return `MATCH (n:${n(kind)} {${n(nodes[kind].key)}: $value}) RETURN n LIMIT 1`;
}

/** Entities of one kind with a property containing the text (backed by text indexes). */
export function containsQuery(kind: NodeLabel, property: string): string {
  return `MATCH (n:${n(kind)}) WHERE n.${n(property)} CONTAINS $text RETURN n ORDER BY n.lastSeen DESC LIMIT $limit`;
}

/** Addresses of a CIDR block: those starting with one of its prefixes, or its listed addresses (search.ts cidrTexts). */
export const ADDRESSES_IN_BLOCK = `
CALL () {
  UNWIND $prefixes AS prefix MATCH (n:${n(Label.IpAddress)}) WHERE n.ip STARTS WITH prefix RETURN n
  UNION ALL
  UNWIND $addresses AS address MATCH (n:${n(Label.IpAddress)} {ip: address}) RETURN n
}
RETURN n LIMIT $limit`;

/** Sessions by their assumed-role ARN (one role session name, many sessions over time). */
export const SESSIONS_BY_ARN = `
MATCH (n:${n(Label.RoleSession)} {arn: $value}) RETURN n ORDER BY n.lastSeen DESC LIMIT $limit`;

/** Flow aggregates from and to an entity's addresses (an IP itself, or an instance's), in time order. */
export function flowsOfQuery(kind: NodeLabel): string {
  const addresses =
    kind === Label.Ec2Instance
      ? `MATCH (:${n(Label.Ec2Instance)} {instanceId: $key})-[:${n(Rel.HAS_INTERFACE)}]->()-[:${n(Rel.HAS_IP)}]->(ip) WITH DISTINCT ip`
      : `MATCH (ip:${n(Label.IpAddress)} {ip: $key})`;
  return `
${addresses}
CALL (ip) {
  MATCH (ip)-[f:${n(Rel.FLOW)}]->(other) WHERE f.hour >= $from AND f.hour <= $to RETURN ip.ip AS src, other.ip AS dst, f
  UNION ALL
  MATCH (other)-[f:${n(Rel.FLOW)}]->(ip) WHERE f.hour >= $from AND f.hour <= $to RETURN other.ip AS src, ip.ip AS dst, f
}
RETURN src, dst, f ORDER BY f.hour, src, dst LIMIT $limit`;
}

/** Findings about an entity (it is their subject, or their action names it), by first sighting. */
export function findingsOfQuery(kind: NodeLabel): string {
  return `
MATCH (x:${n(kind)} {${n(nodes[kind].key)}: $key})<-[:${n(Rel.AFFECTS)}|${n(Rel.INVOLVES)}]-(f:${n(Label.Finding)})
WHERE f.eventLastSeen >= $from AND f.eventFirstSeen <= $to
RETURN DISTINCT f ORDER BY f.eventFirstSeen LIMIT $limit`;
}
