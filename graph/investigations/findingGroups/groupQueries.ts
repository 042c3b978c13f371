import { escapeName as n } from '../../cypher/escape';
import { Group, Label, Rel } from '../../vocabulary';

/**
 * The findings a grouping reads, each with the entities that can join it to others: what it is
 * about and what its action names (public addresses only: a private address is ambiguous across
 * VPCs), the principals its access keys belong to, and the people or roles that started the
 * sessions it is about (through role chains; AWS services, which start every instance's session,
 * never join findings).
 */
export const FINDINGS_TO_GROUP = `
MATCH (f:${n(Label.Finding)})
WHERE coalesce(f.sample, false) = false
  // A responder's archive decision (FindingTriage, from a case) overrides GuardDuty's flag.
  AND ($includeArchived OR NOT coalesce(head(COLLECT { MATCH (t:${n(Label.FindingTriage)} {findingId: f.findingId}) RETURN t.archived }), f.archived, false))
  AND coalesce(f.eventLastSeen, f.updatedAt) >= $from AND coalesce(f.eventFirstSeen, f.createdAt) <= $to
WITH f ORDER BY f.severity DESC, f.updatedAt DESC LIMIT $cap
CALL (f) {
  MATCH (f)-[:${n(Rel.AFFECTS)}|${n(Rel.INVOLVES)}]->(x)
  WHERE (x:${n(Group.Principal)} OR x:${n(Label.AccessKey)} OR x:${n(Label.Ec2Instance)} OR x:${n(Label.S3Bucket)} OR x:${n(Label.AwsResource)}
         OR x:${n(Label.NetworkInterface)} OR (x:${n(Label.IpAddress)} AND NOT coalesce(x.isPrivate, false)))
    AND NOT x:${n(Label.AwsService)}
  RETURN collect(DISTINCT [x, 'direct']) AS direct
}
CALL (f) {
  OPTIONAL MATCH (f)-[:${n(Rel.AFFECTS)}]->(:${n(Label.AccessKey)})-[:${n(Rel.KEY_OF)}]->(owner)
  WHERE NOT owner:${n(Label.AwsService)}
  RETURN collect(DISTINCT [owner, 'owner']) AS owners
}
CALL (f) {
  OPTIONAL MATCH (f)-[:${n(Rel.AFFECTS)}]->()-[:${n(Rel.KEY_OF)}*0..1]->(s:${n(Label.RoleSession)})<-[:${n(Rel.ASSUMED)}*1..4]-(starter)
  WHERE NOT starter:${n(Label.AwsService)} AND NOT starter:${n(Label.AwsAccountPrincipal)}
  RETURN collect(DISTINCT [starter, 'started']) AS starters
}
RETURN f, direct + owners + starters AS related`;
