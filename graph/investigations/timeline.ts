import type { Graph } from '../driver';
import { cypherInt } from '../driver';
import { TrailhoundError } from '../errors';
import { Label, RESOURCE_LABELS, isPrincipalLabel, type NodeLabel } from '../vocabulary';
import type { EventStore } from '../../store/eventStore';
import { eventsWhere, timelinePageSql, timelineStreamSql, TIMELINE_COLUMNS, type EventFilters, type EventsOf, type TimelineColumn } from '../../store/queries/timelineEvents';
import { DISPLAY_NAME_PROPERTIES, displayName, type EntityRef, keyProperty, kindOf } from './entities';
import { KEY_OWNER, NAMED_SESSIONS_STARTED_BY, PRINCIPALS_BY_KEY, SESSIONS_STARTED_BY } from './readQueries';
import { iso } from './shapes';

/** One CloudTrail event as a timeline row: what happened, when, by whom, from where. */
export interface TimelineEvent {
  readonly eventId: string;
  readonly time: string;
  readonly eventName: string | null;
  readonly eventSource: string | null;
  readonly region: string | null;
  readonly accountId: string | null;
  readonly readOnly: boolean | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  /** The address the call came from (normalised). */
  readonly sourceIp: string | null;
  /** sourceIPAddress as logged when it is not an address (a service name); sourceIp holds addresses. */
  readonly sourceIPAddress: string | null;
  readonly userAgent: string | null;
  readonly accessKeyId: string | null;
  readonly principal: { readonly id: string; readonly kind: string; readonly label: string } | null;
  /** True when the event was made in a session the entity started (not by the entity itself). */
  readonly inSession: boolean;
}

export interface TimelinePage {
  readonly events: TimelineEvent[];
  /** Pass back as `cursor` for the next page; null at the end. */
  readonly nextCursor: string | null;
  /** For principals: how many principal keys the timeline covers (itself and its sessions). */
  readonly principals: { readonly count: number; readonly sessionsTruncated: boolean } | null;
}

export interface TimelineOptions {
  readonly from: number;
  readonly to: number;
  readonly includeSessions: boolean;
  readonly cursor: string | null;
  readonly limit: number;
  readonly filters?: TimelineFilters;
}

/** Narrow a timeline: one service (eventSource), one API, failures only, read-only or not, one source address, one user agent. */
export interface TimelineFilters extends EventFilters {
  /**
   * Only calls made by this principal (its key), not its sessions. On a user, role or access key
   * it asks for the calls that principal made naming it: the events behind an ACCESSED edge.
   */
  readonly principalKey?: string | undefined;
}

/** Sessions followed through role chains, at most: a service principal may start millions. */
export const MAX_SESSIONS = 20_000;

/**
 * Every event of an entity in time order, page by page: for a principal its own calls and,
 * with includeSessions, the calls of every session it started, through role chains; for an
 * access key the calls signed with it; for an address the calls made from it; for a resource
 * the calls that named it. Which keys and names come from the graph; the events from the store.
 */
export async function timelinePage(graph: Graph, events: EventStore, ref: EntityRef, options: TimelineOptions): Promise<TimelinePage> {
  const after = decodeCursor(options.cursor);
  const names = new PrincipalNames(graph);
  const source = await timelineSource(graph, ref, options.includeSessions, undefined, Boolean(options.filters?.principalKey));
  const { where, params } = eventsWhere(source.of, options.filters ?? {}, Math.max(options.from, after?.t ?? options.from), options.to);
  const rows = await events.all<Record<TimelineColumn, unknown>>(
    timelinePageSql(where, after !== null),
    { ...params, ...(after ? { afterTime: after.t, afterId: after.id } : {}), limit: options.limit + 1 },
    { from: Math.max(options.from, after?.t ?? options.from), to: options.to },
  );
  const page = rows.slice(0, options.limit);
  await names.learn(page.map((r) => r.principalKey));
  const shown = page.map((r) => eventOf(TIMELINE_COLUMNS.map((c) => r[c]), names, source.own).event);
  const last = shown[shown.length - 1];
  const more = rows.length > options.limit;
  return { events: shown, nextCursor: more && last ? encodeCursor(Date.parse(last.time), last.eventId) : null, principals: source.principals };
}

/**
 * Every event of an entity in time order, as one stream of batches (for exports): the same
 * events as the pages of timelinePage, each with its stored record when asked for, never all
 * in memory.
 */
export async function* timelineStream(
  graph: Graph,
  events: EventStore,
  ref: EntityRef,
  options: Pick<TimelineOptions, 'from' | 'to' | 'includeSessions' | 'filters'> & {
    /**
     * Every event's stored record: 'summary' without its request and response (the JSON export,
     * as it has always been), 'whole' with them (OCSF carries them as api.request/response.data).
     */
    readonly records: RecordDetail;
    /** Told, before the first batch, when the stream leaves events out (sessions past MAX_SESSIONS). */
    readonly onIncomplete?: (note: string) => void;
  },
): AsyncGenerator<{ readonly event: TimelineEvent; readonly raw: Record<string, unknown> | null }[]> {
  // A principal's timeline names only itself and its sessions: their names come with the walk
  // that finds the sessions, not a lookup per batch in the middle of the stream.
  const names = new PrincipalNames(graph);
  const source = await timelineSource(graph, ref, options.includeSessions, names, Boolean(options.filters?.principalKey));
  if (source.principals?.sessionsTruncated) {
    options.onIncomplete?.(`Sessions: only the events of ${MAX_SESSIONS.toLocaleString('en-US')} of the sessions it started are in this export, and it started more. Export a session on its own, or a shorter time range, to get the rest.`);
  }
  const { where, params } = eventsWhere(source.of, options.filters ?? {}, options.from, options.to);
  for await (const chunk of events.stream(timelineStreamSql(where, options.records !== 'none'), params, { from: options.from, to: options.to })) {
    const rows = chunk.map((row) => JSON.parse(row[0] as string) as unknown[]);
    await names.learn(rows.map((r) => r[COLUMN.principalKey]));
    yield rows.map((r) => eventOf(r, names, source.own, options.records !== 'none' ? r[TIMELINE_COLUMNS.length] : undefined, options.records === 'whole'));
  }
}

/**
 * Every event loaded in [from, to], whole records and all, in time order (the whole-store OCSF
 * export): the same rows and names as an entity's stream, with no entity to narrow them.
 */
export async function* everyEventStream(graph: Graph, events: EventStore, from: number, to: number): AsyncGenerator<{ readonly event: TimelineEvent; readonly raw: Record<string, unknown> | null }[]> {
  const names = new PrincipalNames(graph);
  const none = new Set<string>();
  for await (const chunk of events.stream(timelineStreamSql('time >= $from AND time <= $to', true), { from, to }, { from, to })) {
    const rows = chunk.map((row) => JSON.parse(row[0] as string) as unknown[]);
    await names.learn(rows.map((r) => r[COLUMN.principalKey]));
    yield rows.map((r) => eventOf(r, names, none, r[TIMELINE_COLUMNS.length], true));
  }
}

/** Where each timeline column sits in a row. */
const COLUMN = Object.fromEntries(TIMELINE_COLUMNS.map((c, i) => [c, i])) as Record<TimelineColumn, number>;

const text = (v: unknown) => (typeof v === 'string' ? v : null);

/** A timeline event from a row of TIMELINE_COLUMNS (and its record, for streams that asked for it). */
function eventOf(row: readonly unknown[], names: PrincipalNames, own: ReadonlySet<string>, record?: unknown, whole = false): { event: TimelineEvent; raw: Record<string, unknown> | null } {
  const principalKey = text(row[COLUMN.principalKey]);
  const readOnly = row[COLUMN.readOnly];
  const event: TimelineEvent = {
    eventId: String(row[COLUMN.eventId]),
    time: iso(Number(row[COLUMN.time])),
    eventName: text(row[COLUMN.eventName]),
    eventSource: text(row[COLUMN.eventSource]),
    region: text(row[COLUMN.region]),
    accountId: text(row[COLUMN.accountId]),
    readOnly: typeof readOnly === 'boolean' ? readOnly : null,
    errorCode: text(row[COLUMN.errorCode]),
    errorMessage: text(row[COLUMN.errorMessage]),
    sourceIp: text(row[COLUMN.sourceIp]),
    sourceIPAddress: text(row[COLUMN.sourceName]),
    userAgent: text(row[COLUMN.userAgent]),
    accessKeyId: text(row[COLUMN.accessKeyId]),
    principal: names.of(principalKey),
    inSession: principalKey !== null && own.size > 0 && !own.has(principalKey),
  };
  return { event, raw: exportedRecord(record, whole) };
}

/** How much of each event's stored record a stream carries. */
export type RecordDetail = 'none' | 'summary' | 'whole';

/**
 * What an export carries of an event's record besides its timeline row: the record without its
 * request and response (exports name the caller's identity and request id from it), as exports
 * have always carried it; or the whole record (OCSF: the request and response are the call's own).
 */
function exportedRecord(text: unknown, whole: boolean): Record<string, unknown> | null {
  if (typeof text !== 'string') return null;
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return null;
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return null;
  if (whole) return record as Record<string, unknown>;
  const { requestParameters: _request, responseElements: _response, ...rest } = record as Record<string, unknown>;
  return rest;
}

/** A timeline row from a store row (for the single-event route). */
export function timelineEventOf(row: Readonly<Record<string, unknown>>, principal: TimelineEvent['principal']): TimelineEvent {
  const names = new PrincipalNames(null);
  if (principal && typeof row.principalKey === 'string') names.set(row.principalKey, principal);
  return eventOf(
    TIMELINE_COLUMNS.map((c) => row[c]),
    names,
    new Set(),
  ).event;
}

/** Principals' display names by key, learnt in bulk and remembered. */
export class PrincipalNames {
  private readonly known = new Map<string, TimelineEvent['principal']>();
  constructor(private readonly graph: Graph | null) {}

  /** Looks up the keys not known yet (one query for a batch of rows). */
  async learn(keys: readonly unknown[]): Promise<void> {
    const unknown = [...new Set(keys.filter((k): k is string => typeof k === 'string' && !this.known.has(k)))];
    if (unknown.length === 0 || !this.graph) return;
    // Bounded: an address's timeline may name millions of principals over the years.
    if (this.known.size > 100_000) this.known.clear();
    for (const k of unknown) this.known.set(k, null);
    const result = await this.graph.read(PRINCIPALS_BY_KEY, { keys: unknown });
    this.remember(result.records.map((r) => r.get('name') as PrincipalNameRow));
  }

  set(key: string, principal: TimelineEvent['principal']): void {
    this.known.set(key, principal);
  }

  /** Sessions' names from rows of [key, roleArn, sessionName] (NAMED_SESSIONS_STARTED_BY). */
  rememberSessions(rows: readonly SessionNameRow[]): void {
    for (const [key, roleArn, sessionName] of rows) {
      if (!this.known.get(key)) this.known.set(key, { id: `${Label.RoleSession}:${key}`, kind: Label.RoleSession, label: displayName(Label.RoleSession, { [keyProperty(Label.RoleSession)]: key, roleArn, sessionName }) });
    }
  }

  /** Names from rows of [key, labels, [DISPLAY_NAME_PROPERTIES]] (PRINCIPALS_BY_KEY). */
  remember(rows: readonly PrincipalNameRow[]): void {
    for (const [key, labels, values] of rows) {
      const kind = kindOf(labels);
      if (!kind || this.known.get(key)) continue;
      const properties: Record<string, unknown> = { [keyProperty(kind)]: key };
      DISPLAY_NAME_PROPERTIES.forEach((name, i) => (properties[name] = values[i]));
      this.known.set(key, { id: `${kind}:${key}`, kind, label: displayName(kind, properties) });
    }
  }

  of(key: unknown): TimelineEvent['principal'] {
    return typeof key === 'string' ? (this.known.get(key) ?? null) : null;
  }
}

type PrincipalNameRow = readonly [key: string, labels: string[], values: unknown[]];
type SessionNameRow = readonly [key: string, roleArn: unknown, sessionName: unknown];

/** Where an entity's events come from: principal keys (itself and its sessions), an address, or a resource. */
export interface TimelineSource {
  readonly of: EventsOf;
  /** The entity's own principal key: events of any other key were made in its sessions. */
  readonly own: ReadonlySet<string>;
  readonly principals: TimelinePage['principals'];
}

/**
 * With `names`, the principals' names are learnt on the way (for streams, which name every row's
 * principal). `namedBy`: the events are those naming the entity (a user, role or key as the
 * resource of a call), narrowed to one principal by the filters.
 */
export async function timelineSource(graph: Graph, ref: EntityRef, includeSessions: boolean, names?: PrincipalNames, namedBy = false): Promise<TimelineSource> {
  const resource = (): TimelineSource => ({ of: { of: 'resource', resource: `${ref.kind}:${ref.key}` }, own: new Set(), principals: null });
  if (namedBy && (RESOURCE_LABELS as readonly NodeLabel[]).includes(ref.kind)) return resource();
  if (isPrincipalLabel(ref.kind) || ref.kind === Label.AccessKey) {
    const key = ref.kind === Label.AccessKey ? await keyOwner(graph, ref.key) : ref.key;
    const sessions = includeSessions ? await sessionsStartedBy(graph, key, names) : { keys: [], truncated: false };
    await names?.learn([key]);
    const keys = [key, ...sessions.keys];
    return {
      of: { of: 'principals', keys, accessKeyId: ref.kind === Label.AccessKey && !ref.key.startsWith('ASIA') ? ref.key : null },
      own: new Set([key]),
      principals: { count: keys.length, sessionsTruncated: sessions.truncated },
    };
  }
  if (ref.kind === Label.IpAddress) return { of: { of: 'address', ip: ref.key }, own: new Set(), principals: null };
  if (([Label.S3Bucket, Label.Ec2Instance, Label.AwsResource] as NodeLabel[]).includes(ref.kind)) return resource();
  throw new TrailhoundError('NO_TIMELINE', `${ref.kind} entities have no event timeline.`, 'Timelines exist for principals, access keys, IP addresses and resources.');
}

/** Whether any filter narrows the timeline (errorsOnly=false keeps all; readOnly=false does not). */
export function isFiltered(filters: TimelineFilters | undefined): boolean {
  if (!filters) return false;
  return (
    filters.errorsOnly === true ||
    [filters.eventSource, filters.eventName, filters.readOnly, filters.sourceIp, filters.userAgent, filters.principalKey].some((value) => value !== undefined && value !== null)
  );
}

/** An AKIA key's calls are its owner's calls made with it; an ASIA key is its own session. */
async function keyOwner(graph: Graph, accessKeyId: string): Promise<string> {
  if (accessKeyId.startsWith('ASIA')) return accessKeyId;
  const result = await graph.read(KEY_OWNER, { key: accessKeyId });
  const owner = result.records[0]?.get('owner') as string | undefined;
  if (!owner) throw new TrailhoundError('NOT_FOUND', `No principal is known to use access key ${accessKeyId}.`);
  return owner;
}

/** The sessions a principal started, through role chains (capped); with `names`, their names are learnt too. */
export async function sessionsStartedBy(graph: Graph, principalKey: string, names?: PrincipalNames): Promise<{ keys: string[]; truncated: boolean }> {
  const result = await graph.read(names ? NAMED_SESSIONS_STARTED_BY : SESSIONS_STARTED_BY, { key: principalKey, cap: cypherInt(MAX_SESSIONS) });
  const record = result.records[0];
  if (!record) return { keys: [], truncated: false };
  const total = record.get('total') as number;
  if (!names) {
    const keys = record.get('sessions') as string[];
    return { keys, truncated: total > keys.length };
  }
  const named = record.get('sessions') as SessionNameRow[];
  names.rememberSessions(named);
  return { keys: named.map(([key]) => key), truncated: total > named.length };
}

/**
 * Where the next page starts: the last event's time and id, as `<epoch ms>~<id in base64url>`.
 * Every text of that shape is a position (the OpenAPI document gives the pattern, CURSOR_PATTERN),
 * so a client can never send one the server cannot read.
 */
export const CURSOR_PATTERN = /^-?[0-9]{1,16}~[A-Za-z0-9_-]{0,400}$/;

export function encodeCursor(time: number, eventId: string): string {
  return `${time}~${Buffer.from(eventId).toString('base64url')}`;
}

export function decodeCursor(cursor: string | null): { t: number; id: string } | null {
  if (!cursor) return null;
  if (CURSOR_PATTERN.test(cursor)) {
    const at = cursor.indexOf('~');
    return { t: Number(cursor.slice(0, at)), id: Buffer.from(cursor.slice(at + 1), 'base64url').toString('utf8') };
  }
  throw new TrailhoundError('BAD_CURSOR', 'The cursor is not one this server gave out.', 'Start again without a cursor.');
}
