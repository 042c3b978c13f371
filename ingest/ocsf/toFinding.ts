import { GuardDutyResourceType } from '../guardduty/resourceTypes';
import { asObject, at, listAt, text, timeAt, unmappedOf, type Json } from './values';

/** OCSF severity_id back to a GuardDuty severity, when the number itself was not kept. */
const SEVERITY_FROM_ID: Record<number, number> = { 1: 1, 2: 2, 3: 5, 4: 8, 5: 9, 6: 10 };

/** Security Hub's ASFF type paths ("TTPs/Initial Access/UnauthorizedAccess:IAMUser-MaliciousIPCaller") end in GuardDuty's type with its first "/" written "-". */
const ASFF_TYPE = /^(TTPs|Effects|Unusual Behaviors|Software and Configuration Checks|Sensitive Data Identifications)\//;

/**
 * A Detection Finding (or 1.0's Security Finding) as Security Hub puts a GuardDuty finding into
 * Security Lake, turned back into the GuardDuty finding the GuardDuty reader knows: its id (the
 * end of the finding ARN), type, severity, resource (access key, instance, buckets and other
 * ARNs) and action (the API call, connection, port probes or DNS query its evidences show).
 */
export function findingFromOcsf(record: Json): { ok: true; finding: Json } | { ok: false; reason: string } {
  const uid = text(record, 'finding_info.uid') ?? text(record, 'metadata.uid');
  if (!uid) return { ok: false, reason: 'missing finding_info.uid' };
  const id = /\/finding\/([^/]+)$/.exec(uid)?.[1] ?? text(record, 'metadata.uid') ?? uid;
  const unmapped = unmappedOf(record);
  const types = at(record, 'finding_info.types');
  const firstType = Array.isArray(types) && typeof types[0] === 'string' ? types[0] : text(record, 'finding_info.title');
  if (!firstType) return { ok: false, reason: 'missing finding_info.types (the finding type)' };
  const type = ASFF_TYPE.test(firstType) ? firstType.split('/').pop()!.replace(/^([^:]+:[^-/]+)-/, '$1/') : firstType;
  const updated = timeAt(record, 'finding_info.modified_time') ?? timeAt(record, 'time');
  const created = timeAt(record, 'finding_info.created_time') ?? timeAt(record, 'finding_info.first_seen_time') ?? updated;
  const severityId = at(record, 'severity_id');
  const severity = Number(unmapped.severity ?? asObject(unmapped.Severity)?.Original ?? (typeof severityId === 'number' ? SEVERITY_FROM_ID[severityId] : undefined));
  const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
  const { resource, resourceType: guessed } = resourceOf(listAt(record, 'resources'));
  const resourceType = typeof unmapped.resourceType === 'string' ? unmapped.resourceType : guessed;
  const action = actionOf(listAt(record, 'evidences'));
  return {
    ok: true,
    finding: {
      id,
      arn: uid.startsWith('arn:') ? uid : undefined,
      type,
      title: text(record, 'finding_info.title'),
      description: text(record, 'finding_info.desc'),
      severity: Number.isFinite(severity) ? severity : undefined,
      accountId: text(record, 'cloud.account.uid') ?? text(record, 'cloud.account_uid'),
      region: text(record, 'cloud.region'),
      createdAt: iso(created),
      updatedAt: iso(updated),
      resource: { resourceType, ...resource },
      service: {
        eventFirstSeen: iso(timeAt(record, 'finding_info.first_seen_time')),
        eventLastSeen: iso(timeAt(record, 'finding_info.last_seen_time')),
        count: typeof at(record, 'count') === 'number' ? at(record, 'count') : undefined,
        archived: text(record, 'status') === 'Archived' || text(record, 'status') === 'Suppressed',
        detectorId: typeof unmapped.detectorId === 'string' ? unmapped.detectorId : undefined,
        additionalInfo: { sample: unmapped.sample === true || unmapped.sample === 'true' },
        action,
      },
    },
  };
}

function resourceOf(resources: Json[]): { resource: Json; resourceType: string | undefined } {
  const resource: Json = {};
  let resourceType: string | undefined;
  const buckets: Json[] = [];
  for (const r of resources) {
    const type = text(r, 'type');
    const uid = text(r, 'uid') ?? '';
    const data = asObject(r.data) ?? {};
    const first = (value: string) => (resourceType ??= value);
    if (type === 'AwsIamAccessKey') {
      const details = asObject(data.AwsIamAccessKey) ?? data;
      resource.accessKeyDetails = {
        accessKeyId: text(details, 'AccessKeyId') ?? /(AKIA|ASIA)[A-Z0-9]{12,}/.exec(uid)?.[0],
        principalId: text(details, 'PrincipalId'),
        userName: text(details, 'UserName') ?? text(details, 'PrincipalName'),
        userType: text(details, 'PrincipalType'),
      };
      first(GuardDutyResourceType.accessKey);
    } else if (type === 'AwsEc2Instance') {
      const details = asObject(data.AwsEc2Instance) ?? data;
      const instanceId = /instance\/(i-[0-9a-f]+)/.exec(uid)?.[1] ?? (/^i-[0-9a-f]+$/.test(uid) ? uid : undefined);
      if (!instanceId) continue;
      const labels = Array.isArray(r.labels) ? r.labels.filter((l): l is string => typeof l === 'string') : [];
      const addresses = Array.isArray(details.IpV4Addresses) ? details.IpV4Addresses.filter((a): a is string => typeof a === 'string') : [];
      const nics = listAt(details, 'NetworkInterfaces');
      resource.instanceDetails = {
        instanceId,
        instanceType: text(details, 'Type'),
        imageId: text(details, 'ImageId'),
        tags: labels.map((l) => ({ key: l.slice(0, Math.max(0, l.indexOf(':'))) || l, value: l.includes(':') ? l.slice(l.indexOf(':') + 1) : '' })),
        networkInterfaces: nics.map((n, i) => ({
          networkInterfaceId: text(n, 'NetworkInterfaceId'),
          privateIpAddress: text(n, 'PrivateIpAddress'),
          publicIp: text(n, 'PublicIp'),
          // ASFF lists the instance's addresses, not each interface's: with one interface they are its.
          privateIpAddresses: !text(n, 'PrivateIpAddress') && nics.length === 1 && i === 0 ? addresses.map((a) => ({ privateIpAddress: a })) : undefined,
          subnetId: text(n, 'SubnetId') ?? text(details, 'SubnetId'),
          vpcId: text(n, 'VpcId') ?? text(details, 'VpcId'),
        })),
      };
      first(GuardDutyResourceType.instance);
    } else if (type === 'AwsS3Bucket') {
      const name = text(r, 'name') ?? uid.replace(/^arn:[^:]+:s3:::/, '');
      if (name) buckets.push({ name, arn: uid.startsWith('arn:') ? uid : undefined });
      first(GuardDutyResourceType.s3Bucket);
    } else if (uid.startsWith('arn:')) {
      const byType: Record<string, [string, string]> = {
        AwsEksCluster: ['eksClusterDetails', 'arn'],
        AwsEcsCluster: ['ecsClusterDetails', 'arn'],
        AwsLambdaFunction: ['lambdaDetails', 'functionArn'],
        AwsRdsDbInstance: ['rdsDbInstanceDetails', 'dbInstanceArn'],
      };
      const known = type ? byType[type] : undefined;
      if (known) resource[known[0]] = { [known[1]]: uid, name: text(r, 'name') };
    }
  }
  if (buckets.length > 0) resource.s3BucketDetails = buckets;
  // GuardDuty's S3 findings name the key that acted and the bucket acted on: the bucket is what the finding is about.
  return { resource, resourceType: buckets.length > 0 ? GuardDutyResourceType.s3Bucket : resourceType };
}

/** GuardDuty's remoteIpDetails from an OCSF endpoint (and the organisation kept in the evidence's data). */
function ipDetails(endpoint: Json | undefined, data: Json | undefined): Json | undefined {
  const ip = text(endpoint, 'ip');
  if (!ip) return undefined;
  return {
    [ip.includes(':') ? 'ipAddressV6' : 'ipAddressV4']: ip,
    country: text(endpoint, 'location.country') ? { countryName: text(endpoint, 'location.country') } : undefined,
    city: text(endpoint, 'location.city') ? { cityName: text(endpoint, 'location.city') } : undefined,
    organization: asObject(data?.organization) ?? (text(endpoint, 'location.isp') ? { isp: text(endpoint, 'location.isp') } : undefined),
  };
}

function actionOf(evidences: Json[]): Json | undefined {
  const action: Json = {};
  const probes: Json[] = [];
  for (const e of evidences) {
    const data = asObject(e.data);
    const src = asObject(e.src_endpoint);
    const dst = asObject(e.dst_endpoint);
    if (asObject(e.api)) {
      action.actionType ??= 'AWS_API_CALL';
      action.awsApiCallAction = {
        api: text(e, 'api.operation'),
        serviceName: text(e, 'api.service.name'),
        errorCode: text(e, 'api.response.error'),
        remoteIpDetails: ipDetails(src, data),
      };
    } else if (asObject(e.connection_info)) {
      const direction = at(e, 'connection_info.direction_id');
      const inbound = direction === 1;
      const [remote, local] = inbound ? [src, dst] : [dst, src];
      const port = (endpoint: Json | undefined) => (typeof endpoint?.port === 'number' ? { port: endpoint.port } : undefined);
      action.actionType ??= 'NETWORK_CONNECTION';
      action.networkConnectionAction = {
        connectionDirection: inbound ? 'INBOUND' : direction === 2 ? 'OUTBOUND' : 'UNKNOWN',
        protocol: text(e, 'connection_info.protocol_name')?.toUpperCase(),
        remoteIpDetails: ipDetails(remote, data),
        remotePortDetails: port(remote),
        localPortDetails: port(local),
        localIpDetails: text(local, 'ip') ? { ipAddressV4: text(local, 'ip') } : undefined,
      };
    } else if (asObject(e.query)) {
      action.actionType ??= 'DNS_REQUEST';
      action.dnsRequestAction = { domain: text(e, 'query.hostname') };
    } else if (src) {
      probes.push({ remoteIpDetails: ipDetails(src, data), localPortDetails: typeof dst?.port === 'number' ? { port: dst.port } : undefined });
    }
  }
  if (probes.length > 0) {
    action.actionType ??= 'PORT_PROBE';
    action.portProbeAction = { portProbeDetails: probes };
  }
  return Object.keys(action).length > 0 ? action : undefined;
}
