/**
 * A principal's API activity in a scope: calls per hour (success and failure) and per API.
 *
 * It is assembled from three index-only reads (graph/investigations/profileQueries.ts), because
 * reading three properties of every event from the store was most of a busy principal's profile:
 *   - calls per hour, from the (principalKey, time) index: every event;
 *   - calls per API, from the (principalKey, time, eventSource, eventName) index: only events
 *     that have both (a range index leaves out nodes missing one of its properties);
 *   - failed calls per hour and API, from the (principalKey, time, errorCode) index.
 * Calls that the API index does not hold are events without a source or a name: they are
 * counted under "unknown", so the totals stay exact. Each read returns what the profile shows
 * (hours, APIs), never hours times APIs: decoding rows is most of the server's share.
 */

export interface HourCount {
  readonly hour: number;
  readonly calls: number;
}

export interface ApiCount {
  readonly source: string | null;
  readonly name: string | null;
  readonly calls: number;
}

export interface ApiHourCount extends ApiCount {
  readonly hour: number;
}

export interface ActivityRows {
  readonly perHour: readonly HourCount[];
  /** Only events with both a source and a name. */
  readonly perApi: readonly ApiCount[];
  readonly failed: readonly ApiHourCount[];
}

export interface ApiActivity {
  readonly service: string;
  readonly name: string;
  calls: number;
  failures: number;
}

export interface Activity {
  readonly hourly: { hour: number; success: number; failure: number }[];
  readonly apis: ApiActivity[];
}

const UNKNOWN = 'unknown';

export function summariseActivity(rows: ActivityRows): Activity {
  const apis = new Map<string, ApiActivity>();
  const api = (source: string | null, name: string | null): ApiActivity => {
    // Events without a source or a name are not in the API index: one "unknown" entry for them all.
    const complete = source !== null && name !== null;
    const service = complete ? source.replace(/\.amazonaws\.com$/, '') : UNKNOWN;
    const apiName = complete ? name : UNKNOWN;
    const id = complete ? `${service}\u0000${apiName}` : UNKNOWN;
    let entry = apis.get(id);
    if (!entry) {
      entry = { service, name: apiName, calls: 0, failures: 0 };
      apis.set(id, entry);
    }
    return entry;
  };

  let named = 0;
  for (const r of rows.perApi) {
    api(r.source, r.name).calls += r.calls;
    named += r.calls;
  }
  const failures = new Map<number, number>();
  for (const r of rows.failed) {
    api(r.source, r.name).failures += r.calls;
    failures.set(r.hour, (failures.get(r.hour) ?? 0) + r.calls);
  }
  let total = 0;
  const hourly = [...rows.perHour]
    .sort((a, b) => a.hour - b.hour)
    .map(({ hour, calls }) => {
      total += calls;
      const failure = failures.get(hour) ?? 0;
      return { hour, success: calls - failure, failure };
    });
  if (total > named) api(null, null).calls += total - named;
  return { hourly, apis: [...apis.values()] };
}
