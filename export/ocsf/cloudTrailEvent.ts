import type { TimelineEvent } from '../../graph/investigations/timeline';
import { obj } from '../../ingest/common/text';
import { cloudTrailClass } from './cloudTrailClass';
import { classFields, INFORMATIONAL, OCSF_VERSION, OcsfClasses, Profiles } from './vocabulary';

type Json = Record<string, unknown>;

/** The record's fields this mapping carries in OCSF attributes; every other one goes to `unmapped`. */
const MAPPED = new Set([
  'eventTime', 'eventID', 'eventName', 'eventSource', 'awsRegion', 'recipientAccountId', 'sourceIPAddress', 'userAgent', 'errorCode', 'errorMessage',
  'requestParameters', 'responseElements', 'requestID', 'apiVersion', 'eventVersion', 'eventType', 'eventCategory', 'vpcEndpointId', 'resources', 'userIdentity',
]);
/** userIdentity's fields that have OCSF attributes (actor.user, actor.session, actor.invoked_by, actor.idp). */
const IDENTITY_MAPPED = new Set(['type', 'arn', 'principalId', 'accountId', 'accessKeyId', 'userName', 'invokedBy', 'identityProvider']);

/**
 * A CloudTrail event as Security Lake writes it (OCSF 1.1.0, profile cloud): the class its name
 * belongs to, the caller in `actor`, the call in `api` with the request parameters and response
 * elements as logged, the resources it names, and every other field of the record in `unmapped`
 * (additionalEventData, readOnly, sessionContext's details...), so that nothing the record held
 * is lost and `trailhound ingest ocsf` rebuilds the same graph from it.
 */
export function cloudTrailEventRecord(e: TimelineEvent, raw: Json | null): Json {
  const record = raw ?? {};
  const identity = obj(record.userIdentity) ?? {};
  const request = obj(record.requestParameters);
  const response = obj(record.responseElements);
  const { cls, activityId, activityName } = cloudTrailClass(e.eventName, e.readOnly, request);
  const failed = e.errorCode !== null || (e.eventName === 'ConsoleLogin' && response?.ConsoleLogin === 'Failure');
  const session = obj(identity.sessionContext);
  const attributes = obj(session?.attributes);
  // The graph's key stands in for the ARN only when the record itself is missing.
  const uid = str(identity.arn) ?? (raw ? undefined : e.principal?.id);
  const user = {
    uid,
    uid_alt: str(identity.principalId),
    // CloudTrail's userName (IAM users, root); Trailhound's label only for a caller with no id.
    name: str(identity.userName) ?? (uid ? undefined : e.principal?.label),
    type: str(identity.type),
    credential_uid: str(identity.accessKeyId) ?? e.accessKeyId ?? undefined,
    account: str(identity.accountId) ? { uid: str(identity.accountId) } : undefined,
  };
  const unmapped: Json = {};
  for (const [key, value] of Object.entries(record)) if (!MAPPED.has(key)) unmapped[key] = value;
  const identityRest = Object.fromEntries(Object.entries(identity).filter(([key]) => !IDENTITY_MAPPED.has(key)));
  if (Object.keys(identityRest).length > 0) unmapped.userIdentity = identityRest;
  // Trailhound's own fact about this line of a principal's timeline: made in a session it started.
  if (e.inSession) unmapped.trailhound_in_session = true;

  const line: Json = {
    ...classFields(cls, activityId, activityName),
    ...INFORMATIONAL,
    time: Date.parse(e.time),
    status_id: failed ? 2 : 1,
    status: failed ? 'Failure' : 'Success',
    status_code: e.errorCode ?? undefined,
    metadata: {
      version: OCSF_VERSION,
      profiles: Profiles.cloud,
      product: { name: 'CloudTrail', vendor_name: 'AWS', version: str(record.eventVersion), feature: str(record.eventCategory) ? { name: str(record.eventCategory) } : undefined },
      uid: e.eventId,
      event_code: str(record.eventType),
    },
    cloud: { provider: 'AWS', region: e.region ?? undefined, account: e.accountId ? { uid: e.accountId } : undefined },
    actor: {
      // actor needs one of user, session, invoked_by, process: an event with no identity at all still says so.
      user: user.uid || user.name || user.account ? user : { ...user, name: e.principal?.label ?? 'Unknown' },
      session: session
        ? { issuer: str(obj(session.sessionIssuer)?.arn), created_time: time(attributes?.creationDate), is_mfa: bool(attributes?.mfaAuthenticated) }
        : undefined,
      invoked_by: str(identity.invokedBy),
      idp: str(identity.identityProvider) ? { name: str(identity.identityProvider) } : undefined,
    },
    api: {
      operation: e.eventName ?? 'Unknown',
      service: e.eventSource ? { name: e.eventSource } : undefined,
      version: str(record.apiVersion),
      // OCSF's request object needs its uid: without a request id, the parameters go to unmapped.
      request: str(record.requestID) ? { uid: str(record.requestID), data: request ?? undefined } : undefined,
      response: e.errorCode || response ? { error: e.errorCode ?? undefined, message: e.errorMessage ?? undefined, data: response ?? undefined } : undefined,
    },
    src_endpoint: sourceEndpoint(e, record),
    http_request: e.userAgent ? { user_agent: e.userAgent } : undefined,
    resources: resourcesOf(record.resources),
    unmapped: Object.keys(unmapped).length > 0 ? unmapped : undefined,
  };
  if (!str(record.requestID) && request) unmapped.requestParameters = request;
  if (cls === OcsfClasses.authentication) Object.assign(line, authentication(e, record, user, request, response));
  if (cls === OcsfClasses.accountChange) Object.assign(line, accountChange(e, request, response));
  // Only API Activity has `resources` in 1.1.0: the other classes keep the record's list as logged.
  if (cls !== OcsfClasses.apiActivity && line.resources) {
    delete line.resources;
    if (record.resources !== undefined) unmapped.resources = record.resources;
  }
  if (Object.keys(unmapped).length > 0) line.unmapped = unmapped;
  return line;
}

/** Authentication needs the user who logs on and the service logged on to. */
function authentication(e: TimelineEvent, record: Json, caller: Json, request: Json | undefined, response: Json | undefined): Json {
  const assumed = obj(response?.assumedRoleUser);
  const mfa = str(obj(record.additionalEventData)?.MFAUsed);
  return {
    // A role assumption logs on as the session it creates; a sign-in, as the caller.
    user: e.eventName?.startsWith('AssumeRole') && (assumed || request?.roleSessionName)
      ? { uid: str(assumed?.arn) ?? str(request?.roleArn), uid_alt: str(assumed?.assumedRoleId), name: str(request?.roleSessionName) }
      : caller.uid || caller.name ? caller : { name: 'Unknown' },
    service: { name: e.eventSource ?? 'Unknown' },
    is_mfa: mfa === 'Yes' ? true : mfa === 'No' ? false : undefined,
  };
}

/** Account Change needs the user (or role) changed: named by the request, else the response. */
function accountChange(e: TimelineEvent, request: Json | undefined, response: Json | undefined): Json {
  const changed = obj(response?.user) ?? obj(response?.role);
  const name = str(request?.userName) ?? str(request?.roleName) ?? str(changed?.userName) ?? str(changed?.roleName) ?? str(request?.groupName);
  const uid = str(changed?.arn);
  const policy = str(request?.policyArn);
  return {
    user: name || uid ? { name, uid, account: e.accountId ? { uid: e.accountId } : undefined } : { account: { uid: e.accountId ?? 'Unknown' } },
    policy: policy ? { uid: policy, name: policy.split('/').pop() } : str(request?.policyName) ? { name: str(request?.policyName) } : undefined,
  };
}

/** Where the call came from: an address, or a service name ("ec2.amazonaws.com", "AWS Internal"). */
function sourceEndpoint(e: TimelineEvent, record: Json): Json {
  const endpoint = str(record.vpcEndpointId);
  if (e.sourceIp) return { ip: e.sourceIp, uid: endpoint };
  const name = e.sourceIPAddress ?? str(record.sourceIPAddress);
  // src_endpoint is required, and needs one of its identifying fields.
  return name ? { svc_name: name, uid: endpoint } : { name: 'Unknown', uid: endpoint };
}

function resourcesOf(value: unknown): Json[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out = value.map(obj).filter((r): r is Json => r !== undefined && typeof r.ARN === 'string').map((r) => ({
    uid: r.ARN,
    type: str(r.type),
    owner: str(r.accountId) ? { account: { uid: str(r.accountId) } } : undefined,
  }));
  return out.length > 0 ? out : undefined;
}

/** A string as logged (not trimmed: an export keeps the log's text), when there is one. */
function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
function bool(value: unknown): boolean | undefined {
  return value === true || value === 'true' ? true : value === false || value === 'false' ? false : undefined;
}
function time(value: unknown): number | undefined {
  const t = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(t) ? t : undefined;
}
