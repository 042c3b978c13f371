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

/**
 * The sessions whose calls make up a principal's timeline (capped): every session it started,
 * through role chains, and, for a role, every session that ran as it (whoever started it) and
 * the sessions those chained to. A role makes no call of its own: everything done as a role is
 * done in one of its sessions.
 */
const sessionsOfPrincipal = (returned: string) => `
MATCH (p:${n(Group.Principal)} {principalKey: $key})
OPTIONAL MATCH (p)-[:${n(Rel.ASSUMED)}*1..8]->(started:${n(Label.RoleSession)})
WITH p, collect(DISTINCT started) AS started
OPTIONAL MATCH (p)<-[:${n(Rel.SESSION_OF)}]-(:${n(Label.RoleSession)})-[:${n(Rel.ASSUMED)}*0..8]->(ran:${n(Label.RoleSession)})
WHERE p:${n(Label.IamRole)}
WITH started, collect(DISTINCT ran) AS ran
UNWIND CASE WHEN size(started) + size(ran) = 0 THEN [null] ELSE started + ran END AS s
WITH collect(DISTINCT s) AS distinctSessions
WITH distinctSessions[..$cap] AS sessions, size(distinctSessions) AS total
RETURN ${returned} AS sessions, total`;

export const SESSIONS_STARTED_BY = sessionsOfPrincipal('[s IN sessions | s.principalKey]');

/**
 * The same walk for a streamed timeline, which names the principal of every row: each session
 * with what its name is made of, [key, roleArn, sessionName] (one walk instead of a lookup per
 * key; three properties, not every name property, halve the walk for thousands of sessions).
 */
export const NAMED_SESSIONS_STARTED_BY = sessionsOfPrincipal('[s IN sessions | [s.principalKey, s.roleArn, s.sessionName]]');

/** Principals' names by key, for the rows of a timeline (looked up once per key). */
export const PRINCIPALS_BY_KEY = `
UNWIND $keys AS k
MATCH (p:${n(Group.Principal)} {principalKey: k})
RETURN ${nameOf('p')} AS name`;

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
  AND ($includeArchived OR NOT coalesce(t.archived, f.archived, false))`;
  // A responder's archive decision (FindingTriage, from a case) overrides GuardDuty's flag.
  return `
MATCH (f:${n(Label.Finding)})
OPTIONAL MATCH (t:${n(Label.FindingTriage)} {findingId: f.findingId})
WITH f, t${where}
WITH f, t ORDER BY f.${n(sort)} ${descending ? 'DESC' : 'ASC'}, f.findingId
WITH collect([f, t]) AS matched
WITH matched, size(matched) AS total
UNWIND matched[$offset..$offset + $limit] AS ft
WITH ft[0] AS f, ft[1] AS t, total
OPTIONAL MATCH (f)-[:${n(Rel.AFFECTS)}]->(x)
WITH f, t, total, collect(x)[..3] AS affected
RETURN f, total, affected, CASE WHEN t IS NULL THEN null ELSE properties(t) END AS triage`;
}

export const FINDING_BY_ID = `
MATCH (f:${n(Label.Finding)} {findingId: $id})
OPTIONAL MATCH (t:${n(Label.FindingTriage)} {findingId: $id})
OPTIONAL MATCH (f)-[r]->(x) WHERE type(r) IN $types
RETURN f, collect([r, x]) AS related, CASE WHEN t IS NULL THEN null ELSE properties(t) END AS triage`;

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

/** Findings about an entity (it is their subject, or their action names it), by first sighting. */
export function findingsOfQuery(kind: NodeLabel): string {
  return `
MATCH (x:${n(kind)} {${n(nodes[kind].key)}: $key})<-[:${n(Rel.AFFECTS)}|${n(Rel.INVOLVES)}]-(f:${n(Label.Finding)})
WHERE f.eventLastSeen >= $from AND f.eventFirstSeen <= $to
RETURN DISTINCT f ORDER BY f.eventFirstSeen LIMIT $limit`;
}
