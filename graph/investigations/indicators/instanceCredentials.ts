import type { Graph } from '../../driver';
import { Label } from '../../vocabulary';
import type { EventStore } from '../../../store/eventStore';
import { sessionSourcesSql } from '../../../store/queries/indicators';
import { iso } from '../shapes';
import { addressEntity, plural, principalEntity, sampleIds, subjectEntity } from './evidence';
import { INSTANCE_SESSIONS } from './indicatorQueries';
import { networkName, type AddressFacts } from './observed';
import type { Subject } from './subject';
import type { Indicator } from './types';

/** Autonomous systems of Amazon (AWS and its CloudFront/Amazon.com networks). */
const AMAZON_ASNS = new Set([16509, 14618, 8987, 7224, 38895, 9059, 10124, 17493, 62785, 58588, 39111]);

export function isAmazonNetwork(facts: AddressFacts | undefined): boolean {
  if (!facts) return false;
  return (facts.asn !== null && AMAZON_ASNS.has(facts.asn)) || /\bamazon\b/i.test(facts.asnOrg ?? '');
}

interface InstanceSession {
  readonly key: string;
  readonly instanceId: string;
  readonly roleArn: string | null;
  readonly known: boolean;
  readonly own: string[];
  readonly vpc: string[];
}

interface SourceRow {
  readonly principalKey: string;
  readonly sourceIp: string | null;
  readonly sourceName: string | null;
  readonly calls: number;
  readonly firstTime: number;
  readonly lastTime: number;
  readonly eventIds: string[];
}

/**
 * Instance credentials used from outside: an instance profile's session (named by its instance
 * id) calling from a public address that is neither the instance's nor any interface's of its
 * VPC (its NAT gateway's among them). From outside AWS it is the signature of credentials taken
 * from the instance metadata service (GuardDuty's InstanceCredentialExfiltration.OutsideAWS);
 * from another AWS address it may be an unknown NAT, or the attacker's own instance. Private
 * addresses (VPC endpoints) and AWS services calling on the session's behalf stay inside.
 * `calls`: the kept table of the calls in scope.
 */
export async function instanceCredentialIndicators(
  graph: Graph,
  events: EventStore,
  subject: Subject,
  calls: string,
  addressFacts: (ips: string[]) => Promise<ReadonlyMap<string, AddressFacts>>,
): Promise<Indicator[]> {
  const result = await graph.read(INSTANCE_SESSIONS, { keys: subject.of.keys });
  const sessions = result.records.map((r) => r.toObject() as unknown as InstanceSession);
  if (sessions.length === 0) return [];
  // The kept scope holds every call of the subject's sessions, except for a long-term access key:
  // its scope is the calls signed with it, and a session's are signed with the session's own key.
  const rows = await events.all<SourceRow>(
    (t) => sessionSourcesSql(subject.of.accessKeyId === null ? calls : t.cloudtrail),
    { keys: sessions.map((s) => s.key), from: subject.from, to: subject.to },
    { from: subject.from, to: subject.to },
  );
  const outside = rows.filter((r) => r.sourceIp !== null);
  const facts = await addressFacts([...new Set(outside.map((r) => r.sourceIp!))]);
  const bySession = new Map(sessions.map((s) => [s.key, s]));
  const out: Indicator[] = [];
  for (const row of outside) {
    const session = bySession.get(row.principalKey);
    const ip = row.sourceIp!;
    const place = facts.get(ip);
    if (!session || place?.isPrivate || session.own.includes(ip) || session.vpc.includes(ip)) continue;
    const amazon = isAmazonNetwork(place);
    const where = [place?.country, networkName(place)].filter(Boolean).join(', ');
    out.push({
      id: `instanceCredentialsOutside:${session.key}:${ip}`,
      type: 'instanceCredentialsOutside',
      severity: amazon ? 'medium' : 'high',
      title: `Instance credentials used ${amazon ? 'from another AWS address' : 'outside AWS'}: ${session.instanceId}`,
      explanation: amazon
        ? `The credentials of instance ${session.instanceId} made ${plural(row.calls, 'call')} from ${ip}${where ? ` (${where})` : ''}, an AWS address the graph has never seen on that instance or its VPC: an unrecorded NAT gateway, or another machine holding its credentials.`
        : `The credentials delivered to instance ${session.instanceId} made ${plural(row.calls, 'call')} from ${ip}${where ? ` (${where})` : ''}, outside AWS: instance credentials only leave the instance when someone takes them from its metadata service.`,
      firstSeen: iso(row.firstTime),
      lastSeen: iso(row.lastTime),
      entities: [
        subjectEntity(subject),
        principalEntity(subject, session.key, 'instance session'),
        { id: `${Label.Ec2Instance}:${session.instanceId}`, kind: Label.Ec2Instance, key: session.instanceId, label: session.instanceId, role: session.known ? 'instance' : 'instance (named by the session, not otherwise seen)' },
        addressEntity(ip),
      ].filter((e, i, all) => all.findIndex((x) => x.id === e.id) === i),
      evidence: {
        eventIds: sampleIds(row.eventIds),
        eventCount: row.calls,
        timeline: { entity: `${Label.RoleSession}:${session.key}`, from: iso(subject.from), to: iso(subject.to), filters: { sourceIp: ip } },
      },
      tactics: ['Credential Access'],
      details: { instanceId: session.instanceId, session: session.key, role: session.roleArn, address: ip, insideAws: amazon, instanceAddresses: session.own.slice(0, 20), knownVpcAddresses: session.vpc.length },
    });
  }
  return out;
}
