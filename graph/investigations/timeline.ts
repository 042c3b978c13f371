import type { Node as Neo4jNode } from 'neo4j-driver';
import type { Graph } from '../driver';
import { cypherInt } from '../driver';
import { TrailhoundError } from '../errors';
import { storedRecord } from '../events';
import { parseTimelineRow, type TimelineRowFields } from '../timelineRow';
import { Label, RESOURCE_LABELS, isPrincipalLabel, type NodeLabel } from '../vocabulary';
import { DISPLAY_NAME_PROPERTIES, displayName, type EntityRef, keyProperty, kindOf } from './entities';
import {
  ALL_EVENTS_FROM_ADDRESS,
  ALL_EVENTS_OF_PRINCIPALS,
  ALL_UNFILTERED_EVENTS_OF_PRINCIPALS,
  EVENTS_FROM_ADDRESS,
  EVENTS_OF_PRINCIPALS,
  KEY_OWNER,
  NAMED_SESSIONS_STARTED_BY,
  PRINCIPALS_BY_KEY,
  SESSIONS_STARTED_BY,
  TIMELINE_COLUMNS,
  UNFILTERED_EVENTS_OF_PRINCIPALS,
  allEventsTouchingQuery,
  eventsTouchingQuery,
} from './readQueries';
import { iso } from './shapes';

/**
 * One CloudTrail event as a timeline row: what happened, when, by whom, from where. What it
 * shows is the Event's stored timeline row (graph/timelineRow.ts), with the principal named.
 */
export interface TimelineEvent extends Omit<TimelineRowFields, 'principalKey'> {
  readonly eventId: string;
  readonly time: string;
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
export interface TimelineFilters {
  readonly eventSource?: string | undefined;
  readonly eventName?: string | undefined;
  readonly errorsOnly?: boolean | undefined;
  readonly readOnly?: boolean | undefined;
  readonly sourceIp?: string | undefined;
  readonly userAgent?: string | undefined;
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
 * the calls that named it.
 */
export async function timelinePage(graph: Graph, ref: EntityRef, options: TimelineOptions): Promise<TimelinePage> {
  const after = decodeCursor(options.cursor);
  const source = await timelineSource(graph, ref, options.includeSessions, undefined, Boolean(options.filters?.principalKey));
  const params = {
    ...filterParams(options.filters),
    ...source.params,
    from: cypherInt(Math.max(options.from, after?.t ?? options.from)),
    to: cypherInt(options.to),
    afterTime: cypherInt(after?.t ?? -1),
    afterId: after?.id ?? '',
    limit: cypherInt(options.limit + 1),
  };
  const unfiltered = !isFiltered(options.filters) && !source.params.accessKeyId;
  const query =
    source.of === 'principals' ? (unfiltered ? UNFILTERED_EVENTS_OF_PRINCIPALS : EVENTS_OF_PRINCIPALS) : source.of === 'address' ? EVENTS_FROM_ADDRESS : eventsTouchingQuery(ref.kind);
  const result = await graph.read(query, params, { timeoutMs: 30_000 });
  const rows = result.records.map((r) => toTimelineEvent(r.get('e') as Neo4jNode, r.get('p') as Neo4jNode | null, source.own));
  const events = rows.slice(0, options.limit);
  const last = events[events.length - 1];
  const more = rows.length > options.limit;
  return { events, nextCursor: more && last ? encodeCursor(Date.parse(last.time), last.eventId) : null, principals: source.principals };
}

/** How long one streamed timeline may run: an export of millions of events at tens of thousands a second. */
const STREAM_TIMEOUT_MS = 30 * 60_000;
/**
 * Every event of an entity in time order, as one stream of batches (for exports): the same
 * events as the pages of timelinePage, each with its stored record when asked for or needed,
 * never all in memory.
 */
export async function* timelineStream(
  graph: Graph,
  ref: EntityRef,
  options: Pick<TimelineOptions, 'from' | 'to' | 'includeSessions' | 'filters'> & {
    /** Every event's stored record (OCSF and JSON use it); otherwise only where a row needs it. */
    readonly withRecords: boolean;
    /** Told, before the first batch, when the stream leaves events out (sessions past MAX_SESSIONS). */
    readonly onIncomplete?: (note: string) => void;
  },
): AsyncGenerator<{ readonly event: TimelineEvent; readonly raw: Record<string, unknown> | null }[]> {
  // A principal's timeline names only itself and its sessions: their names come with the walk
  // that finds the sessions, not a lookup per batch in the middle of the stream (for a user with
  // 6,652 sessions those lookups were half of the export's time).
  const principals = new PrincipalNames(graph);
  const source = await timelineSource(graph, ref, options.includeSessions, principals, Boolean(options.filters?.principalKey));
  if (source.principals?.sessionsTruncated) {
    options.onIncomplete?.(`Sessions: only the events of ${MAX_SESSIONS.toLocaleString('en-US')} of the sessions it started are in this export, and it started more. Export a session on its own, or a shorter time range, to get the rest.`);
  }
  const unfiltered = !isFiltered(options.filters) && !source.params.accessKeyId;
  const query =
    source.of === 'principals' ? (unfiltered ? ALL_UNFILTERED_EVENTS_OF_PRINCIPALS : ALL_EVENTS_OF_PRINCIPALS) : source.of === 'address' ? ALL_EVENTS_FROM_ADDRESS : allEventsTouchingQuery(ref.kind);
  const params = { ...filterParams(options.filters), ...source.params, from: cypherInt(options.from), to: cypherInt(options.to), withRecords: options.withRecords };
  for await (const rows of inEventOrder(graph.stream<unknown[]>(query, params, { timeoutMs: STREAM_TIMEOUT_MS }))) {
    const read = rows.map(readRow);
    await principals.learn(read.map((r) => r.shown.principalKey));
    yield read.map((r) => eventOf(r, principals.of(r.shown.principalKey), source.own));
  }
}

/**
 * Rows that Neo4j sorted by time alone, in (time, eventId) order, the timeline's order: rows of
 * one time are adjacent, so each run of ties is sorted as it closes (a run may continue into the
 * next batch, so the batch's last run waits for it). eventIds compare as Neo4j compares strings,
 * by UTF-16 code unit.
 */
export async function* inEventOrder(batches: AsyncIterable<readonly (readonly unknown[])[]>): AsyncGenerator<(readonly unknown[])[]> {
  let run: (readonly unknown[])[] = [];
  const close = (into: (readonly unknown[])[]) => {
    if (run.length > 1) run.sort((a, b) => (String(a[COLUMN.eventId]) < String(b[COLUMN.eventId]) ? -1 : 1));
    for (const row of run) into.push(row);
    run = [];
  };
  for await (const rows of batches) {
    const ready: (readonly unknown[])[] = [];
    for (const row of rows) {
      if (run.length > 0 && row[COLUMN.time] !== run[0]![COLUMN.time]) close(ready);
      run.push(row);
    }
    if (ready.length > 0) yield ready;
  }
  const last: (readonly unknown[])[] = [];
  close(last);
  if (last.length > 0) yield last;
}

/** Principals' display names by key, learnt in bulk and remembered. */
class PrincipalNames {
  private readonly known = new Map<string, TimelineEvent['principal']>();
  constructor(private readonly graph: Graph) {}

  /** Looks up the keys not known yet (one query for a batch of rows). */
  async learn(keys: unknown[]): Promise<void> {
    const unknown = [...new Set(keys.filter((k): k is string => typeof k === 'string' && !this.known.has(k)))];
    if (unknown.length === 0) return;
    // Bounded: an address's timeline may name millions of principals over the years.
    if (this.known.size > 100_000) this.known.clear();
    for (const k of unknown) this.known.set(k, null);
    const result = await this.graph.read(PRINCIPALS_BY_KEY, { keys: unknown });
    this.remember(result.records.map((r) => r.get('name') as PrincipalNameRow));
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
interface TimelineSource {
  readonly of: 'principals' | 'address' | 'resource';
  readonly params: Record<string, unknown>;
  /** The entity's own principal key: events of any other key were made in its sessions. */
  readonly own: ReadonlySet<string>;
  readonly principals: TimelinePage['principals'];
}

/**
 * With `names`, the principals' names are learnt on the way (for streams, which name every row's
 * principal). `namedBy`: the events are those naming the entity (a user, role or key as the
 * resource of a call), narrowed to one principal by the filters.
 */
async function timelineSource(graph: Graph, ref: EntityRef, includeSessions: boolean, names?: PrincipalNames, namedBy = false): Promise<TimelineSource> {
  if (namedBy && (RESOURCE_LABELS as readonly NodeLabel[]).includes(ref.kind)) return { of: 'resource', params: { key: ref.key }, own: new Set(), principals: null };
  if (isPrincipalLabel(ref.kind) || ref.kind === Label.AccessKey) {
    const key = ref.kind === Label.AccessKey ? await keyOwner(graph, ref.key) : ref.key;
    const sessions = includeSessions ? await sessionsStartedBy(graph, key, names) : { keys: [], truncated: false };
    await names?.learn([key]);
    const keys = [key, ...sessions.keys];
    return {
      of: 'principals',
      params: { keys, accessKeyId: ref.kind === Label.AccessKey && !ref.key.startsWith('ASIA') ? ref.key : null },
      own: new Set([key]),
      principals: { count: keys.length, sessionsTruncated: sessions.truncated },
    };
  }
  if (ref.kind === Label.IpAddress) return { of: 'address', params: { ip: ref.key }, own: new Set(), principals: null };
  if (([Label.S3Bucket, Label.Ec2Instance, Label.AwsResource] as NodeLabel[]).includes(ref.kind)) return { of: 'resource', params: { key: ref.key }, own: new Set(), principals: null };
  throw new TrailhoundError('NO_TIMELINE', `${ref.kind} entities have no event timeline.`, 'Timelines exist for principals, access keys, IP addresses and resources.');
}

/** Whether any filter narrows the timeline (errorsOnly=false keeps all; readOnly=false does not). */
export function isFiltered(filters: TimelineFilters | undefined): boolean {
  const { errorsOnly, ...values } = filterParams(filters);
  return errorsOnly === true || Object.values(values).some((value) => value !== null);
}

function filterParams(filters: TimelineFilters | undefined): Record<string, unknown> {
  return {
    eventSource: filters?.eventSource ?? null,
    eventName: filters?.eventName ?? null,
    errorsOnly: filters?.errorsOnly ?? false,
    readOnly: filters?.readOnly ?? null,
    sourceIp: filters?.sourceIp ?? null,
    userAgent: filters?.userAgent ?? null,
    principalKey: filters?.principalKey ?? null,
  };
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

export function toTimelineEvent(event: Neo4jNode, principal: Neo4jNode | null, own: ReadonlySet<string>): TimelineEvent {
  const e = event.properties as Record<string, unknown>;
  const kind = principal ? kindOf(principal.labels) : null;
  const principalKey = typeof e.principalKey === 'string' ? e.principalKey : null;
  const named = principal && kind && principalKey ? { id: `${kind}:${principalKey}`, kind, label: displayName(kind, principal.properties as Record<string, unknown>) } : null;
  return eventFromRow(TIMELINE_COLUMNS.map((c) => e[c]), named, own).event;
}

/** Where each of TIMELINE_COLUMNS sits in a streamed row. */
const COLUMN = Object.fromEntries(TIMELINE_COLUMNS.map((c, i) => [c, i])) as Record<(typeof TIMELINE_COLUMNS)[number], number>;

const text = (v: unknown) => (typeof v === 'string' ? v : null);

/** A streamed row as read: the event's id and time, what a timeline shows of it, its stored record when read. */
interface RowRead {
  readonly eventId: string;
  readonly time: number;
  readonly shown: TimelineRowFields;
  readonly stored: Record<string, unknown> | null;
}

/**
 * A row of a streamed query: [eventId, time, timelineRow, record when asked for] from an Event
 * that has its timeline row, or the properties in TIMELINE_COLUMNS order from one loaded before.
 * Runs for every row of an export: no intermediate objects beyond these.
 */
function readRow(row: readonly unknown[]): RowRead {
  if (row.length === SHOWN_ROW_LENGTH) {
    const storedText = row[3];
    const stored = typeof storedText === 'string' ? storedRecord(storedText) : null;
    const shown = (typeof row[2] === 'string' ? parseTimelineRow(row[2]) : null) ?? NOTHING_SHOWN;
    return { eventId: String(row[0]), time: row[1] as number, shown, stored };
  }
  const storedText = row[COLUMN.raw];
  const stored = typeof storedText === 'string' ? storedRecord(storedText) : null;
  const readOnly = row[COLUMN.readOnly];
  const shown: TimelineRowFields = {
    eventName: text(row[COLUMN.eventName]),
    eventSource: text(row[COLUMN.eventSource]),
    region: text(row[COLUMN.region]),
    accountId: text(row[COLUMN.accountId]),
    readOnly: typeof readOnly === 'boolean' ? readOnly : null,
    errorCode: text(row[COLUMN.errorCode]),
    errorMessage: stored ? text(stored.errorMessage) : null,
    sourceIp: text(row[COLUMN.sourceIp]),
    sourceIPAddress: stored && row[COLUMN.sourceIp] == null ? text(stored.sourceIPAddress) : null,
    userAgent: text(row[COLUMN.userAgent]) ?? (stored ? text(stored.userAgent) : null),
    accessKeyId: text(row[COLUMN.accessKeyId]),
    principalKey: text(row[COLUMN.principalKey]),
  };
  return { eventId: String(row[COLUMN.eventId]), time: row[COLUMN.time] as number, shown, stored };
}

/**
 * [eventId, time, timelineRow, record]: the streamed row of an Event with its timeline row. Both
 * layouts begin with eventId and time (TIMELINE_COLUMNS does too), which is all inEventOrder reads.
 */
const SHOWN_ROW_LENGTH = 4;

const NOTHING_SHOWN: TimelineRowFields = {
  eventName: null,
  eventSource: null,
  region: null,
  accountId: null,
  readOnly: null,
  errorCode: null,
  errorMessage: null,
  sourceIp: null,
  sourceIPAddress: null,
  userAgent: null,
  accessKeyId: null,
  principalKey: null,
};

/** A timeline event from a row as read and its principal's name. */
function eventOf(read: RowRead, principal: TimelineEvent['principal'], own: ReadonlySet<string>): { event: TimelineEvent; raw: Record<string, unknown> | null } {
  const s = read.shown;
  const event: TimelineEvent = {
    eventId: read.eventId,
    time: iso(read.time),
    eventName: s.eventName,
    eventSource: s.eventSource,
    region: s.region,
    accountId: s.accountId,
    readOnly: s.readOnly,
    errorCode: s.errorCode,
    errorMessage: s.errorMessage,
    sourceIp: s.sourceIp,
    sourceIPAddress: s.sourceIPAddress,
    userAgent: s.userAgent,
    accessKeyId: s.accessKeyId,
    principal,
    inSession: s.principalKey !== null && own.size > 0 && !own.has(s.principalKey),
  };
  return { event, raw: read.stored };
}

/** A timeline row from an Event's properties (in TIMELINE_COLUMNS order) and its principal's name. */
function eventFromRow(row: readonly unknown[], principal: TimelineEvent['principal'], own: ReadonlySet<string>): { event: TimelineEvent; raw: Record<string, unknown> | null } {
  return eventOf(readRow(row), principal, own);
}

export function encodeCursor(time: number, eventId: string): string {
  return Buffer.from(JSON.stringify({ t: time, id: eventId })).toString('base64url');
}

export function decodeCursor(cursor: string | null): { t: number; id: string } | null {
  if (!cursor) return null;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t?: unknown; id?: unknown };
    if (typeof value.t === 'number' && typeof value.id === 'string') return { t: value.t, id: value.id };
  } catch {
    // fall through
  }
  throw new TrailhoundError('BAD_CURSOR', 'The cursor is not one this server gave out.', 'Start again without a cursor.');
}
