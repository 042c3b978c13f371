import { at, text, timeAt, type Json } from './values';

/**
 * The flow-log fields an OCSF Network Activity record fills, as the header of a custom-format
 * flow log: records become lines of it, and the flow-log reader (aggregates, ledger, hourly
 * volumes) reads them as it reads any custom format.
 */
export const OCSF_FLOW_FIELDS = [
  'version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes',
  'start', 'end', 'action', 'log-status', 'vpc-id', 'subnet-id', 'instance-id', 'region', 'flow-direction',
] as const;

/**
 * One Network Activity record as a flow-log line, or why it cannot be one. Security Lake writes
 * one record per flow-log record (start/end in epoch ms, action_id 1 Allowed / 2 Denied,
 * connection_info.direction_id 1 Inbound / 2 Outbound); Trailhound's export writes an hour of
 * flows per record, which comes back as one record of that hour's packets and bytes.
 */
export function flowLineFromOcsf(record: Json): { ok: true; line: string } | { ok: false; reason: string } {
  const src = text(record, 'src_endpoint.ip');
  const dst = text(record, 'dst_endpoint.ip');
  if (!src || !dst) return { ok: false, reason: 'Network Activity without src_endpoint.ip and dst_endpoint.ip' };
  const start = timeAt(record, 'start_time') ?? timeAt(record, 'time');
  const end = timeAt(record, 'end_time') ?? start;
  if (start === undefined || end === undefined) return { ok: false, reason: 'Network Activity without start_time or time' };
  const actionId = at(record, 'action_id') ?? at(record, 'disposition_id');
  const caption = (text(record, 'action') ?? text(record, 'disposition'))?.toLowerCase();
  const action = actionId === 1 || caption === 'allowed' || caption === 'accept' ? 'ACCEPT' : actionId === 2 || caption === 'denied' || caption === 'blocked' || caption === 'reject' ? 'REJECT' : '-';
  const direction = at(record, 'connection_info.direction_id');
  const count = (path: string) => {
    const n = at(record, path);
    return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? String(n) : typeof n === 'string' && /^\d+$/.test(n) ? n : '0';
  };
  const fields = [
    '5',
    text(record, 'cloud.account.uid') ?? text(record, 'cloud.account_uid'),
    text(record, 'src_endpoint.interface_uid') ?? text(record, 'dst_endpoint.interface_uid'),
    src,
    dst,
    count('src_endpoint.port'),
    count('dst_endpoint.port'),
    count('connection_info.protocol_num'),
    count('traffic.packets'),
    count('traffic.bytes'),
    String(Math.floor(start / 1000)),
    String(Math.ceil(end / 1000)),
    action,
    'OK',
    text(record, 'src_endpoint.vpc_uid') ?? text(record, 'dst_endpoint.vpc_uid'),
    text(record, 'src_endpoint.subnet_uid') ?? text(record, 'dst_endpoint.subnet_uid'),
    text(record, 'src_endpoint.instance_uid') ?? text(record, 'dst_endpoint.instance_uid'),
    text(record, 'cloud.region'),
    direction === 1 ? 'ingress' : direction === 2 ? 'egress' : undefined,
  ];
  // A field is one token of the line: log text with spaces in it would shift every field after it.
  return { ok: true, line: fields.map((f) => (f === undefined || f === '' ? '-' : f.replace(/\s+/g, '_'))).join(' ') };
}
