import { IdentityType } from './identityTypes';
import { Label } from '../../graph/vocabulary';
import { parseArn } from '../common/arn';
import { obj, str } from '../common/text';
import { accessKeyIdFrom, type Actor, type PrincipalFact } from './identity';

/**
 * A session that an event started: AssumeRole*, GetFederationToken and GetSessionToken return
 * a new temporary access key in responseElements.credentials.accessKeyId. Later calls carry the
 * same key in userIdentity.accessKeyId, so keying the session by that key joins the two, in
 * whichever order CloudTrail delivers them (a session's calls often arrive before its
 * AssumeRole, in another file or another run).
 */
export interface StartedSession {
  readonly session: PrincipalFact;
  readonly accessKeyId: string;
  /** What the session runs as (SESSION_OF). */
  readonly runsAs: PrincipalFact | undefined;
}

const ASSUME_ROLE = new Set(['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity']);

export function sessionStartedBy(
  event: Record<string, unknown>,
  caller: Actor | null,
  time: number,
): StartedSession | null {
  if (str(event.errorCode)) return null;
  const eventName = str(event.eventName);
  if (!eventName || str(event.eventSource) !== 'sts.amazonaws.com') return null;
  const response = obj(event.responseElements);
  const accessKeyId = accessKeyIdFrom(obj(response?.credentials)?.accessKeyId);
  if (!response || !accessKeyId) return null;
  const request = obj(event.requestParameters);

  if (ASSUME_ROLE.has(eventName)) {
    const arn = str(obj(response.assumedRoleUser)?.arn);
    const parsed = parseArn(arn);
    const [, roleNameFromArn, ...rest] = parsed?.resource.split('/') ?? [];
    const roleArn =
      str(request?.roleArn) ?? (parsed && roleNameFromArn ? `arn:${parsed.partition}:iam::${parsed.account}:role/${roleNameFromArn}` : undefined);
    const roleAccount = parseArn(roleArn)?.account ?? parsed?.account;
    const role = roleArn
      ? principal(Label.IamRole, roleArn, { arn: roleArn, roleName: parseArn(roleArn)?.resource.split('/').pop() }, roleAccount)
      : undefined;
    const session = principal(
      Label.RoleSession,
      accessKeyId,
      {
        arn,
        sessionType: IdentityType.AssumedRole,
        sessionName: str(request?.roleSessionName) ?? (rest.join('/') || undefined),
        roleArn,
        accessKeyId,
        creationDate: time,
        sourceIdentity: str(request?.sourceIdentity) ?? str(response.sourceIdentity),
      },
      roleAccount,
    );
    return { session, accessKeyId, runsAs: role };
  }

  if (eventName === 'GetFederationToken') {
    const arn = str(obj(response.federatedUser)?.arn);
    const name = str(request?.name) ?? parseArn(arn)?.resource.split('/').pop();
    const account = parseArn(arn)?.account ?? caller?.principal.accountId;
    const federated = arn ? principal(Label.FederatedUser, arn, { arn, userName: name }, account) : undefined;
    const session = principal(
      Label.RoleSession,
      accessKeyId,
      { arn, sessionType: IdentityType.FederatedUser, sessionName: name, accessKeyId, creationDate: time },
      account,
    );
    return { session, accessKeyId, runsAs: federated };
  }

  if (eventName === 'GetSessionToken' && caller) {
    // The session runs as its caller: an IAM user or the root user.
    const owner = caller.principal;
    if (owner.label !== Label.IamUser && owner.label !== Label.RootUser) return null;
    const session = principal(
      Label.RoleSession,
      accessKeyId,
      {
        arn: owner.props.arn,
        sessionType: owner.label === Label.RootUser ? IdentityType.Root : IdentityType.IAMUser,
        sessionName: owner.props.userName ?? 'root',
        accessKeyId,
        creationDate: time,
      },
      owner.accountId,
    );
    return { session, accessKeyId, runsAs: owner };
  }
  return null;
}

function principal(
  label: PrincipalFact['label'],
  key: string,
  props: Record<string, unknown>,
  accountId: string | undefined,
): PrincipalFact {
  return { label, key, props: { principalKey: key, ...props, accountId }, accountId };
}

/**
 * CreateAccessKey returns the new long-term key and names its user: link them now, so that a
 * backdoor key's later use leads straight to the user it was made for.
 */
export function accessKeyCreated(
  event: Record<string, unknown>,
  caller: Actor | null,
): { accessKeyId: string; user: PrincipalFact } | null {
  if (str(event.eventName) !== 'CreateAccessKey' || str(event.errorCode)) return null;
  const key = obj(obj(event.responseElements)?.accessKey);
  const accessKeyId = accessKeyIdFrom(key?.accessKeyId);
  if (!accessKeyId) return null;
  const userName = str(key?.userName) ?? str(obj(event.requestParameters)?.userName);
  const account = str(event.recipientAccountId) ?? caller?.principal.accountId;
  if (userName && account) {
    const arn = `arn:aws:iam::${account}:user/${userName}`;
    return { accessKeyId, user: principal(Label.IamUser, arn, { arn, userName }, account) };
  }
  if (caller?.principal.label === Label.IamUser) return { accessKeyId, user: caller.principal };
  return null;
}
