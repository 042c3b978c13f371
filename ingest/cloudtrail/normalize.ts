import { FactsBuilder, type EvidenceSink, type NodeRef, type RecordFacts } from '../../graph/facts';
import { Label, Rel, type NodeLabel } from '../../graph/vocabulary';
import type { CloudTrailRow } from '../../store/rows';
import type { ReadRecord } from '../pipeline/types';
import { isAccountId, partitionOf } from '../common/arn';
import { normalizeIp } from '../common/ip';
import { normalizeUserAgent, obj, str } from '../common/text';
import { parseTimestamp } from '../common/time';
import { accessKeyIdFrom, actorFromIdentity, type PrincipalFact } from './identity';
import { storedRecordText } from './storedRecord';
import { resourcesOf } from './resources';
import { accessKeyCreated, sessionStartedBy } from './sessions';

/** Error messages are kept whole up to this in their own column; the record keeps all of it. */
export const MAX_ERROR_MESSAGE = 4096;

/**
 * A CloudTrail event read far enough to know whether it is new: its id and time. Its evidence
 * and its store row are made only for a new event (`normalize`), so a duplicate delivery costs
 * a lookup, not a normalisation.
 */
export type CloudTrailRead =
  | {
      readonly ok: true;
      readonly eventId: string;
      readonly time: number;
      /** Puts the event's entities and edges into `sink` and returns its store row. */
      readonly normalize: (sink: EvidenceSink) => CloudTrailRow;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Checks an event's id and time. `text` is the record's JSON as read, when the record is the
 * whole of it (not unwrapped from an envelope): stored as it is when it holds no secret.
 * `textIsStored`: the text is already the stored form (redacted and capped, by storedRecordText
 * in another thread: OCSF's conversion), kept as it is.
 */
export function readCloudTrailEvent(event: Record<string, unknown>, text?: string, textIsStored = false): CloudTrailRead {
  const eventId = str(event.eventID);
  if (!eventId) return { ok: false, reason: 'missing eventID' };
  if (eventId.length > 256) return { ok: false, reason: 'eventID longer than 256 characters' };
  const rawTime = event.eventTime ?? event['@timestamp'];
  if (rawTime === undefined || rawTime === null || rawTime === '') {
    return { ok: false, reason: 'missing eventTime (and no @timestamp)' };
  }
  const time = parseTimestamp(rawTime);
  if (time === null) return { ok: false, reason: `eventTime is not a timestamp: ${JSON.stringify(rawTime).slice(0, 80)}` };
  return { ok: true, eventId, time, normalize: (sink) => normalizeInto(event, eventId, time, sink, text, textIsStored) };
}

/** A CloudTrail event as the pipeline takes it: an event the store keeps, by its id. */
export function readCloudTrailRecord(event: Record<string, unknown>, text?: string, textIsStored = false): ReadRecord {
  const read = readCloudTrailEvent(event, text, textIsStored);
  return read.ok ? { ok: true, item: { kind: 'event', event: read } } : read;
}

/**
 * One event's facts and store row, whole: for tests and for callers that look at one event.
 * Ingest uses readCloudTrailEvent, which puts the evidence of many events into one aggregate.
 */
export function normalizeCloudTrailEvent(
  event: Record<string, unknown>,
): { readonly ok: true; readonly eventId: string; readonly facts: RecordFacts; readonly row: CloudTrailRow } | { readonly ok: false; readonly reason: string } {
  const read = readCloudTrailEvent(event);
  if (!read.ok) return read;
  const facts = new FactsBuilder(read.time);
  const row = read.normalize(facts);
  return { ok: true, eventId: read.eventId, facts: facts.build(), row };
}

/**
 * Turns one CloudTrail event into the entities and aggregate edges it evidences (into `sink`)
 * and the row the event store keeps of it. Pure: same input, same output.
 */
function normalizeInto(event: Record<string, unknown>, eventId: string, time: number, sink: EvidenceSink, text: string | undefined, textIsStored: boolean): CloudTrailRow {
  // First: serialising the whole record is what hostile input could make throw, and nothing of
  // the event may be in the sink when it does (see Loader.event).
  const record = textIsStored && text !== undefined ? text : storedRecordText(event, text);
  const identity = obj(event.userIdentity);
  const actor = actorFromIdentity(identity);
  const region = str(event.awsRegion);
  const eventName = str(event.eventName);
  const eventSource = str(event.eventSource);
  const recipient = str(event.recipientAccountId);
  const account = isAccountId(recipient) ? recipient : actor?.principal.accountId;
  const partition = partitionOf(str(identity?.arn));
  const sourceText = str(event.sourceIPAddress);
  const source = normalizeIp(sourceText);
  const userAgent = normalizeUserAgent(event.userAgent);

  // Everything read from the record is read before the first fact goes into the sink: should
  // reading throw, the event is rejected with none of its evidence in the window (Loader.event).
  const resources = resourcesOf(event, region, account, partition);
  const started = actor ? sessionStartedBy(event, actor, time) : null;
  const created = actor ? accessKeyCreated(event, actor) : null;

  const graph = new EventGraph(sink);
  const ipRef = source ? sink.node(Label.IpAddress, source.ip, { ip: source.ip, version: source.version, isPrivate: source.isPrivate }) : null;
  const resourceRefs: NodeRef[] = [];
  const resourceKeys: string[] = [];
  for (const r of resources) {
    resourceRefs.push(graph.owned(r.label, r.key, r.props, r.accountId));
    resourceKeys.push(`${r.label}:${r.key}`);
  }

  let sessionKey: string | null = null;
  if (actor) {
    const me = graph.principal(actor.principal);
    if (actor.accessKeyId && (me.label === Label.IamUser || me.label === Label.RootUser || me.label === Label.RoleSession)) {
      sink.link(Rel.KEY_OF, graph.accessKey(actor.accessKeyId, actor.principal.accountId), me);
    }
    if (actor.runsAs) sink.link(Rel.SESSION_OF, me, graph.principal(actor.runsAs));
    if (actor.startedBy) sink.link(Rel.ASSUMED, graph.principal(actor.startedBy), me);
    if (actor.instanceId) {
      const instance = { instanceId: actor.instanceId, accountId: actor.principal.accountId, region };
      sink.link(Rel.ON_INSTANCE, me, graph.owned(Label.Ec2Instance, actor.instanceId, instance, actor.principal.accountId));
    }
    if (ipRef) {
      sink.link(Rel.CALLED_FROM, me, ipRef);
    } else if (sourceText && isServiceSource(sourceText) && sourceText !== actor.principal.key) {
      sink.link(Rel.CALLED_FROM, me, sink.node(Label.AwsService, sourceText, { principalKey: sourceText, name: sourceText }));
    }
    if (userAgent) sink.link(Rel.USED_AGENT, me, sink.node(Label.UserAgent, userAgent, { value: userAgent }));
    const apis = eventName ? { lists: { apis: [eventName] } } : undefined;
    for (const ref of resourceRefs) sink.link(Rel.ACCESSED, me, ref, apis);

    if (started) {
      const sessionRef = graph.principal(started.session);
      sink.link(Rel.ASSUMED, me, sessionRef);
      sink.link(Rel.KEY_OF, graph.accessKey(started.accessKeyId, started.session.accountId), sessionRef);
      if (started.runsAs) sink.link(Rel.SESSION_OF, sessionRef, graph.principal(started.runsAs));
      sessionKey = started.session.key;
    }
    if (created) sink.link(Rel.KEY_OF, graph.accessKey(created.accessKeyId, created.user.accountId), graph.principal(created.user));
  }

  return {
    time,
    eventId,
    eventSource: eventSource ?? null,
    eventName: eventName ?? null,
    region: region ?? null,
    accountId: recipient ?? actor?.principal.accountId ?? null,
    readOnly: bool(event.readOnly) ?? null,
    errorCode: cap(str(event.errorCode), 256) ?? null,
    errorMessage: cap(str(event.errorMessage), MAX_ERROR_MESSAGE) ?? null,
    principalKey: actor?.principal.key ?? null,
    accessKeyId: actor?.accessKeyId ?? accessKeyIdFrom(identity?.accessKeyId) ?? null,
    sessionKey,
    sourceIp: source?.ip ?? null,
    sourceName: source ? null : (cap(sourceText, 256) ?? null),
    userAgent: userAgent ?? null,
    resources: resourceKeys.length > 0 ? resourceKeys : null,
    record,
  };
}

/** Adds the entities of one event, each tied to its account. */
class EventGraph {
  private readonly accounts = new Map<string, NodeRef>();

  constructor(private readonly sink: EvidenceSink) {}

  /** A node that belongs to an account (IN_ACCOUNT), when the account is known. */
  owned(label: NodeLabel, key: string, props: Record<string, unknown>, accountId: string | undefined): NodeRef {
    const ref = this.sink.node(label, key, props);
    if (isAccountId(accountId)) {
      let account = this.accounts.get(accountId);
      if (!account) {
        account = this.sink.node(Label.Account, accountId, { accountId });
        this.accounts.set(accountId, account);
      }
      this.sink.link(Rel.IN_ACCOUNT, ref, account);
    }
    return ref;
  }

  principal(p: PrincipalFact): NodeRef {
    return this.owned(p.label, p.key, p.props, p.accountId);
  }

  accessKey(id: string, accountId: string | undefined): NodeRef {
    const account = isAccountId(accountId) ? accountId : undefined;
    return this.owned(Label.AccessKey, id, { accessKeyId: id, keyType: id.startsWith('ASIA') ? 'temporary' : 'long-term', accountId: account }, account);
  }
}

/** sourceIPAddress names a service when a service made the call on someone's behalf. */
function isServiceSource(text: string): boolean {
  return text === 'AWS Internal' || /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(text);
}

function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

function cap(text: string | undefined, max: number): string | undefined {
  return text !== undefined && text.length > max ? `${text.slice(0, max)}…` : text;
}
