import { parseArn } from '../common/arn';
import { asObject, at, listAt, objectAt, text, timeAt, unmappedOf, type Json } from './values';

/**
 * Every path of an OCSF record that rebuilding its CloudTrail event reads, with what sorts it
 * by class (classes.ts): Security Lake's Parquet is read as these fields alone
 * (parquetProjection.ts). A test reads records through a proxy to keep this list whole.
 */
export const CLOUDTRAIL_PATHS = [
  'class_uid', 'class_name', 'time', 'time_dt', 'unmapped',
  'metadata.uid', 'metadata.version', 'metadata.product.version', 'metadata.product.feature.name', 'metadata.event_code', 'metadata.log_name',
  'api.operation', 'api.service.name', 'api.version', 'api.request.uid', 'api.request.data',
  'api.response.data', 'api.response.error', 'api.response.message', 'api.response.error_message',
  'cloud.region', 'cloud.account.uid', 'cloud.account_uid',
  'src_endpoint.ip', 'src_endpoint.domain', 'src_endpoint.svc_name', 'src_endpoint.hostname', 'src_endpoint.uid',
  'http_request.user_agent',
  'resources[].uid', 'resources[].type', 'resources[].owner.account.uid', 'resources[].account_uid',
  'actor.user.uid', 'actor.user.uuid', 'actor.user.uid_alt', 'actor.user.type', 'actor.user.name', 'actor.user.account.uid', 'actor.user.account_uid', 'actor.user.credential_uid',
  'actor.session.credential_uid', 'actor.session.issuer', 'actor.session.created_time', 'actor.session.created_time_dt', 'actor.session.is_mfa',
  'actor.invoked_by', 'actor.idp.name',
] as const;

/**
 * An OCSF CloudTrail record (API Activity, Authentication, Account Change...) turned back into
 * the CloudTrail event it was made from, so that the CloudTrail reader builds exactly the same
 * principals, sessions, keys, resources and addresses from it. Fields Security Lake keeps
 * under their OCSF names are read there (in 1.1.0 and in 1.0.0's names); fields it only keeps in
 * `unmapped` are read from there. docs/ocsf.md lists what OCSF cannot carry.
 */
export function cloudTrailFromOcsf(record: Json): { ok: true; event: Json } | { ok: false; reason: string } {
  const eventId = text(record, 'metadata.uid');
  if (!eventId) return { ok: false, reason: 'missing metadata.uid (the CloudTrail eventID)' };
  const time = timeAt(record, 'time');
  if (time === undefined) return { ok: false, reason: 'missing time (epoch ms) and time_dt' };
  const unmapped = unmappedOf(record);

  const event: Json = {};
  // What only `unmapped` holds first (readOnly, additionalEventData, sharedEventID...); the
  // OCSF attributes below then take precedence over anything of the same name.
  for (const [key, value] of Object.entries(unmapped)) if (!key.startsWith('trailhound_')) event[key] = value;
  const set = (key: string, value: unknown) => {
    if (value !== undefined) event[key] = value;
  };
  set('eventVersion', text(record, 'metadata.product.version'));
  set('eventID', eventId);
  set('eventTime', new Date(time).toISOString());
  set('eventName', text(record, 'api.operation'));
  set('eventSource', text(record, 'api.service.name'));
  set('awsRegion', text(record, 'cloud.region'));
  set('recipientAccountId', text(record, 'cloud.account.uid') ?? text(record, 'cloud.account_uid'));
  set('sourceIPAddress', sourceAddress(record));
  set('vpcEndpointId', text(record, 'src_endpoint.uid'));
  set('userAgent', text(record, 'http_request.user_agent'));
  set('errorCode', text(record, 'api.response.error'));
  set('errorMessage', text(record, 'api.response.message') ?? text(record, 'api.response.error_message'));
  set('requestID', text(record, 'api.request.uid'));
  set('requestParameters', objectAt(record, 'api.request.data') ?? asObject(unmapped.requestParameters));
  set('responseElements', objectAt(record, 'api.response.data') ?? asObject(unmapped.responseElements));
  set('apiVersion', text(record, 'api.version'));
  set('eventType', text(record, 'metadata.event_code') ?? text(record, 'metadata.log_name'));
  set('eventCategory', text(record, 'metadata.product.feature.name'));
  const resources = listAt(record, 'resources').flatMap((r) => {
    const arn = text(r, 'uid');
    return arn ? [{ ARN: arn, type: text(r, 'type'), accountId: text(r, 'owner.account.uid') ?? text(r, 'account_uid') }] : [];
  });
  if (resources.length > 0) event.resources = resources;
  event.userIdentity = identityOf(record, asObject(unmapped.userIdentity));
  return { ok: true, event };
}

/** The caller's address, or the service that called ("ec2.amazonaws.com", "AWS Internal"). */
function sourceAddress(record: Json): string | undefined {
  return text(record, 'src_endpoint.ip') ?? text(record, 'src_endpoint.domain') ?? text(record, 'src_endpoint.svc_name') ?? text(record, 'src_endpoint.hostname');
}

/**
 * userIdentity from `actor`. OCSF 1.1.0 (Security Lake v2): user.uid is the ARN, uid_alt the
 * principal id, account.uid the account. OCSF 1.0.0 (Security Lake v1): user.uuid is the ARN,
 * uid the principal id, account_uid the account. The session's issuer keeps only its ARN in
 * OCSF: its type, name and account are read from that ARN.
 */
function identityOf(record: Json, kept: Json | undefined): Json {
  const identity: Json = { ...(kept ?? {}) };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) identity[key] = value;
  };
  const uid = text(record, 'actor.user.uid');
  const uuid = text(record, 'actor.user.uuid');
  const arn = [uid, uuid].find((v) => v?.startsWith('arn:'));
  set('type', text(record, 'actor.user.type'));
  set('arn', arn);
  set('principalId', text(record, 'actor.user.uid_alt') ?? (uid && uid !== arn ? uid : undefined));
  set('accountId', text(record, 'actor.user.account.uid') ?? text(record, 'actor.user.account_uid') ?? parseArn(arn)?.account);
  set('accessKeyId', text(record, 'actor.user.credential_uid') ?? text(record, 'actor.session.credential_uid'));
  set('invokedBy', text(record, 'actor.invoked_by'));
  set('identityProvider', text(record, 'actor.idp.name'));
  const name = text(record, 'actor.user.name');
  // actor.user.name is CloudTrail's userName, except for a service, which has none: a name there
  // only stands in for the id OCSF requires (Trailhound's export writes the service's name).
  if (name && identity.type !== 'AWSService') identity.userName = name;

  const issuer = text(record, 'actor.session.issuer');
  if (issuer || at(record, 'actor.session.created_time') !== undefined || at(record, 'actor.session.is_mfa') !== undefined) {
    const session = asObject(identity.sessionContext) ?? {};
    const issuerArn = parseArn(issuer);
    const issuerKept = asObject(session.sessionIssuer) ?? {};
    if (issuer) {
      const [kind, ...path] = issuerArn?.resource.split('/') ?? [];
      session.sessionIssuer = {
        type: kind === 'role' ? 'Role' : kind === 'user' ? 'IAMUser' : kind === 'root' ? 'Root' : undefined,
        userName: path.at(-1),
        accountId: issuerArn?.account,
        ...issuerKept,
        arn: issuer,
      };
    }
    const attributes = asObject(session.attributes) ?? {};
    const created = timeAt(record, 'actor.session.created_time');
    if (created !== undefined && attributes.creationDate === undefined) attributes.creationDate = new Date(created).toISOString().replace('.000Z', 'Z');
    const mfa = at(record, 'actor.session.is_mfa');
    if (typeof mfa === 'boolean' && attributes.mfaAuthenticated === undefined) attributes.mfaAuthenticated = String(mfa);
    if (Object.keys(attributes).length > 0) session.attributes = attributes;
    identity.sessionContext = session;
  }
  return identity;
}
