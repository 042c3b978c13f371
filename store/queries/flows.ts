import type { TableSources } from '../eventStore';

/**
 * Flow volumes and records from the event store: the hourly volumes behind charts and exports
 * (vpcflow_hours: one row per hour, pair, port, protocol and action and per part of a file, so
 * rows of the same key are summed here), and the records behind a FLOW edge (vpcflow).
 */

/** The hourly rows of a set of addresses ($ips), both directions, whose hour is in [$from, $to]: summed per key. */
const HOURS_OF_ADDRESSES = (t: TableSources) => `
SELECT hour, src, dst, dstPort, protocol, action, sum(bytes) AS bytes, sum(packets) AS packets, sum(flows) AS flows,
       min(firstSeen) AS firstSeen, max(lastSeen) AS lastSeen
FROM ${t.vpcflow_hours}
WHERE hour >= $from AND hour <= $to AND (list_contains($ips, src) OR list_contains($ips, dst))
GROUP BY hour, src, dst, dstPort, protocol, action`;

/** Flow hours of addresses in time order (exports), one more than the cap to know if there are more. */
export const flowHoursSql = (t: TableSources) => `${HOURS_OF_ADDRESSES(t)}
ORDER BY hour, src, dst, dstPort, protocol, action LIMIT $limit`;

/** An address's flows whose span overlaps the scope, summed by direction, port, protocol and action (a profile's list). */
export const addressFlowGroupsSql = (t: TableSources) => `
WITH hours AS (
  SELECT src, dst, dstPort, protocol, action, bytes, packets, flows, firstSeen, lastSeen FROM ${t.vpcflow_hours}
  WHERE lastSeen >= $from AND firstSeen <= $to AND (src = $ip OR dst = $ip)
), sided AS (
  SELECT 'out' AS direction, dst AS other, * FROM hours WHERE src = $ip
  UNION ALL
  SELECT 'in' AS direction, src AS other, * FROM hours WHERE dst = $ip
)
SELECT direction, dstPort AS port, protocol, action, sum(bytes) AS bytes, sum(packets) AS packets, sum(flows) AS flows,
       count(DISTINCT other) AS peers, min(firstSeen) AS firstSeen, max(lastSeen) AS lastSeen, count(*) OVER () AS total
FROM sided GROUP BY direction, dstPort, protocol, action
ORDER BY bytes DESC, direction, port, protocol, action LIMIT $cap`;

/** Bytes out of and into a set of addresses per hour (an instance's traffic chart). */
export const trafficPerHourSql = (t: TableSources) => `
SELECT hour, 'out' AS direction, sum(bytes) AS bytes, sum(flows) AS flows
FROM ${t.vpcflow_hours} WHERE hour >= $from AND hour <= $to AND list_contains($ips, src)
GROUP BY hour
UNION ALL
SELECT hour, 'in' AS direction, sum(bytes) AS bytes, sum(flows) AS flows
FROM ${t.vpcflow_hours} WHERE hour >= $from AND hour <= $to AND list_contains($ips, dst)
GROUP BY hour
ORDER BY hour`;

const RECORDS_BETWEEN = 'src = $src AND dst = $dst AND start >= $from AND start <= $to';

/** The flow records between two addresses (a FLOW edge's drill-down), in time order, a page at a time. */
export const flowRecordsSql = (t: TableSources) => `
SELECT start, "end", src, dst, srcPort, dstPort, protocol, packets, bytes, action, tcpFlags, via, interfaceId, accountId, vpcId, subnetId, instanceId, region
FROM ${t.vpcflow} WHERE ${RECORDS_BETWEEN}
ORDER BY start, "end", srcPort, dstPort, protocol, action, interfaceId, bytes, packets, tcpFlags LIMIT $limit OFFSET $offset`;

/** How many records flowRecordsSql pages through. */
export const flowRecordCountSql = (t: TableSources) => `SELECT count(*) AS total FROM ${t.vpcflow} WHERE ${RECORDS_BETWEEN}`;

/**
 * Every flow record whose start is in [$from, $to], in time order (the whole-store OCSF export),
 * streamed. The order is total (ties broken by every column a record shows): the same records
 * export as the same bytes whatever order the segments hold them in (a compaction sorts them).
 */
export const everyFlowRecordSql = (t: TableSources) => `
SELECT json_array(start, "end", src, dst, srcPort, dstPort, protocol, packets, bytes, action, tcpFlags, interfaceId, accountId, vpcId, subnetId, instanceId, region)::VARCHAR
FROM ${t.vpcflow} WHERE start >= $from AND start <= $to
ORDER BY start, src, dst, "end", srcPort, dstPort, protocol, action, interfaceId, bytes, packets, tcpFlags`;

/** The columns of everyFlowRecordSql's rows, in order. */
export const FLOW_RECORD_COLUMNS = ['start', 'end', 'src', 'dst', 'srcPort', 'dstPort', 'protocol', 'packets', 'bytes', 'action', 'tcpFlags', 'interfaceId', 'accountId', 'vpcId', 'subnetId', 'instanceId', 'region'] as const;
