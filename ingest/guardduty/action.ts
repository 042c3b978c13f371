import { normalizeIp, type NormalizedIp } from '../common/ip';
import { str } from '../common/text';
import { field, fieldList, fieldObj } from './container';

/** An address a finding's action names, with how it is involved. */
export interface InvolvedAddress {
  readonly ip: NormalizedIp;
  /** GuardDuty's remoteIpDetails block: country, city, ASN and organisation. */
  readonly details: Record<string, unknown> | undefined;
  /** Properties of the INVOLVES edge: role, ports, protocol, direction, api. */
  readonly edge: Record<string, unknown>;
}

/**
 * Every address in a finding's action block, whatever the action type: the remote IP of an API
 * call, a network connection (and its local address), each port-probe source, the caller of a
 * Kubernetes API call or an RDS login attempt.
 */
export function involvedAddresses(action: Record<string, unknown> | undefined): InvolvedAddress[] {
  if (!action) return [];
  const out: InvolvedAddress[] = [];
  const add = (details: Record<string, unknown> | undefined, edge: Record<string, unknown>) => {
    const ip = normalizeIp(str(field(details, 'ipAddressV4')) ?? str(field(details, 'ipAddressV6')));
    if (ip && ip.ip !== '0.0.0.0') out.push({ ip, details, edge });
  };

  const api = fieldObj(action, 'awsApiCallAction');
  if (api) add(fieldObj(api, 'remoteIpDetails'), { role: 'remote', api: str(field(api, 'api')), service: str(field(api, 'serviceName')), errorCode: str(field(api, 'errorCode')) });

  const connection = fieldObj(action, 'networkConnectionAction');
  if (connection) {
    const edge = {
      role: 'remote',
      direction: str(field(connection, 'connectionDirection')),
      protocol: str(field(connection, 'protocol')),
      remotePort: port(fieldObj(connection, 'remotePortDetails')),
      localPort: port(fieldObj(connection, 'localPortDetails')),
      blocked: field(connection, 'blocked') === true,
    };
    add(fieldObj(connection, 'remoteIpDetails'), edge);
    add(fieldObj(connection, 'localIpDetails'), { ...edge, role: 'local' });
  }

  const probe = fieldObj(action, 'portProbeAction');
  for (const detail of fieldList(probe, 'portProbeDetails')) {
    add(fieldObj(detail, 'remoteIpDetails'), { role: 'portProbe', localPort: port(fieldObj(detail, 'localPortDetails')), blocked: field(probe, 'blocked') === true });
  }

  const kubernetes = fieldObj(action, 'kubernetesApiCallAction');
  if (kubernetes) add(fieldObj(kubernetes, 'remoteIpDetails'), { role: 'remote', api: str(field(kubernetes, 'verb')) });

  const rds = fieldObj(action, 'rdsLoginAttemptAction');
  if (rds) add(fieldObj(rds, 'remoteIpDetails'), { role: 'remote' });
  return out;
}

/** Country, city, ASN and organisation as IpAddress properties (geoSource "guardduty"). */
export function ipDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!details) return {};
  const organization = fieldObj(details, 'organization');
  const asn = Number(field(organization, 'asn'));
  const props = {
    country: str(field(fieldObj(details, 'country'), 'countryName')),
    city: str(field(fieldObj(details, 'city'), 'cityName')),
    asn: Number.isInteger(asn) && asn > 0 ? asn : undefined,
    asnOrg: str(field(organization, 'asnOrg')) ?? str(field(organization, 'org')),
    isp: str(field(organization, 'isp')),
  };
  const any = Object.values(props).some((v) => v !== undefined);
  return any ? { ...props, geoSource: 'guardduty' } : {};
}

function port(details: Record<string, unknown> | undefined): number | undefined {
  const n = Number(field(details, 'port'));
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}
