import type { TableSources } from '../eventStore';

/**
 * The event-store reads behind an investigation (graph/investigations/indicators). The entity's
 * calls are read from the segments once per window, into a table kept for the investigation
 * (EventStore.withTables): scopeCallsSql and baselineCallsSql take the WHERE clause of its events
 * (timelineEvents.eventsWhere: its keys, its sessions, the window). The segments are not sorted by
 * principal, so whoever is investigated, every segment in the window is read: once, not once per
 * aggregate. Every other query aggregates a kept table (`calls`, its quoted name) in DuckDB: a
 * principal with 100,000 calls in scope crosses into JavaScript as hundreds of rows.
 */

/** At most this many sample event ids per aggregate (the count says how many there are). */
export const SAMPLE_IDS = 10;

/**
 * The calls in scope, with every column an indicator reads but the record: records are most of
 * the store, and only the few calls whose technique depends on their request need theirs
 * (recordsSql).
 */
export const scopeCallsSql = (where: string) => (t: TableSources) => `
SELECT time, eventId, eventSource, eventName, region, errorCode, principalKey, sourceIp, sourceName, userAgent, resources
FROM ${t.cloudtrail} WHERE ${where}`;

/** The calls of the baseline, with what "newly observed" and the usual bursts are measured by. */
export const baselineCallsSql = (where: string) => (t: TableSources) => `
SELECT time, eventSource, eventName, region, errorCode, sourceIp, userAgent
FROM ${t.cloudtrail} WHERE ${where}`;

/**
 * What the entity did in one pass, by four dimensions at once: per source address, user agent,
 * region and API, how many calls, when first and last, and the first event (its proof).
 */
export const callDimensionsSql = (calls: string) => () => `
SELECT sourceIp, userAgent, region, eventSource, eventName,
       grouping(sourceIp) = 0 AS bySourceIp, grouping(userAgent) = 0 AS byUserAgent,
       grouping(region) = 0 AS byRegion, grouping(eventName) = 0 AS byApi,
       count(*) AS calls, count(errorCode) AS failures, min(time) AS firstTime, max(time) AS lastTime,
       min_by(eventId, time, ${SAMPLE_IDS}) AS eventIds
FROM ${calls}
GROUP BY GROUPING SETS ((sourceIp), (userAgent), (region), (eventSource, eventName))`;

/** The values each dimension had in the baseline: what "newly observed" is measured against. */
export const baselineDimensionsSql = (calls: string) => () => `
SELECT sourceIp, userAgent, region, eventSource, eventName,
       grouping(sourceIp) = 0 AS bySourceIp, grouping(userAgent) = 0 AS byUserAgent,
       grouping(region) = 0 AS byRegion, grouping(eventName) = 0 AS byApi, count(*) AS calls
FROM ${calls}
GROUP BY GROUPING SETS ((sourceIp), (userAgent), (region), (eventSource, eventName))`;

/**
 * Moves between countries: each call from a placed address after a call from another country,
 * with the distance between the countries' positions (haversine, km) and the speed it needs.
 * Only moves faster than $kmh over at least $minKm; the fastest first, with how many there are.
 * Places arrive as parallel lists ($placeIps, $placeCountries, $placeLats, $placeLons).
 */
export const countryMovesSql = (calls: string) => () => `
WITH places AS (
  SELECT unnest($placeIps) AS ip, unnest($placeCountries) AS country,
         unnest($placeLats)::DOUBLE AS lat, unnest($placeLons)::DOUBLE AS lon
), located AS (
  SELECT c.time, c.eventId, c.sourceIp, p.country, p.lat, p.lon
  FROM (SELECT time, eventId, sourceIp FROM ${calls} WHERE sourceIp IS NOT NULL) c
  JOIN places p ON c.sourceIp = p.ip
), steps AS (
  SELECT *, lag(country) OVER w AS fromCountry, lag(time) OVER w AS fromTime, lag(eventId) OVER w AS fromEventId,
         lag(sourceIp) OVER w AS fromIp, lag(lat) OVER w AS fromLat, lag(lon) OVER w AS fromLon
  FROM located WINDOW w AS (ORDER BY time, eventId)
), moves AS (
  SELECT fromCountry, fromTime, fromEventId, fromIp, country AS toCountry, time AS toTime, eventId AS toEventId, sourceIp AS toIp,
         2 * 6371 * asin(sqrt(pow(sin(radians(lat - fromLat) / 2), 2) + cos(radians(fromLat)) * cos(radians(lat)) * pow(sin(radians(lon - fromLon) / 2), 2))) AS km
  FROM steps WHERE fromCountry IS NOT NULL AND fromCountry <> country
)
SELECT *, km / greatest((toTime - fromTime) / 3600000.0, 1 / 60.0) AS kmh, count(*) OVER () AS total
FROM moves WHERE km >= $minKm AND km / greatest((toTime - fromTime) / 3600000.0, 1 / 60.0) > $kmh
ORDER BY kmh DESC, toTime LIMIT 20`;

/**
 * Calls to the APIs the ATT&CK mapping names (by service: the matcher decides per name), per
 * API and outcome, with the resources the first calls named.
 */
export const mappedCallsSql = (calls: string) => () => `
SELECT eventSource, eventName, errorCode IS NOT NULL AS failed, count(*) AS calls, min(time) AS firstTime, max(time) AS lastTime,
       min_by(eventId, time, ${SAMPLE_IDS}) AS eventIds, min_by(resources, time, 20) AS resources,
       list_distinct(min_by(principalKey, time, 50)) AS principals
FROM ${calls} WHERE list_contains($sources, eventSource)
GROUP BY eventSource, eventName, failed`;

/**
 * Calls whose mapping depends on what they asked (a snapshot shared publicly), earliest first;
 * names compared without Lambda's API-version suffix. Their records are read apart (recordsSql).
 */
export const conditionalCallsSql = (calls: string) => () => `
SELECT eventId, time, eventSource, eventName, errorCode, resources, principalKey
FROM ${calls} WHERE list_contains($names, regexp_replace(eventName, '[0-9]{8}(v[0-9]+)?$', ''))
ORDER BY time, eventId LIMIT $limit`;

/**
 * The stored records of events by id ($ids), all made in [$from, $to]. Read with the instants of
 * the events as its ranges, so that only the segments holding them are opened: a record column
 * is decompressed whole wherever one of its rows is read.
 */
export const recordsSql = (t: TableSources) => `
SELECT eventId, record FROM ${t.cloudtrail} WHERE time >= $from AND time <= $to AND eventId IN (SELECT unnest($ids))`;

/** Error codes that mean "not allowed": what a failed-call burst counts. */
const DENIED = `(errorCode IN ('AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Client.UnauthorizedOperation', 'AuthorizationError', 'Forbidden', 'UnauthorizedException')
  OR errorCode ILIKE '%AccessDenied%' OR errorCode ILIKE '%Unauthorized%')`;
/** Discovery calls: listing and describing what an account holds. */
const DISCOVERY = `(eventName LIKE 'List%' OR eventName LIKE 'Describe%' OR eventName IN ('GetAccountAuthorizationDetails', 'GetCallerIdentity', 'GetAccountSummary'))`;

/** The scope's fixed windows of $windowMs with at least $minDenied failures or $minDiscovery discovery APIs. */
export const burstWindowsSql = (calls: string) => () => `
SELECT * FROM (
  SELECT time - time % $windowMs AS windowStart, count(*) FILTER (WHERE ${DENIED}) AS denied,
         count(DISTINCT eventName) FILTER (WHERE ${DISCOVERY}) AS discovery, count(*) FILTER (WHERE ${DISCOVERY}) AS discoveryCalls,
         min_by(eventId, time, ${SAMPLE_IDS}) FILTER (WHERE ${DENIED}) AS deniedIds,
         min_by(eventId, time, ${SAMPLE_IDS}) FILTER (WHERE ${DISCOVERY}) AS discoveryIds,
         list(DISTINCT eventName ORDER BY eventName) FILTER (WHERE ${DISCOVERY}) AS discoveryApis,
         list(DISTINCT errorCode ORDER BY errorCode) FILTER (WHERE ${DENIED}) AS deniedCodes,
         min(time) AS firstTime, max(time) AS lastTime
  FROM ${calls} GROUP BY windowStart
) WHERE denied >= $minDenied OR discovery >= $minDiscovery ORDER BY windowStart LIMIT 200`;

/** The busiest window of the baseline (fixed windows of $windowMs): a burst must exceed it to count. */
export const baselineBurstsSql = (calls: string) => () => `
SELECT coalesce(max(denied), 0) AS denied, coalesce(max(discovery), 0) AS discovery FROM (
  SELECT count(*) FILTER (WHERE ${DENIED}) AS denied, count(DISTINCT eventName) FILTER (WHERE ${DISCOVERY}) AS discovery
  FROM ${calls} GROUP BY time - time % $windowMs
)`;

/**
 * Instance sessions' calls ($keys) in [$from, $to] per source, for those whose credentials may
 * have left the instance. `calls`: the kept scope, or the stored calls (t.cloudtrail).
 */
export const sessionSourcesSql = (calls: string) => `
SELECT principalKey, sourceIp, sourceName, count(*) AS calls, min(time) AS firstTime, max(time) AS lastTime,
       min_by(eventId, time, ${SAMPLE_IDS}) AS eventIds
FROM ${calls} WHERE principalKey IN (SELECT unnest($keys)) AND time >= $from AND time <= $to
GROUP BY principalKey, sourceIp, sourceName`;
