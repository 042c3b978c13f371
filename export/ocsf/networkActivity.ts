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

/**
 * An hour of flows between two addresses as Network Activity (activity 6, Traffic), with the
 * `security_control` profile for what the security group or network ACL decided: ACCEPT is
 * action Allowed / disposition Allowed, REJECT is action Denied / disposition Blocked.
 */
export function networkActivityRecord(f: FlowEntry): Record<string, unknown> {
  const accepted = f.action === 'ACCEPT';
  const rejected = f.action === 'REJECT';
  return {
    ...classFields(OcsfClasses.networkActivity, 6, 'Traffic'),
    ...INFORMATIONAL,
    time: Date.parse(f.firstSeen),
    start_time: Date.parse(f.firstSeen),
    end_time: Date.parse(f.lastSeen),
    metadata: { version: OCSF_VERSION, profiles: Profiles.cloudSecurityControl, product: { name: 'Amazon VPC', vendor_name: 'AWS', feature: { name: 'Flowlogs' } } },
    cloud: { provider: 'AWS' },
    src_endpoint: { ip: f.src },
    // Port 0 is the store's key for replies to a client's port: no port to state.
    dst_endpoint: f.dstPort > 0 ? { ip: f.dst, port: f.dstPort } : { ip: f.dst },
    connection_info: { protocol_num: f.protocol, ...direction(f.src, f.dst) },
    traffic: { bytes: f.bytes, packets: f.packets },
    action_id: accepted ? 1 : rejected ? 2 : 0,
    action: accepted ? 'Allowed' : rejected ? 'Denied' : 'Unknown',
    disposition_id: accepted ? 1 : rejected ? 2 : 0,
    disposition: accepted ? 'Allowed' : rejected ? 'Blocked' : 'Unknown',
    count: f.flows,
    unmapped: { hour: f.hour },
  };
}
