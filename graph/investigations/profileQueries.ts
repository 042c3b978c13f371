import { escapeName as n } from '../cypher/escape';
import { Group, Label, Rel } from '../vocabulary';

/**
 * The graph queries behind an entity profile (graph/investigations/profile.ts), composed from the
 * vocabulary. Aggregate edges answer most questions; the activity histogram, newly observed APIs
 * and flow volumes come from the event store (store/queries/).
 */

const P = n(Group.Principal);

/** Out- and in-neighbours of a principal over its aggregate edges, ranked by evidence. */
export const PRINCIPAL_EDGES = `
MATCH (p:${P} {principalKey: $key})
CALL (p) {
  MATCH (p)-[r:${n(Rel.CALLED_FROM)}]->(ip) RETURN 'sourceIps' AS part, r, ip AS x ORDER BY r.count DESC LIMIT $cap
  UNION ALL
  MATCH (p)-[r:${n(Rel.USED_AGENT)}]->(ua) RETURN 'userAgents' AS part, r, ua AS x ORDER BY r.count DESC LIMIT $cap
  UNION ALL
  MATCH (p)-[r:${n(Rel.ACCESSED)}]->(res) RETURN 'resources' AS part, r, res AS x ORDER BY r.count DESC LIMIT $cap
  UNION ALL
  MATCH (k)-[r:${n(Rel.KEY_OF)}]->(p) RETURN 'accessKeys' AS part, r, k AS x ORDER BY r.lastSeen DESC LIMIT $cap
  UNION ALL
  MATCH (p)-[r:${n(Rel.SESSION_OF)}]->(role) RETURN 'runsAs' AS part, r, role AS x LIMIT $cap
  UNION ALL
  MATCH (p)-[r:${n(Rel.ON_INSTANCE)}]->(i) RETURN 'instances' AS part, r, i AS x LIMIT $cap
}
RETURN part, r, x`;

/** How many of each a principal has (the profile shows the top ones and says how many). */
export const PRINCIPAL_DEGREES = `
MATCH (p:${P} {principalKey: $key})
RETURN COUNT { (p)-[:${n(Rel.CALLED_FROM)}]->() } AS sourceIps,
       COUNT { (p)-[:${n(Rel.USED_AGENT)}]->() } AS userAgents,
       COUNT { (p)-[:${n(Rel.ACCESSED)}]->() } AS resources,
       COUNT { ()-[:${n(Rel.KEY_OF)}]->(p) } AS accessKeys,
       COUNT { (p)-[:${n(Rel.ASSUMED)}]->() } AS sessions,
       COUNT { (p)-[:${n(Rel.SESSION_OF)}]->() } AS runsAs,
       COUNT { (p)-[:${n(Rel.ON_INSTANCE)}]->() } AS instances`;

/** The sessions a principal started, through role chains, as a tree of ASSUMED edges. */
export const SESSION_TREE = `
MATCH (p:${P} {principalKey: $key})
OPTIONAL MATCH path = (p)-[:${n(Rel.ASSUMED)}*1..4]->(s:${n(Label.RoleSession)})
WITH path WHERE path IS NOT NULL
WITH path ORDER BY last(relationships(path)).firstSeen DESC LIMIT $cap
UNWIND relationships(path) AS r
WITH DISTINCT r
RETURN r, startNode(r) AS a, endNode(r) AS b`;

/** Who started this session, and who started them: the chain upwards. */
export const STARTED_BY_CHAIN = `
MATCH (s:${P} {principalKey: $key})
OPTIONAL MATCH path = (starter)-[:${n(Rel.ASSUMED)}*1..8]->(s)
WITH path WHERE path IS NOT NULL
WITH path ORDER BY length(path) DESC LIMIT 5
UNWIND relationships(path) AS r
WITH DISTINCT r
RETURN r, startNode(r) AS a, endNode(r) AS b`;

/**
 * How many findings there are, and the most severe (then most recent) `$cap` of them: a profile
 * never shows a capped list as if it were all there is.
 */
const TOTAL_AND_TOP_FINDINGS = `WITH f ORDER BY coalesce(f.severity, -1) DESC, f.updatedAt DESC
WITH collect(f) AS found
RETURN size(found) AS total, found[..$cap] AS findings`;

/** Findings about the entity, its access keys, or the sessions it started. */
export const FINDINGS_ABOUT = `
MATCH (x) WHERE elementId(x) IN $ids
MATCH (f:${n(Label.Finding)})-[:${n(Rel.AFFECTS)}|${n(Rel.INVOLVES)}]->(x)
WITH DISTINCT f
${TOTAL_AND_TOP_FINDINGS}`;

/** Everything about an IP address that the aggregates know. */
export const ADDRESS_EDGES = `
MATCH (ip:${n(Label.IpAddress)} {ip: $key})
CALL (ip) {
  MATCH (p)-[r:${n(Rel.CALLED_FROM)}]->(ip) RETURN 'principals' AS part, r, p AS x ORDER BY r.count DESC LIMIT $cap
  UNION ALL
  MATCH (i)-[r:${n(Rel.HAS_IP)}]->(ip) RETURN 'interfaces' AS part, r, i AS x LIMIT $cap
}
RETURN part, r, x`;

/** How many principals used an address and how many interfaces had it (the profile lists the top ones). */
export const ADDRESS_DEGREES = `
MATCH (ip:${n(Label.IpAddress)} {ip: $key})
RETURN COUNT { ()-[:${n(Rel.CALLED_FROM)}]->(ip) } AS principals,
       COUNT { ()-[:${n(Rel.HAS_IP)}]->(ip) } AS interfaces`;

/** An instance's interfaces and their addresses, and the sessions that ran on it. */
export const INSTANCE_EDGES = `
MATCH (i:${n(Label.Ec2Instance)} {instanceId: $key})
CALL (i) {
  MATCH (i)-[r:${n(Rel.HAS_INTERFACE)}]->(eni) RETURN 'interfaces' AS part, r, eni AS x, null AS y LIMIT $cap
  UNION ALL
  MATCH (i)-[:${n(Rel.HAS_INTERFACE)}]->(eni)-[r:${n(Rel.HAS_IP)}]->(ip) RETURN 'addresses' AS part, r, ip AS x, eni AS y LIMIT $cap
  UNION ALL
  MATCH (s)-[r:${n(Rel.ON_INSTANCE)}]->(i) RETURN 'sessions' AS part, r, s AS x, null AS y ORDER BY r.lastSeen DESC LIMIT $cap
}
RETURN part, r, x, y`;

/** How many interfaces, addresses and sessions an instance has (the profile lists the first ones). */
export const INSTANCE_DEGREES = `
MATCH (i:${n(Label.Ec2Instance)} {instanceId: $key})
RETURN COUNT { (i)-[:${n(Rel.HAS_INTERFACE)}]->() } AS interfaces,
       COUNT { (i)-[:${n(Rel.HAS_INTERFACE)}]->()-[:${n(Rel.HAS_IP)}]->() } AS addresses,
       COUNT { ()-[:${n(Rel.ON_INSTANCE)}]->(i) } AS sessions`;

/** The addresses an instance's interfaces had: its flow volumes are read from the store by them. */
export const INSTANCE_ADDRESSES = `
MATCH (:${n(Label.Ec2Instance)} {instanceId: $key})-[:${n(Rel.HAS_INTERFACE)}]->()-[:${n(Rel.HAS_IP)}]->(ip)
RETURN DISTINCT ip.ip AS ip`;

/**
 * Findings about a principal, its access keys, or the sessions it started (through role chains).
 * Two ways to find those about sessions, equal in result: walking down every session the
 * principal started, or walking up from every session a finding is about. The first costs the
 * principal's sessions (a CI user can start thousands a month) and their relationships, the
 * second every finding's AFFECTS relationships; FINDINGS_SHAPE counts both from Neo4j's count
 * store and the node's degree, which cost nothing, so the profile takes the cheaper way.
 */
export const FINDINGS_SHAPE = `
MATCH (p:${P} {principalKey: $key})
CALL () { MATCH ()-[r:${n(Rel.AFFECTS)}]->() RETURN count(r) AS findingLinks }
RETURN COUNT { (p)-[:${n(Rel.ASSUMED)}]->() } AS sessions, findingLinks`;

const FINDINGS_OF_PRINCIPAL = (sessionsBranch: string) => `
MATCH (p:${P} {principalKey: $key})
CALL (p) {
  MATCH (f:${n(Label.Finding)})-[:${n(Rel.AFFECTS)}|${n(Rel.INVOLVES)}]->(p) RETURN f
  UNION
  MATCH (f:${n(Label.Finding)})-[:${n(Rel.AFFECTS)}|${n(Rel.INVOLVES)}]->(:${n(Label.AccessKey)})-[:${n(Rel.KEY_OF)}]->(p) RETURN f
  UNION
  ${sessionsBranch}
}
${TOTAL_AND_TOP_FINDINGS}`;

/** Down from the principal through every session it started. */
export const PRINCIPAL_FINDINGS_VIA_SESSIONS = FINDINGS_OF_PRINCIPAL(
  `MATCH (p)-[:${n(Rel.ASSUMED)}*1..4]->(s:${n(Label.RoleSession)})<-[:${n(Rel.AFFECTS)}]-(f:${n(Label.Finding)}) RETURN f`,
);

/** Up from every session a finding is about, to see whether the principal started it. */
export const PRINCIPAL_FINDINGS_VIA_FINDINGS = FINDINGS_OF_PRINCIPAL(
  `MATCH (f:${n(Label.Finding)})-[:${n(Rel.AFFECTS)}]->(s:${n(Label.RoleSession)}) USING SCAN f:${n(Label.Finding)}
  WHERE EXISTS { (s)<-[:${n(Rel.ASSUMED)}*1..4]-(p) } RETURN f`,
);
