import { FactsBuilder, type NodeRef, type RecordFacts } from '../../graph/facts';
import { MAX_ROW_ERROR_MESSAGE, timelineRowText } from '../../graph/timelineRow';
import { Label, Rel, type NodeLabel } from '../../graph/vocabulary';
import { isAccountId, partitionOf } from '../common/arn';
import { normalizeIp } from '../common/ip';
import { redactSecrets } from '../common/secrets';
import { normalizeUserAgent, obj, str } from '../common/text';
import { parseTimestamp } from '../common/time';
import { accessKeyIdFrom, actorFromIdentity, type PrincipalFact } from './identity';
import { resourcesOf } from './resources';
import { accessKeyCreated, sessionStartedBy } from './sessions';

export type NormalizeResult =
  | { readonly ok: true; readonly eventId: string; readonly facts: RecordFacts }
  | { readonly ok: false; readonly reason: string };

/** Size caps on stored text: every field is attacker-controlled and the server returns them. */
const MAX_JSON_FIELD = 256 * 1024;
const MAX_RAW = 1024 * 1024;

/**
 * Turns one CloudTrail event into graph facts: the Event record for timelines, and the
 * entities and aggregate edges it evidences. Pure: same input, same output.
 */
export function normalizeCloudTrailEvent(event: Record<string, unknown>): NormalizeResult {
  const eventId = str(event.eventID);
  if (!eventId) return { ok: false, reason: 'missing eventID' };
  if (eventId.length > 256) return { ok: false, reason: 'eventID longer than 256 characters' };
  const rawTime = event.eventTime ?? event['@timestamp'];
  if (rawTime === undefined || rawTime === null || rawTime === '') {
    return { ok: false, reason: 'missing eventTime (and no @timestamp)' };
  }
  const time = parseTimestamp(rawTime);
  if (time === null) return { ok: false, reason: `eventTime is not a timestamp: ${JSON.stringify(rawTime).slice(0, 80)}` };

  const actor = actorFromIdentity(event.userIdentity);
  const region = str(event.awsRegion);
  const eventName = str(event.eventName);
  const recipient = str(event.recipientAccountId);
  const account = isAccountId(recipient) ? recipient : actor?.principal.accountId;
  const partition = partitionOf(str(obj(event.userIdentity)?.arn));
  const sourceText = str(event.sourceIPAddress);
  const source = normalizeIp(sourceText);
  const userAgent = normalizeUserAgent(event.userAgent);
  const { requestParameters, responseElements, ...rest } = event;

  const shown = {
    eventName: eventName ?? null,
    eventSource: str(event.eventSource) ?? null,
    region: region ?? null,
    accountId: recipient ?? actor?.principal.accountId ?? null,
    readOnly: bool(event.readOnly) ?? null,
    errorCode: cap(str(event.errorCode), 256) ?? null,
    errorMessage: cap(str(event.errorMessage), MAX_ROW_ERROR_MESSAGE) ?? null,
    sourceIp: source?.ip ?? null,
    sourceIPAddress: source ? null : (cap(sourceText, 256) ?? null),
    userAgent: userAgent ?? null,
    accessKeyId: actor?.accessKeyId ?? accessKeyIdFrom(obj(event.userIdentity)?.accessKeyId) ?? null,
    principalKey: actor?.principal.key ?? null,
  };

  const facts = new FactsBuilder(time);
  const eventRef = facts.record(Label.Event, eventId, {
    eventId,
    time,
    eventName,
    eventSource: shown.eventSource ?? undefined,
    region,
    accountId: shown.accountId ?? undefined,
    readOnly: shown.readOnly ?? undefined,
    errorCode: shown.errorCode ?? undefined,
    principalKey: actor?.principal.key,
    accessKeyId: shown.accessKeyId ?? undefined,
    sourceIp: source?.ip,
    userAgent,
    timelineRow: timelineRowText(shown),
    // Stored apart from raw so no part of the record is stored twice; graph/events.ts reassembles it.
    requestParameters: json(redactSecrets(requestParameters), MAX_JSON_FIELD),
    responseElements: json(redactSecrets(responseElements), MAX_JSON_FIELD),
    raw: json(redactSecrets(rest), MAX_RAW),
  });

  const graph = new EventGraph(facts);
  const ipRef = source ? facts.node(Label.IpAddress, source.ip, { ip: source.ip, version: source.version, isPrivate: source.isPrivate }) : null;
  const resources = resourcesOf(event, region, account, partition);
  const resourceRefs: NodeRef[] = [];
  for (const r of resources) {
    const ref = graph.owned(r.label, r.key, r.props, r.accountId);
    facts.link(Rel.TOUCHED, eventRef, ref);
    resourceRefs.push(ref);
  }

  if (actor) {
    const me = graph.principal(actor.principal);
    if (actor.accessKeyId && (me.label === Label.IamUser || me.label === Label.RootUser || me.label === Label.RoleSession)) {
      facts.link(Rel.KEY_OF, graph.accessKey(actor.accessKeyId, actor.principal.accountId), me);
    }
    if (actor.runsAs) facts.link(Rel.SESSION_OF, me, graph.principal(actor.runsAs));
    if (actor.startedBy) facts.link(Rel.ASSUMED, graph.principal(actor.startedBy), me);
    if (actor.instanceId) {
      const instance = { instanceId: actor.instanceId, accountId: actor.principal.accountId, region };
      facts.link(Rel.ON_INSTANCE, me, graph.owned(Label.Ec2Instance, actor.instanceId, instance, actor.principal.accountId));
    }
    if (ipRef) {
      facts.link(Rel.CALLED_FROM, me, ipRef);
    } else if (sourceText && isServiceSource(sourceText) && sourceText !== actor.principal.key) {
      facts.link(Rel.CALLED_FROM, me, facts.node(Label.AwsService, sourceText, { principalKey: sourceText, name: sourceText }));
    }
    if (userAgent) facts.link(Rel.USED_AGENT, me, facts.node(Label.UserAgent, userAgent, { value: userAgent }));
    for (const ref of resourceRefs) facts.link(Rel.ACCESSED, me, ref, eventName ? { lists: { apis: [eventName] } } : undefined);

    const started = sessionStartedBy(event, actor, time);
    if (started) {
      const sessionRef = graph.principal(started.session);
      facts.link(Rel.ASSUMED, me, sessionRef);
      facts.link(Rel.KEY_OF, graph.accessKey(started.accessKeyId, started.session.accountId), sessionRef);
      if (started.runsAs) facts.link(Rel.SESSION_OF, sessionRef, graph.principal(started.runsAs));
    }
    const created = accessKeyCreated(event, actor);
    if (created) facts.link(Rel.KEY_OF, graph.accessKey(created.accessKeyId, created.user.accountId), graph.principal(created.user));
  }

  return { ok: true, eventId, facts: facts.build() };
}

/** Adds the entities of one event, each tied to its account. */
class EventGraph {
  private readonly accounts = new Map<string, NodeRef>();

  constructor(private readonly facts: FactsBuilder) {}

  /** A node that belongs to an account (IN_ACCOUNT), when the account is known. */
  owned(label: NodeLabel, key: string, props: Record<string, unknown>, accountId: string | undefined): NodeRef {
    const ref = this.facts.node(label, key, props);
    if (isAccountId(accountId)) {
      let account = this.accounts.get(accountId);
      if (!account) {
        account = this.facts.node(Label.Account, accountId, { accountId });
        this.accounts.set(accountId, account);
      }
      this.facts.link(Rel.IN_ACCOUNT, ref, account);
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

function json(value: unknown, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = JSON.stringify(value);
  return text.length > max ? JSON.stringify({ trailhoundTruncated: true, originalLength: text.length, prefix: text.slice(0, 1024) }) : text;
}
