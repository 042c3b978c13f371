import { escapeName as n } from '../../cypher/escape';
import { Label, Rel } from '../../vocabulary';

/**
 * The graph reads behind an investigation, composed from the vocabulary: which sessions run as
 * a role, where addresses are, which sessions are an instance's, what GuardDuty and imported
 * threat intelligence say about addresses.
 */

/** The sessions that ran as a role and were active in the window, most recent first (capped). */
export const SESSIONS_OF_ROLE = `
MATCH (role:${n(Label.IamRole)} {principalKey: $key})
OPTIONAL MATCH (s:${n(Label.RoleSession)})-[:${n(Rel.SESSION_OF)}]->(role)
WHERE s.lastSeen >= $from AND s.firstSeen <= $to
WITH s ORDER BY s.lastSeen DESC
WITH collect(s.principalKey) AS sessions
RETURN sessions[..$cap] AS sessions, size(sessions) AS total`;

/** What the graph knows of addresses: location, network, whether private. */
export const ADDRESS_FACTS = `
UNWIND $ips AS address
MATCH (ip:${n(Label.IpAddress)} {ip: address})
RETURN ip.ip AS ip, ip.country AS country, ip.asn AS asn, ip.asnOrg AS asnOrg, coalesce(ip.isPrivate, false) AS isPrivate`;

/**
 * Sessions among `$keys` named like an instance (an instance profile's credentials carry the
 * instance id as their session name), with the instance and every address the graph has seen on
 * an interface of the instance's VPCs (its own, its NAT gateway's, its neighbours').
 */
export const INSTANCE_SESSIONS = `
UNWIND $keys AS k
MATCH (s:${n(Label.RoleSession)} {principalKey: k})
WHERE s.sessionName =~ 'i-[0-9a-f]{8}(?:[0-9a-f]{9})?'
OPTIONAL MATCH (i:${n(Label.Ec2Instance)} {instanceId: s.sessionName})
CALL (i) {
  OPTIONAL MATCH (i)-[:${n(Rel.HAS_INTERFACE)}]->(eni)-[:${n(Rel.HAS_IP)}]->(ip)
  RETURN collect(DISTINCT ip.ip) AS own
}
CALL (i) {
  OPTIONAL MATCH (i)-[:${n(Rel.HAS_INTERFACE)}]->()-[:${n(Rel.IN_SUBNET)}|${n(Rel.IN_VPC)}*1..2]->(v:${n(Label.Vpc)})
  OPTIONAL MATCH (v)<-[:${n(Rel.IN_SUBNET)}|${n(Rel.IN_VPC)}*1..2]-(:${n(Label.NetworkInterface)})-[:${n(Rel.HAS_IP)}]->(ip)
  WITH DISTINCT ip LIMIT 20000
  RETURN collect(ip.ip) AS vpc
}
RETURN s.principalKey AS key, s.sessionName AS instanceId, s.roleArn AS roleArn, i IS NOT NULL AS known, own, vpc`;

/** Public addresses that GuardDuty findings name as the other side of an action (not sample findings). */
export const ADDRESSES_IN_FINDINGS = `
UNWIND $ips AS address
MATCH (ip:${n(Label.IpAddress)} {ip: address})<-[r:${n(Rel.INVOLVES)}]-(f:${n(Label.Finding)})
WHERE coalesce(ip.isPrivate, false) = false AND coalesce(f.sample, false) = false AND coalesce(r.role, '') <> 'local'
WITH address, f ORDER BY f.severity DESC
RETURN address, collect({findingId: f.findingId, type: f.type, severity: f.severity, title: f.title})[..5] AS findings`;
