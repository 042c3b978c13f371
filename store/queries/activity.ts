import type { TableSources } from '../eventStore';

/**
 * A principal's API activity in a scope, from the event store: what graph/investigations/
 * activity.ts summarises (calls per hour, per API, failures) and the baseline of "newly
 * observed" APIs. Each returns what the profile shows (hours, APIs), never hours times APIs.
 */
const PRINCIPAL_IN_SCOPE = 'principalKey = $key AND time >= $from AND time <= $to';

/** Calls per hour in the scope: every event of the principal. */
export const callsPerHourSql = (t: TableSources) => `
SELECT time - time % 3600000 AS hour, count(*) AS calls FROM ${t.cloudtrail} WHERE ${PRINCIPAL_IN_SCOPE} GROUP BY hour`;

/** Calls per API in the scope: only events that have both a source and a name. */
export const callsPerApiSql = (t: TableSources) => `
SELECT eventSource AS source, eventName AS name, count(*) AS calls FROM ${t.cloudtrail}
WHERE ${PRINCIPAL_IN_SCOPE} AND eventSource IS NOT NULL AND eventName IS NOT NULL GROUP BY eventSource, eventName`;

/** Failed calls per hour and API in the scope. */
export const failedCallsSql = (t: TableSources) => `
SELECT time - time % 3600000 AS hour, eventSource AS source, eventName AS name, count(*) AS calls FROM ${t.cloudtrail}
WHERE ${PRINCIPAL_IN_SCOPE} AND errorCode IS NOT NULL GROUP BY hour, eventSource, eventName`;

/** API names (of `$names`) the principal called in the baseline window before the scope. */
export const apisInBaselineSql = (t: TableSources) => `
SELECT DISTINCT eventName AS name FROM ${t.cloudtrail}
WHERE principalKey = $key AND time >= $baselineFrom AND time < $scopeFrom AND eventSource IS NOT NULL AND list_contains($names, eventName)`;
