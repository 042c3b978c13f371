import { normalizeIp } from '../../ingest/common/ip';
import type { FlowEntry } from '../entries';
import { classFields, INFORMATIONAL, OCSF_VERSION, OcsfClasses, Profiles } from './vocabulary';

/**
 * OCSF 1.1.0 connection directions. The event store keeps flows summed per hour and pair of
 * addresses, not per interface, so the flow log's own flow-direction (ingress/egress of one
 * interface) is not there to copy: the direction is read from the addresses instead, private to
 * public Outbound, public to private Inbound, private to private Lateral, else Unknown.
 */
function direction(src: string, dst: string): { direction_id: number; direction: string } {
  const from = normalizeIp(src)?.isPrivate;
  const to = normalizeIp(dst)?.isPrivate;
  if (from === true && to === false) return { direction_id: 2, direction: 'Outbound' };
  if (from === false && to === true) return { direction_id: 1, direction: 'Inbound' };
  if (from === true && to === true) return { direction_id: 3, direction: 'Lateral' };
  return { direction_id: 0, direction: 'Unknown' };
}

/** ACCEPT is action Allowed / disposition Allowed, REJECT is action Denied / disposition Blocked (security_control profile). */
function decision(action: string): Record<string, unknown> {
  const accepted = action === 'ACCEPT';
  const rejected = action === 'REJECT';
  return {
    action_id: accepted ? 1 : rejected ? 2 : 0,
    action: accepted ? 'Allowed' : rejected ? 'Denied' : 'Unknown',
    disposition_id: accepted ? 1 : rejected ? 2 : 0,
    disposition: accepted ? 'Allowed' : rejected ? 'Blocked' : 'Unknown',
  };
}

const METADATA = { version: OCSF_VERSION, profiles: Profiles.cloudSecurityControl, product: { name: 'Amazon VPC', vendor_name: 'AWS', feature: { name: 'Flowlogs' } } };

/**
 * An hour of flows between two addresses (an entity's timeline export) as Network Activity
 * (activity 6, Traffic), with the `security_control` profile for what the security group or
 * network ACL decided.
 */
export function networkActivityRecord(f: FlowEntry): Record<string, unknown> {
  return {
    ...classFields(OcsfClasses.networkActivity, 6, 'Traffic'),
    ...INFORMATIONAL,
    time: Date.parse(f.firstSeen),
    start_time: Date.parse(f.firstSeen),
    end_time: Date.parse(f.lastSeen),
    metadata: METADATA,
    cloud: { provider: 'AWS' },
    src_endpoint: { ip: f.src },
    // Port 0 is the store's key for replies to a client's port: no port to state.
    dst_endpoint: f.dstPort > 0 ? { ip: f.dst, port: f.dstPort } : { ip: f.dst },
    connection_info: { protocol_num: f.protocol, ...direction(f.src, f.dst) },
    traffic: { bytes: f.bytes, packets: f.packets },
    ...decision(f.action),
    count: f.flows,
    unmapped: { hour: f.hour },
  };
}

/** One flow record as the event store keeps it (the whole-store export). */
export interface StoredFlowRecord {
  readonly start: number;
  readonly end: number;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number | null;
  readonly dstPort: number | null;
  readonly protocol: number | null;
  readonly packets: number | null;
  readonly bytes: number | null;
  readonly action: string | null;
  readonly tcpFlags: number | null;
  readonly interfaceId: string | null;
  readonly accountId: string | null;
  readonly vpcId: string | null;
  readonly subnetId: string | null;
  readonly instanceId: string | null;
  readonly region: string | null;
}

/**
 * One flow-log record as Security Lake writes it (Network Activity, Traffic): the interface that
 * logged it, its VPC, subnet and instance on the source endpoint, the account and region in
 * `cloud` where the log has them.
 */
export function flowRecordActivity(f: StoredFlowRecord): Record<string, unknown> {
  const where = { interface_uid: f.interfaceId ?? undefined, vpc_uid: f.vpcId ?? undefined, subnet_uid: f.subnetId ?? undefined, instance_uid: f.instanceId ?? undefined };
  return {
    ...classFields(OcsfClasses.networkActivity, 6, 'Traffic'),
    ...INFORMATIONAL,
    time: f.start,
    start_time: f.start,
    end_time: f.end,
    metadata: METADATA,
    cloud: { provider: 'AWS', region: f.region ?? undefined, account: f.accountId ? { uid: f.accountId } : undefined },
    src_endpoint: { ip: f.src, port: f.srcPort ?? undefined, ...where },
    dst_endpoint: { ip: f.dst, port: f.dstPort ?? undefined },
    connection_info: { protocol_num: f.protocol ?? undefined, tcp_flags: f.tcpFlags !== null && f.tcpFlags >= 0 ? f.tcpFlags : undefined, ...direction(f.src, f.dst) },
    traffic: { bytes: f.bytes ?? 0, packets: f.packets ?? 0 },
    ...decision(f.action ?? ''),
  };
}
