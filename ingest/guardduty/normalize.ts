import { FactsBuilder, type NodeRef, type RecordFacts } from '../../graph/facts';
import { Label, Rel, type NodeLabel } from '../../graph/vocabulary';
import { isAccountId } from '../common/arn';
import { normalizeIp } from '../common/ip';
import type { ReadRecord } from '../pipeline/types';
import { redactSecrets } from '../common/secrets';
import { str } from '../common/text';
import { parseTimestamp } from '../common/time';
import { accessKeyIdFrom } from '../cloudtrail/identity';
import { field, fieldList, fieldObj } from './container';
import { ipDetails, involvedAddresses, type InvolvedAddress } from './action';

export type NormalizeFindingResult = { readonly ok: true; readonly facts: RecordFacts } | { readonly ok: false; readonly reason: string };

/** GuardDuty's severity bands. */
export function severityLabel(severity: number): string {
  if (severity >= 9) return 'Critical';
  if (severity >= 7) return 'High';
  if (severity >= 4) return 'Medium';
  return 'Low';
}

/**
 * Sample findings (GuardDuty's "generate sample findings") say so in additionalInfo: `sample:
 * true`, or in the GetFindings API's form a JSON string `value` holding it. Older samples lack
 * the flag but carry placeholders where AWS assigns identifiers (instance i-99999999, key and
 * principal ids "GeneratedFinding...") or where GuardDuty's own geolocation names a city, which
 * no real finding can have. Text the attacker
 * writes (a user agent, a domain queried) is never looked at: a word in it must not turn a real
 * finding into a sample and detach it from the real key and user.
 */
export function isSampleFinding(finding: Record<string, unknown>): boolean {
  const info = fieldObj(fieldObj(finding, 'service'), 'additionalInfo');
  if (isTrue(field(info, 'sample'))) return true;
  const value = field(info, 'value');
  if (typeof value === 'string' && value.includes('sample')) {
    try {
      const parsed = JSON.parse(value) as unknown;
      if (parsed && typeof parsed === 'object' && isTrue((parsed as Record<string, unknown>).sample)) return true;
    } catch {
      // Not JSON: not a flag.
    }
  }
  const resource = fieldObj(finding, 'resource');
  const instanceId = field(fieldObj(resource, 'instanceDetails'), 'instanceId');
  const key = fieldObj(resource, 'accessKeyDetails');
  const generated = (v: unknown) => typeof v === 'string' && v.startsWith('GeneratedFinding');
  if (instanceId === 'i-99999999' || generated(field(key, 'accessKeyId')) || generated(field(key, 'principalId'))) return true;
  // The remote address's city comes from GuardDuty's geolocation data, never from the logs.
  const action = fieldObj(fieldObj(finding, 'service'), 'action') ?? {};
  return Object.values(action).some((detail) => {
    const remote = detail && typeof detail === 'object' ? fieldObj(detail as Record<string, unknown>, 'remoteIpDetails') : undefined;
    return generated(field(fieldObj(remote, 'city'), 'cityName'));
  });
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** A finding as the pipeline takes it: a graph record (the Finding and what it states). */
export function readFindingRecord(finding: Record<string, unknown>): ReadRecord {
  const result = normalizeFinding(finding);
  return result.ok ? { ok: true, item: { kind: 'facts', facts: result.facts } } : result;
}

/**
 * Turns one GuardDuty finding into graph facts: the Finding (a versioned node: the newest
 * updatedAt wins) and what it is about, keyed exactly as CloudTrail and flow logs key them, so
 * a pivot crosses sources. Sample findings keep their placeholders apart ("sample:" keys).
 */
export function normalizeFinding(finding: Record<string, unknown>): NormalizeFindingResult {
  const id = str(field(finding, 'id'));
  if (!id) return { ok: false, reason: 'missing id' };
  const type = str(field(finding, 'type'));
  if (!type) return { ok: false, reason: 'missing type' };
  const service = fieldObj(finding, 'service');
  const createdAt = parseTimestamp(field(finding, 'createdAt'));
  const updatedAt = parseTimestamp(field(finding, 'updatedAt')) ?? createdAt;
  if (updatedAt === null) return { ok: false, reason: 'missing updatedAt and createdAt' };
  const firstSeen = parseTimestamp(field(service, 'eventFirstSeen')) ?? createdAt ?? updatedAt;
  const lastSeen = parseTimestamp(field(service, 'eventLastSeen')) ?? updatedAt;
  const severity = numberOr(field(finding, 'severity')) ?? NaN;
  const accountId = str(field(finding, 'accountId'));
  const region = str(field(finding, 'region'));
  const sample = isSampleFinding(finding);
  const resource = fieldObj(finding, 'resource');
  const action = fieldObj(service, 'action');
  const actionType = str(field(action, 'actionType'));
  const apiCall = fieldObj(action, 'awsApiCallAction');

  const facts = new FactsBuilder(lastSeen);
  const seen = { firstSeen: Math.min(firstSeen, lastSeen), lastSeen: Math.max(firstSeen, lastSeen) };
  // The finding is the record: a version already in the graph (same or newer updatedAt) adds nothing.
  const findingRef = facts.record(
    Label.Finding,
    id,
    {
      findingId: id,
      arn: str(field(finding, 'arn')),
      type,
      title: cap(str(field(finding, 'title')), 1024),
      description: cap(str(field(finding, 'description')), 8192),
      severity: Number.isFinite(severity) ? severity : undefined,
      severityLabel: Number.isFinite(severity) ? severityLabel(severity) : undefined,
      createdAt: createdAt ?? undefined,
      updatedAt,
      eventFirstSeen: firstSeen,
      eventLastSeen: lastSeen,
      count: numberOr(field(service, 'count')),
      accountId,
      region,
      archived: field(service, 'archived') === true,
      sample,
      resourceType: str(field(resource, 'resourceType')),
      actionType,
      actionApi: str(field(apiCall, 'api')),
      actionService: str(field(apiCall, 'serviceName')),
      detectorId: str(field(service, 'detectorId')),
      raw: JSON.stringify(redactSecrets(finding)),
    },
    seen,
  );

  const graph = new FindingGraph(facts, findingRef, seen, sample, accountId, region);
  graph.resource(resource);
  for (const address of involvedAddresses(action)) graph.involves(address);
  const domain = str(field(fieldObj(action, 'dnsRequestAction'), 'domain'));
  if (domain) facts.link(Rel.INVOLVES, findingRef, facts.node(Label.Domain, graph.key(domain.toLowerCase()), { name: graph.key(domain.toLowerCase()) }, seen), { ...seen, props: { role: 'dnsQuery' } });
  return { ok: true, facts: facts.build() };
}

/** Adds what one finding is about, keeping sample placeholders apart from real entities. */
class FindingGraph {
  private readonly accounts = new Map<string, NodeRef>();

  constructor(
    private readonly facts: FactsBuilder,
    private readonly finding: NodeRef,
    private readonly seen: { firstSeen: number; lastSeen: number },
    private readonly sample: boolean,
    private readonly accountId: string | undefined,
    private readonly region: string | undefined,
  ) {}

  /** A sample finding's entities live under "sample:" keys and never merge into real ones. */
  key(value: string): string {
    return this.sample ? `sample:${value}` : value;
  }

  private entity(label: NodeLabel, key: string, props: Record<string, unknown>, owned = true): NodeRef {
    const ref = this.facts.node(label, key, this.sample ? { ...props, sample: true } : props, this.seen);
    if (owned && !this.sample && isAccountId(this.accountId)) {
      let account = this.accounts.get(this.accountId);
      if (!account) this.accounts.set(this.accountId, (account = this.facts.node(Label.Account, this.accountId, { accountId: this.accountId }, this.seen)));
      this.facts.link(Rel.IN_ACCOUNT, ref, account);
    }
    return ref;
  }

  private affects(ref: NodeRef): void {
    this.facts.link(Rel.AFFECTS, this.finding, ref, this.seen);
  }

  resource(resource: Record<string, unknown> | undefined): void {
    if (!resource) return;
    this.instance(fieldObj(resource, 'instanceDetails'));
    this.accessKey(fieldObj(resource, 'accessKeyDetails'));
    for (const bucket of fieldList(resource, 's3BucketDetails')) {
      const name = str(field(bucket, 'name'));
      if (name) this.affects(this.entity(Label.S3Bucket, this.key(name), { name: this.key(name), accountId: this.accountId, region: this.region }));
    }
    const byArn: [string, string, string][] = [
      ['eksClusterDetails', 'eks:cluster', 'arn'],
      ['ecsClusterDetails', 'ecs:cluster', 'arn'],
      ['lambdaDetails', 'lambda:function', 'functionArn'],
      ['rdsDbInstanceDetails', 'rds:db', 'dbInstanceArn'],
    ];
    for (const [block, resourceType, arnField] of byArn) {
      const details = fieldObj(resource, block);
      const arn = str(field(details, arnField));
      const name = str(field(details, 'name')) ?? str(field(details, 'functionName')) ?? str(field(details, 'dbInstanceIdentifier'));
      if (arn) this.affects(this.awsResource(this.key(arn), resourceType, name));
    }
    const container = fieldObj(resource, 'containerDetails');
    const containerId = str(field(container, 'id'));
    if (containerId) this.affects(this.awsResource(this.key(`container/${containerId}`), 'container', str(field(container, 'name'))));
  }

  private awsResource(arn: string, resourceType: string, name: string | undefined): NodeRef {
    return this.entity(Label.AwsResource, arn, { arn, resourceType, name, service: resourceType.split(':')[0], accountId: this.accountId, region: this.region });
  }

  private instance(details: Record<string, unknown> | undefined): void {
    const instanceId = str(field(details, 'instanceId'));
    if (!details || !instanceId) return;
    const name = fieldList(details, 'tags').find((t) => field(t, 'key') === 'Name');
    const instance = this.entity(Label.Ec2Instance, this.key(instanceId), {
      instanceId: this.key(instanceId),
      accountId: this.accountId,
      region: this.region,
      instanceType: str(field(details, 'instanceType')),
      imageId: str(field(details, 'imageId')),
      availabilityZone: str(field(details, 'availabilityZone')),
      name: str(field(name, 'value')),
    });
    this.affects(instance);
    for (const nic of fieldList(details, 'networkInterfaces')) {
      const interfaceId = str(field(nic, 'networkInterfaceId'));
      const addresses = [
        str(field(nic, 'privateIpAddress')),
        ...fieldList(nic, 'privateIpAddresses').map((a) => str(field(a, 'privateIpAddress'))),
        str(field(nic, 'publicIp')),
        ...(Array.isArray(field(nic, 'ipv6Addresses')) ? (field(nic, 'ipv6Addresses') as unknown[]).map(str) : []),
      ];
      if (!interfaceId) continue;
      const iface = this.entity(Label.NetworkInterface, this.key(interfaceId), { interfaceId: this.key(interfaceId), accountId: this.accountId, region: this.region });
      this.facts.link(Rel.HAS_INTERFACE, instance, iface, this.seen);
      for (const text of new Set(addresses)) {
        const ip = normalizeIp(text);
        if (ip && ip.ip !== '0.0.0.0') this.facts.link(Rel.HAS_IP, iface, this.address(ip.ip, { ip: ip.ip, version: ip.version, isPrivate: ip.isPrivate }), this.seen);
      }
      const subnetId = str(field(nic, 'subnetId'));
      const vpcId = str(field(nic, 'vpcId'));
      if (subnetId) {
        const subnet = this.entity(Label.Subnet, this.key(subnetId), { subnetId: this.key(subnetId), accountId: this.accountId, region: this.region });
        this.facts.link(Rel.IN_SUBNET, iface, subnet);
        if (vpcId) this.facts.link(Rel.IN_VPC, subnet, this.entity(Label.Vpc, this.key(vpcId), { vpcId: this.key(vpcId), accountId: this.accountId, region: this.region }));
      }
    }
  }

  /**
   * The key and its principal, keyed as CloudTrail keys them: an ASIA key belongs to the
   * RoleSession of that key; an AKIA key to the IAM user (or root). CloudTrail's KEY_OF and
   * ASSUMED edges then lead on to the sessions the principal started.
   */
  private accessKey(details: Record<string, unknown> | undefined): void {
    if (!details) return;
    const rawKey = str(field(details, 'accessKeyId'));
    const keyId = this.sample ? rawKey : accessKeyIdFrom(rawKey);
    const userType = str(field(details, 'userType'));
    const userName = str(field(details, 'userName'));
    if (keyId) {
      this.affects(this.entity(Label.AccessKey, this.key(keyId), { accessKeyId: this.key(keyId), keyType: keyId.startsWith('ASIA') ? 'temporary' : keyId.startsWith('AKIA') ? 'long-term' : undefined, accountId: this.accountId }));
    }
    if (keyId?.startsWith('ASIA') && !this.sample) {
      this.affects(this.entity(Label.RoleSession, keyId, { principalKey: keyId, accessKeyId: keyId, accountId: this.accountId, sessionType: userType }));
    } else if (userType === 'Root' && isAccountId(this.accountId)) {
      const arn = `arn:aws:iam::${this.accountId}:root`;
      this.affects(this.entity(Label.RootUser, this.key(arn), { principalKey: this.key(arn), arn: this.key(arn), accountId: this.accountId }));
    } else if (userType === 'IAMUser' && userName && isAccountId(this.accountId)) {
      const arn = `arn:aws:iam::${this.accountId}:user/${userName}`;
      this.affects(this.entity(Label.IamUser, this.key(arn), { principalKey: this.key(arn), arn: this.key(arn), userName: this.key(userName), accountId: this.accountId }));
    } else if (userType === 'AssumedRole' && userName && isAccountId(this.accountId) && !this.sample) {
      const arn = `arn:aws:iam::${this.accountId}:role/${userName}`;
      this.affects(this.entity(Label.IamRole, arn, { principalKey: arn, arn, roleName: userName, accountId: this.accountId }));
    }
  }

  involves(address: InvolvedAddress): void {
    const details = ipDetails(address.details);
    const props: Record<string, unknown> = { ip: this.key(address.ip.ip), version: address.ip.version, isPrivate: address.ip.isPrivate, ...details };
    this.facts.link(Rel.INVOLVES, this.finding, this.address(this.key(address.ip.ip), props, false), { ...this.seen, props: address.edge });
  }

  private address(ip: string, props: Record<string, unknown>, prefixed = true): NodeRef {
    const key = prefixed ? this.key(ip) : ip;
    return this.facts.node(Label.IpAddress, key, { ...props, ip: key, ...(this.sample ? { sample: true } : {}) }, this.seen);
  }
}

/** A number, or a string holding one (the CLI's output); null, "", true are not 0 or 1. */
function numberOr(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function cap(text: string | undefined, max: number): string | undefined {
  return text !== undefined && text.length > max ? `${text.slice(0, max)}…` : text;
}
