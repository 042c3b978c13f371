import type { FlowRecord } from '../api/types';

/**
 * What the flow-records panel shows of the records behind a FLOW edge: protocol names, endpoints,
 * counts, times and pages. Pure functions: every value is rendered by React as text.
 */

/** Records per page of the panel (the API's default page). */
export const FLOW_PAGE = 100;

// The names the graph's port summaries use ("443/tcp ACCEPT"), so the table reads like the edge.
const PROTOCOLS: Readonly<Record<number, string>> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };

/** An IANA protocol number as a reader knows it: tcp, udp, icmp; any other as its number. */
export function protocolName(protocol: number): string {
  return PROTOCOLS[protocol] ?? String(protocol);
}

/** 2345 -> "2,345": counts, packets and bytes, exact (evidence is not rounded). */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "3 records", "1 record". */
export function recordCount(n: number): string {
  return `${formatCount(n)} record${n === 1 ? '' : 's'}`;
}

/**
 * One end of a record: "10.0.1.25:45021", "[2001:db8::1]:443" (an IPv6 address is bracketed, so
 * its port stays apart); ICMP has types and codes, not ports: the address alone.
 */
export function endpoint(ip: string, port: number, protocol: number): string {
  if (protocol === 1 || protocol === 58) return ip;
  return `${ip.includes(':') ? `[${ip}]` : ip}:${port}`;
}

/** "2024-08-01T11:00:00.000Z" -> "2024-08-01 11:00:00" (UTC, to the second, as flow logs are). */
export function shortTime(iso: string): string {
  return iso.replace('T', ' ').slice(0, 19);
}

/** The span of an edge, to the minute: "2024-08-01 11:00 → 2024-08-01 19:21"; none: all time. */
export function spanText(from: string | undefined, to: string | undefined): string {
  if (!from && !to) return 'all time';
  const minute = (t: string | undefined) => (t ? t.replace('T', ' ').slice(0, 16) : '…');
  return `${minute(from)} → ${minute(to)}`;
}

/** Which rows a page shows: "1-100 of 2,345"; a page past the end: "0 of 2,345". */
export function pageRange(offset: number, shown: number, total: number): string {
  return shown === 0 ? `0 of ${formatCount(total)}` : `${formatCount(offset + 1)}-${formatCount(offset + shown)} of ${formatCount(total)}`;
}

/** The offset of the next page, or null on the last one. */
export function nextOffset(offset: number, total: number, page = FLOW_PAGE): number | null {
  return offset + page < total ? offset + page : null;
}

/** The offset of the previous page, or null on the first one; from past the end (a stale link), the last page. */
export function previousOffset(offset: number, total: number, page = FLOW_PAGE): number | null {
  if (offset <= 0) return null;
  if (offset >= total) return total > 0 ? Math.floor((total - 1) / page) * page : 0;
  return Math.max(0, offset - page);
}

/** Where a record was logged, for a tooltip: "i-0a1b… · vpc-… · 444455556666 · us-east-1 · via 10.0.0.5". */
export function recordContext(f: Pick<FlowRecord, 'instanceId' | 'vpcId' | 'subnetId' | 'accountId' | 'region' | 'via'>): string {
  return [f.instanceId, f.vpcId, f.subnetId, f.accountId, f.region, f.via?.length ? `via ${f.via.join(', ')}` : null].filter(Boolean).join(' · ');
}
