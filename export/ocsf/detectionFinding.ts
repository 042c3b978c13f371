import { obj } from '../../ingest/common/text';
import type { FindingEntry } from '../entries';
import { classFields, findingSeverity, OCSF_VERSION, OcsfClasses, Profiles } from './vocabulary';

type Json = Record<string, unknown>;

/**
 * A GuardDuty finding as Security Hub's findings reach Security Lake (Detection Finding, OCSF
 * 1.1.0; the OCSF project's "Security Hub / Detection Finding" mapping): the finding in
 * `finding_info`, what it is about in `resources` (AwsIamAccessKey, AwsEc2Instance, AwsS3Bucket,
 * as ASFF names them, details in `data`), and the addresses, calls and queries of its action in
 * `evidences`. GuardDuty's numeric severity and sample flag, which OCSF has no attribute for,
 * are in `unmapped`.
 */
export function detectionFindingRecord(f: FindingEntry, time: number, raw: Json | null): Json {
  const created = f.firstSeen ? Date.parse(f.firstSeen) : undefined;
  const updated = f.updatedAt ? Date.parse(f.updatedAt) : undefined;
  const finding = raw ?? {};
  const service = obj(finding.service);
  const isUpdate = created !== undefined && updated !== undefined && typeof finding.createdAt === 'string' && Date.parse(finding.createdAt) < updated;
  return {
    ...classFields(OcsfClasses.detectionFinding, isUpdate ? 2 : 1, isUpdate ? 'Update' : 'Create'),
    ...findingSeverity(f.severity),
    time,
    metadata: { version: OCSF_VERSION, profiles: Profiles.cloud, product: { name: 'GuardDuty', vendor_name: 'AWS' }, uid: f.findingId },
    finding_info: {
      uid: typeof finding.arn === 'string' ? finding.arn : f.findingId,
      // Required by Detection Finding: the type stands in for a finding without a title.
      title: f.title ?? f.type,
      desc: f.description ?? undefined,
      types: [f.type],
      created_time: typeof finding.createdAt === 'string' ? Date.parse(finding.createdAt) : undefined,
      first_seen_time: created,
      last_seen_time: f.lastSeen ? Date.parse(f.lastSeen) : undefined,
      modified_time: updated,
    },
    cloud: { provider: 'AWS', region: f.region ?? undefined, account: f.accountId ? { uid: f.accountId } : undefined },
    resources: resourcesOf(obj(finding.resource), f),
    evidences: evidencesOf(obj(service?.action)),
    count: typeof service?.count === 'number' ? service.count : undefined,
    status: service?.archived === true ? 'Archived' : undefined,
    unmapped: {
      severity: f.severity,
      sample: f.sample,
      ...(typeof service?.detectorId === 'string' ? { detectorId: service.detectorId } : {}),
      ...(typeof obj(finding.resource)?.resourceType === 'string' ? { resourceType: obj(finding.resource)!.resourceType } : {}),
    },
  };
}

function resourcesOf(resource: Json | undefined, f: FindingEntry): Json[] | undefined {
  if (!resource) return undefined;
  const out: Json[] = [];
  const region = f.region ?? undefined;
  const key = obj(resource.accessKeyDetails);
  if (key) {
    out.push({
      type: 'AwsIamAccessKey',
      uid: `AWS::IAM::AccessKey:${String(key.accessKeyId ?? '')}`,
      region,
      data: { AwsIamAccessKey: { AccessKeyId: key.accessKeyId, PrincipalId: key.principalId, PrincipalName: key.userName, PrincipalType: key.userType, UserName: key.userName } },
    });
  }
  const instance = obj(resource.instanceDetails);
  if (instance && typeof instance.instanceId === 'string') {
    const nics = Array.isArray(instance.networkInterfaces) ? instance.networkInterfaces.map(obj).filter((n): n is Json => n !== undefined) : [];
    const addresses = nics.flatMap((n) => [n.privateIpAddress, n.publicIp]).filter((a): a is string => typeof a === 'string');
    const tags = Array.isArray(instance.tags) ? instance.tags.map(obj).filter((t): t is Json => t !== undefined) : [];
    out.push({
      type: 'AwsEc2Instance',
      uid: `arn:aws:ec2:${region ?? ''}:${f.accountId ?? ''}:instance/${instance.instanceId}`,
      region,
      labels: tags.map((t) => `${String(t.key)}:${String(t.value)}`),
      data: {
        AwsEc2Instance: {
          Type: instance.instanceType,
          ImageId: instance.imageId,
          IpV4Addresses: addresses,
          VpcId: nics[0]?.vpcId,
          SubnetId: nics[0]?.subnetId,
          // ASFF keeps interface ids only; each interface's own addresses go along for a faithful graph.
          NetworkInterfaces: nics.map((n) => ({ NetworkInterfaceId: n.networkInterfaceId, PrivateIpAddress: n.privateIpAddress, PublicIp: n.publicIp, SubnetId: n.subnetId, VpcId: n.vpcId })),
        },
      },
    });
  }
  const buckets = Array.isArray(resource.s3BucketDetails) ? resource.s3BucketDetails.map(obj) : [];
  for (const bucket of buckets) if (typeof bucket?.name === 'string') out.push({ type: 'AwsS3Bucket', uid: `arn:aws:s3:::${bucket.name}`, name: bucket.name, region });
  return out.length > 0 ? out : undefined;
}

function evidencesOf(action: Json | undefined): Json[] | undefined {
  if (!action) return undefined;
  const out: Json[] = [];
  const endpoint = (details: Json | undefined, port?: unknown) => {
    const ip = details?.ipAddressV4 ?? details?.ipAddressV6;
    if (typeof ip !== 'string') return undefined;
    const country = obj(details?.country)?.countryName;
    const city = obj(details?.city)?.cityName;
    const organization = obj(details?.organization);
    return {
      ip,
      port: typeof port === 'number' ? port : undefined,
      location: typeof country === 'string' || typeof city === 'string' ? { country: typeof country === 'string' ? country : undefined, city: typeof city === 'string' ? city : undefined, isp: organization?.isp } : undefined,
    };
  };
  const port = (details: unknown) => obj(details)?.port;
  const api = obj(action.awsApiCallAction);
  if (api) {
    out.push({
      api: { operation: String(api.api ?? 'Unknown'), service: typeof api.serviceName === 'string' ? { name: api.serviceName } : undefined, response: typeof api.errorCode === 'string' ? { error: api.errorCode } : undefined },
      src_endpoint: endpoint(obj(api.remoteIpDetails)),
      data: obj(api.remoteIpDetails)?.organization ? { organization: obj(api.remoteIpDetails)?.organization } : undefined,
    });
  }
  const connection = obj(action.networkConnectionAction);
  if (connection) {
    const inbound = connection.connectionDirection === 'INBOUND';
    const remote = endpoint(obj(connection.remoteIpDetails), port(connection.remotePortDetails));
    const local = endpoint(obj(connection.localIpDetails), port(connection.localPortDetails)) ?? (port(connection.localPortDetails) !== undefined ? { port: port(connection.localPortDetails), name: 'local' } : undefined);
    out.push({
      src_endpoint: inbound ? remote : local,
      dst_endpoint: inbound ? local : remote,
      connection_info: { protocol_name: typeof connection.protocol === 'string' ? connection.protocol.toLowerCase() : undefined, direction_id: inbound ? 1 : connection.connectionDirection === 'OUTBOUND' ? 2 : 0 },
      data: obj(connection.remoteIpDetails)?.organization ? { organization: obj(connection.remoteIpDetails)?.organization } : undefined,
    });
  }
  const probe = obj(action.portProbeAction);
  for (const detail of Array.isArray(probe?.portProbeDetails) ? probe.portProbeDetails.map(obj) : []) {
    const src = endpoint(obj(detail?.remoteIpDetails));
    if (src) out.push({ src_endpoint: src, dst_endpoint: { port: port(detail?.localPortDetails), name: 'local' } });
  }
  const dns = obj(action.dnsRequestAction);
  if (dns && typeof dns.domain === 'string') out.push({ query: { hostname: dns.domain, type: 'A', class: 'IN' } });
  return out.length > 0 ? out : undefined;
}
