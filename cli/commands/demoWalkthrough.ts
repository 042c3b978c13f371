import { ATTACKER } from '../../demo/incident/story';
import type { ScenarioManifest } from '../../demo/scenario';

const enc = encodeURIComponent;

/**
 * What the demo prints once it serves: the incident in a few lines, then the calls that follow
 * it from the top finding to the leaked key's owner, the role chain, the bucket and the export.
 * Built from the scenario's cast, so the ids are the ones in the graph.
 */
export function describeWalkthrough(url: string, manifest: ScenarioManifest): string {
  const c = manifest.cast;
  const carol = `IamUser:${c.victim.arn}`;
  const started = c.startedAt.replace('T', ' ').slice(0, 16);
  return `The incident (from ${started} UTC):
  1. ${c.victim.name}'s long-term access key ${c.victim.accessKeyId} is used from ${ATTACKER.keyUse.ip} (${ATTACKER.keyUse.country}, AS${ATTACKER.keyUse.asn})
     with a Kali Linux Boto3 user agent: GetCallerIdentity, ListBuckets, ListRoles, DescribeInstances.
  2. It assumes ${roleName(c.adminRole)} (session ${c.adminSession}) and chains into ${roleName(c.chainedRole)} in account
     ${c.bucketAccount} (session ${c.chainedSession}).
  3. It reads secret ${c.secret} and SSM parameters, then 240 objects from s3://${c.bucket}.
  4. It creates the backdoor user ${ATTACKER.backdoorUser} with AdministratorAccess and a key (${c.backdoorKeyId}),
     used hours later from ${ATTACKER.backdoorUse.ip}.
  5. It runs a shell command on ${c.instance.instanceId}, which beacons to ${ATTACKER.c2.ip}:${ATTACKER.c2Port}.

Follow it (pipe through jq to read):
  The findings, most severe first:
    curl -s '${url}/api/findings?sort=severity'
  What the exfiltration finding reaches (the bucket, the chained session, the address):
    curl -s '${url}/api/findings/${c.findingIds.exfiltration}/blast-radius?hops=2'
  From that finding back to the owner of the leaked key:
    curl -s '${url}/api/paths?from=${enc(`Finding:${c.findingIds.exfiltration}`)}&to=${enc(carol)}'
  ${c.victim.name}'s profile: the new country, network and user agent, the sessions she started:
    curl -s '${url}/api/entities/IamUser/${enc(c.victim.arn)}'
  Everything done with her key, through both role sessions (the S3 reads included):
    curl -s '${url}/api/entities/IamUser/${enc(c.victim.arn)}/timeline?limit=500'
  The instance's C2 finding and its network neighbourhood:
    curl -s '${url}/api/findings/${c.findingIds.c2}/blast-radius'
  Hand the timeline over (csv, timesketch, ocsf, json):
    curl -s -o ${c.victim.name}-timeline.csv '${url}/api/export/timeline?entity=${enc(carol)}&format=csv'
  Keep a case: Case in the top bar, then ☆ Pin on what you conclude (verdict and note in the
  sidebar); Report shows it as \`npx trailhound case export <caseId> --format md\` writes it.
`;
}

function roleName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
