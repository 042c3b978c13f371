import type { Random } from '../random';

/** What a generated finding is about, and what its action names. */
export interface FindingSpec {
  readonly type: string;
  readonly severity: number;
  readonly title: string;
  readonly description: string;
  readonly account: string;
  readonly region: string;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly count: number;
  readonly resource:
    | { readonly kind: 'accessKey'; readonly accessKeyId: string; readonly userName: string; readonly userType: 'IAMUser' | 'AssumedRole' | 'Root'; readonly principalId: string }
    | {
        readonly kind: 'instance';
        readonly instanceId: string;
        readonly interfaceId: string;
        readonly privateIp: string;
        readonly publicIp?: string;
        readonly subnetId: string;
        readonly vpcId: string;
        readonly name: string;
      }
    | { readonly kind: 's3Bucket'; readonly bucket: string; readonly accessKeyId: string; readonly userName: string; readonly userType: 'IAMUser' | 'AssumedRole'; readonly principalId: string };
  readonly action:
    | { readonly kind: 'AWS_API_CALL'; readonly api: string; readonly service: string; readonly remoteIp: RemoteIp }
    | { readonly kind: 'NETWORK_CONNECTION'; readonly remoteIp: RemoteIp; readonly remotePort: number; readonly localPort: number; readonly localIp: string; readonly direction: 'OUTBOUND' | 'INBOUND' }
    | { readonly kind: 'PORT_PROBE'; readonly probes: readonly { readonly remoteIp: RemoteIp; readonly localPort: number }[]; readonly localIp: string };
}

export interface RemoteIp {
  readonly ip: string;
  readonly country: string;
  readonly city: string;
  readonly asn: number;
  readonly asnOrg: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * What GuardDuty's anomaly detection found unusual, for its *AnomalousBehavior findings (the
 * hours and the principal outside the learned profile); other findings carry nothing extra.
 */
function unusualBehaviour(spec: FindingSpec): Record<string, unknown> {
  if (!spec.type.endsWith('/AnomalousBehavior') || !('userName' in spec.resource)) return {};
  const hour = spec.firstSeen - (spec.firstSeen % 3_600_000);
  return {
    unusual: {
      hoursOfDay: [hour],
      userNames: [spec.resource.userName],
      ...(spec.action.kind === 'AWS_API_CALL' ? { apis: [`${spec.action.service}:${spec.action.api}`], asns: [String(spec.action.remoteIp.asn)] } : {}),
    },
  };
}

/** A GuardDuty finding in the camelCase shape of S3 exports and EventBridge's detail. */
export function guardDutyFinding(random: Random, spec: FindingSpec): Record<string, unknown> {
  const id = random.hex(32);
  const detector = random.hex(32);
  const remote = (r: RemoteIp) => ({
    ipAddressV4: r.ip,
    organization: { asn: String(r.asn), asnOrg: r.asnOrg, isp: r.asnOrg, org: r.asnOrg },
    country: { countryName: r.country },
    city: { cityName: r.city },
    geoLocation: { lat: 0, lon: 0 },
  });
  const resource =
    spec.resource.kind === 'instance'
      ? {
          resourceType: 'Instance',
          instanceDetails: {
            instanceId: spec.resource.instanceId,
            instanceType: 't3.medium',
            networkInterfaces: [
              {
                networkInterfaceId: spec.resource.interfaceId,
                privateIpAddress: spec.resource.privateIp,
                privateIpAddresses: [{ privateIpAddress: spec.resource.privateIp }],
                subnetId: spec.resource.subnetId,
                vpcId: spec.resource.vpcId,
                ipv6Addresses: [],
                ...(spec.resource.publicIp ? { publicIp: spec.resource.publicIp } : {}),
              },
            ],
            tags: [{ key: 'Name', value: spec.resource.name }],
            instanceState: 'running',
            availabilityZone: `${spec.region}a`,
            imageId: 'ami-0c2b8ca1dad447f8a',
          },
        }
      : spec.resource.kind === 'accessKey'
        ? {
            resourceType: 'AccessKey',
            accessKeyDetails: { accessKeyId: spec.resource.accessKeyId, principalId: spec.resource.principalId, userType: spec.resource.userType, userName: spec.resource.userName },
          }
        : {
            resourceType: 'S3Bucket',
            accessKeyDetails: { accessKeyId: spec.resource.accessKeyId, principalId: spec.resource.principalId, userType: spec.resource.userType, userName: spec.resource.userName },
            s3BucketDetails: [{ name: spec.resource.bucket, arn: `arn:aws:s3:::${spec.resource.bucket}`, type: 'Destination', owner: { id: random.hex(64) } }],
          };
  const action =
    spec.action.kind === 'PORT_PROBE'
      ? {
          actionType: 'PORT_PROBE',
          portProbeAction: {
            blocked: false,
            portProbeDetails: spec.action.probes.map((p) => ({ localPortDetails: { port: p.localPort, portName: 'Unknown' }, remoteIpDetails: remote(p.remoteIp), localIpDetails: { ipAddressV4: (spec.action as { localIp: string }).localIp } })),
          },
        }
      : spec.action.kind === 'AWS_API_CALL'
      ? { actionType: 'AWS_API_CALL', awsApiCallAction: { api: spec.action.api, serviceName: spec.action.service, callerType: 'Remote IP', remoteIpDetails: remote(spec.action.remoteIp), affectedResources: {} } }
      : {
          actionType: 'NETWORK_CONNECTION',
          networkConnectionAction: {
            connectionDirection: spec.action.direction,
            remoteIpDetails: remote(spec.action.remoteIp),
            remotePortDetails: { port: spec.action.remotePort, portName: 'Unknown' },
            localPortDetails: { port: spec.action.localPort, portName: 'Unknown' },
            localIpDetails: { ipAddressV4: spec.action.localIp },
            protocol: 'TCP',
            blocked: false,
          },
        };
  return {
    schemaVersion: '2.0',
    accountId: spec.account,
    region: spec.region,
    partition: 'aws',
    id,
    arn: `arn:aws:guardduty:${spec.region}:${spec.account}:detector/${detector}/finding/${id}`,
    type: spec.type,
    resource,
    service: {
      serviceName: 'guardduty',
      detectorId: detector,
      action,
      // The instance made the connection (beaconing out) or was on its receiving end (brute force, probes).
      resourceRole: spec.action.kind === 'NETWORK_CONNECTION' && spec.action.direction === 'OUTBOUND' ? 'ACTOR' : 'TARGET',
      additionalInfo: { value: JSON.stringify(unusualBehaviour(spec)), type: 'default' },
      eventFirstSeen: iso(spec.firstSeen),
      eventLastSeen: iso(spec.lastSeen),
      archived: false,
      count: spec.count,
    },
    severity: spec.severity,
    createdAt: iso(spec.firstSeen + 5 * 60_000),
    updatedAt: iso(spec.lastSeen + 10 * 60_000),
    title: spec.title,
    description: spec.description,
  };
}
