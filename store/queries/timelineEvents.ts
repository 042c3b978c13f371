import type { StoreParams, TableSources } from '../eventStore';

/**
 * The CloudTrail events a timeline holds, as SQL over the event store: which events (a
 * principal's keys, an address, a resource), the filters an investigator narrows them with,
 * and the row a timeline shows. Composed from fixed clauses; every value is a parameter.
 */

/** Whose events: principal keys (a principal and its sessions), the calls from an address, or those naming a resource ("Kind:key"). */
export type EventsOf =
  | { readonly of: 'principals'; readonly keys: readonly string[]; readonly accessKeyId: string | null }
  | { readonly of: 'address'; readonly ip: string }
  | { readonly of: 'resource'; readonly resource: string };

/** What narrows a timeline (undefined keeps all). */
export interface EventFilters {
  readonly eventSource?: string | undefined;
  readonly eventName?: string | undefined;
  readonly errorsOnly?: boolean | undefined;
  readonly readOnly?: boolean | undefined;
  readonly sourceIp?: string | undefined;
  readonly userAgent?: string | undefined;
  readonly principalKey?: string | undefined;
}

/** The columns of a timeline row, in the order the queries return them. */
export const TIMELINE_COLUMNS = [
  'eventId',
  'time',
  'eventName',
  'eventSource',
  'region',
  'accountId',
  'readOnly',
  'errorCode',
  'errorMessage',
  'sourceIp',
  'sourceName',
  'userAgent',
  'accessKeyId',
  'principalKey',
] as const;

export type TimelineColumn = (typeof TIMELINE_COLUMNS)[number];

/** The WHERE clause and its parameters for a timeline's events in [from, to]. */
export function eventsWhere(of: EventsOf, filters: EventFilters, from: number, to: number): { where: string; params: Record<string, StoreParams[string]> } {
  const clauses = ['time >= $from', 'time <= $to'];
  const params: Record<string, StoreParams[string]> = { from, to };
  if (of.of === 'principals') {
    clauses.push(of.keys.length === 1 ? 'principalKey = $key' : 'principalKey IN (SELECT unnest($keys))');
    if (of.keys.length === 1) params.key = of.keys[0]!;
    else params.keys = of.keys;
    if (of.accessKeyId) {
      clauses.push('accessKeyId = $accessKeyId');
      params.accessKeyId = of.accessKeyId;
    }
  } else if (of.of === 'address') {
    clauses.push('sourceIp = $ip');
    params.ip = of.ip;
  } else {
    clauses.push('list_contains(resources, $resource)');
    params.resource = of.resource;
  }
  const equal = (column: string, name: keyof EventFilters) => {
    const value = filters[name];
    if (value === undefined) return;
    clauses.push(`${column} = $${name}`);
    params[name] = value as string | boolean;
  };
  equal('eventSource', 'eventSource');
  equal('eventName', 'eventName');
  equal('readOnly', 'readOnly');
  equal('sourceIp', 'sourceIp');
  equal('userAgent', 'userAgent');
  equal('principalKey', 'principalKey');
  if (filters.errorsOnly) clauses.push('errorCode IS NOT NULL');
  return { where: clauses.join(' AND '), params };
}

/** A page of events after a cursor, (time, eventId) order, one more than the limit (to know whether there are more). */
export function timelinePageSql(where: string, after: boolean): (t: TableSources) => string {
  const cursor = after ? ' AND (time > $afterTime OR (time = $afterTime AND eventId > $afterId))' : '';
  return (t) => `SELECT ${TIMELINE_COLUMNS.join(', ')} FROM ${t.cloudtrail} WHERE ${where}${cursor} ORDER BY time, eventId LIMIT $limit`;
}

/**
 * A whole timeline as one ordered stream (exports): each row one JSON array (the timeline
 * columns, then the record when asked for), one value to cross into JavaScript instead of
 * fifteen, which is most of what reading a row costs.
 */
export function timelineStreamSql(where: string, withRecords: boolean): (t: TableSources) => string {
  // The record stays text inside the row (parsed by JavaScript when used): DuckDB's own JSON parser
  // would refuse a record JavaScript wrote (a lone surrogate escape) and end the export.
  const columns = [...TIMELINE_COLUMNS, ...(withRecords ? ['record'] : [])].join(', ');
  return (t) => `SELECT json_array(${columns})::VARCHAR AS row FROM ${t.cloudtrail} WHERE ${where} ORDER BY time, eventId`;
}

/** One event by id. */
export function eventByIdSql(t: TableSources): string {
  return `SELECT ${TIMELINE_COLUMNS.join(', ')}, resources, record FROM ${t.cloudtrail} WHERE eventId = $id LIMIT 1`;
}
