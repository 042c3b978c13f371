import { IdentityType } from './identityTypes';
import { Label, type PrincipalLabel } from '../../graph/vocabulary';
import { isAccountId, parseArn } from '../common/arn';
import { parseTimestamp } from '../common/time';
import { obj, str } from '../common/text';

/** A principal as the graph knows it: label, key, and the properties to merge. */
export interface PrincipalFact {
  readonly label: PrincipalLabel;
  readonly key: string;
  readonly props: Record<string, unknown>;
  readonly accountId: string | undefined;
}

/**
 * Who made a call, read from userIdentity. For calls on temporary credentials the actor is the
 * session (keyed by its ASIA key), which runs as a role / user / federated user, and may name
 * who started it.
 */
export interface Actor {
  readonly principal: PrincipalFact;
  /** The access key that signed the call (AKIA or ASIA), when it is a real key id. */
  readonly accessKeyId: string | undefined;
  /** For sessions: the identity the session runs as (SESSION_OF). */
  readonly runsAs: PrincipalFact | undefined;
  /** For sessions whose identity names their owner (IAM user / root / federation issuer). */
  readonly startedBy: PrincipalFact | undefined;
  /** For EC2 instance-profile sessions: the instance the credentials were delivered to. */
  readonly instanceId: string | undefined;
  /** A short name for timelines: user name, role/session, service. */
  readonly displayName: string;
}

/** A key id worth a node: AWS's shape, not a placeholder or an anonymised stand-in. */
export function accessKeyIdFrom(value: unknown): string | undefined {
  const id = str(value);
  return id && /^(AKIA|ASIA)[A-Z0-9]{12,124}$/.test(id) ? id : undefined;
}

export function isTemporaryKey(id: string | undefined): boolean {
  return id !== undefined && id.startsWith('ASIA');
}

export function actorFromIdentity(identityValue: unknown): Actor | null {
  const identity = obj(identityValue);
  if (!identity) return null;
  const type = str(identity.type);
  const accountId = str(identity.accountId);
  const accessKeyId = accessKeyIdFrom(identity.accessKeyId);
  const context = obj(identity.sessionContext);
  const attributes = obj(context?.attributes);
  const arn = str(identity.arn);

  switch (type) {
    case IdentityType.IAMUser: {
      const user = iamUser(arn, accountId, str(identity.userName), str(identity.principalId));
      if (!user) return unknownActor(identity, type);
      return isTemporaryKey(accessKeyId) ? ownSession(user, accessKeyId!, IdentityType.IAMUser, attributes) : plain(user, accessKeyId);
    }
    case IdentityType.Root: {
      const account = accountId ?? parseArn(arn)?.account;
      const rootArn = arn ?? (account ? `arn:aws:iam::${account}:root` : undefined);
      if (!rootArn) return unknownActor(identity, type);
      const root = fact(Label.RootUser, rootArn, { arn: rootArn }, account);
      return isTemporaryKey(accessKeyId) ? ownSession(root, accessKeyId!, IdentityType.Root, attributes) : plain(root, accessKeyId);
    }
    case IdentityType.AssumedRole:
      return assumedRole(identity, arn, accountId, accessKeyId, context, attributes);
    case IdentityType.FederatedUser:
      return federatedUser(identity, arn, accountId, accessKeyId, context, attributes);
    case IdentityType.AWSService: {
      const name = str(identity.invokedBy) ?? 'unknown.amazonaws.com';
      return { ...plain(fact(Label.AwsService, name, { name }, undefined), undefined), displayName: name };
    }
    case IdentityType.AWSAccount: {
      const principalId = str(identity.principalId);
      const anonymous = accountId === 'ANONYMOUS_PRINCIPAL' || principalId === 'ANONYMOUS_PRINCIPAL';
      const key = anonymous ? 'anonymous' : `${accountId ?? 'unknown-account'}:${principalId ?? 'unknown'}`;
      return {
        ...plain(fact(Label.AwsAccountPrincipal, key, { principalId }, isAccountId(accountId) ? accountId : undefined), undefined),
        displayName: anonymous ? 'anonymous' : `account ${accountId ?? '?'}`,
      };
    }
    case IdentityType.SAMLUser:
    case IdentityType.WebIdentityUser:
    case IdentityType.IdentityCenterUser: {
      const provider = str(identity.identityProvider) ?? str(obj(identity.onBehalfOf)?.identityStoreArn) ?? 'unknown-provider';
      const userName = str(identity.userName) ?? str(obj(identity.onBehalfOf)?.userId) ?? str(identity.principalId) ?? 'unknown';
      const key = `${type}:${provider}:${userName}`;
      return {
        ...plain(fact(Label.FederatedUser, key, { userName, identityProvider: provider }, accountId), undefined),
        displayName: userName,
      };
    }
    default:
      return unknownActor(identity, type);
  }
}

function fact(label: PrincipalLabel, key: string, props: Record<string, unknown>, accountId: string | undefined): PrincipalFact {
  const account = isAccountId(accountId) ? accountId : undefined;
  return { label, key, props: { principalKey: key, ...props, accountId: account }, accountId: account };
}

function iamUser(arn: string | undefined, accountId: string | undefined, userName: string | undefined, principalId: string | undefined) {
  const userArn = arn ?? (isAccountId(accountId) && userName ? `arn:aws:iam::${accountId}:user/${userName}` : undefined);
  if (!userArn) return null;
  const name = userName ?? parseArn(userArn)?.resource.split('/').pop();
  return fact(Label.IamUser, userArn, { arn: userArn, userName: name, principalId }, accountId ?? parseArn(userArn)?.account);
}

function plain(principal: PrincipalFact, accessKeyId: string | undefined): Actor {
  return {
    principal,
    accessKeyId,
    runsAs: undefined,
    startedBy: undefined,
    instanceId: undefined,
    displayName: String(principal.props.userName ?? principal.props.name ?? principal.key),
  };
}

/** An IAM user or root on temporary credentials (console sign-in, GetSessionToken). */
function ownSession(owner: PrincipalFact, accessKeyId: string, sessionType: string, attributes: Record<string, unknown> | undefined): Actor {
  const session = fact(
    Label.RoleSession,
    accessKeyId,
    {
      arn: owner.props.arn,
      sessionType,
      sessionName: owner.props.userName ?? 'root',
      accessKeyId,
      creationDate: parseTimestamp(attributes?.creationDate) ?? undefined,
      mfaAuthenticated: boolOf(attributes?.mfaAuthenticated),
    },
    owner.accountId,
  );
  return {
    principal: session,
    accessKeyId,
    runsAs: owner,
    startedBy: owner,
    instanceId: undefined,
    displayName: `${String(owner.props.userName ?? 'root')} (session)`,
  };
}

function assumedRole(
  identity: Record<string, unknown>,
  arn: string | undefined,
  accountId: string | undefined,
  accessKeyId: string | undefined,
  context: Record<string, unknown> | undefined,
  attributes: Record<string, unknown> | undefined,
): Actor | null {
  const issuer = obj(context?.sessionIssuer);
  const parsed = parseArn(arn);
  // assumed-role/<role name>/<session name>; the role ARN in sessionIssuer keeps the role's path.
  const [, roleNameFromArn, ...sessionParts] = parsed?.resource.split('/') ?? [];
  const sessionName = sessionParts.join('/') || undefined;
  const account = accountId ?? parsed?.account ?? str(issuer?.accountId);
  const roleArn =
    str(issuer?.arn) ??
    (parsed && roleNameFromArn ? `arn:${parsed.partition}:iam::${parsed.account}:role/${roleNameFromArn}` : undefined);
  const roleName = str(issuer?.userName) ?? roleNameFromArn ?? parseArn(roleArn)?.resource.split('/').pop();
  if (!arn && !roleArn) return unknownActor(identity, IdentityType.AssumedRole);

  const creationDate = parseTimestamp(attributes?.creationDate) ?? undefined;
  // The ASIA key is unique per session; without it, ARN + creation time tell sessions apart.
  const key = accessKeyId ?? `${arn ?? roleArn}#${creationDate ?? 'unknown-start'}`;
  const instanceId = ec2InstanceOf(context, sessionName);
  const session = fact(
    Label.RoleSession,
    key,
    {
      arn,
      sessionType: IdentityType.AssumedRole,
      sessionName,
      roleArn,
      accessKeyId,
      creationDate,
      mfaAuthenticated: boolOf(attributes?.mfaAuthenticated),
      sourceIdentity: str(identity.sourceIdentity) ?? str(context?.sourceIdentity),
      instanceId,
    },
    account,
  );
  const role = roleArn ? fact(Label.IamRole, roleArn, { arn: roleArn, roleName, principalId: str(issuer?.principalId) }, parseArn(roleArn)?.account ?? account) : undefined;
  return {
    principal: session,
    accessKeyId,
    runsAs: role,
    startedBy: undefined,
    instanceId,
    displayName: `${roleName ?? '?'}/${sessionName ?? '?'}`,
  };
}

function federatedUser(
  identity: Record<string, unknown>,
  arn: string | undefined,
  accountId: string | undefined,
  accessKeyId: string | undefined,
  context: Record<string, unknown> | undefined,
  attributes: Record<string, unknown> | undefined,
): Actor | null {
  const federatedArn = arn ?? (str(identity.principalId) ? `federated:${str(identity.principalId)}` : undefined);
  if (!federatedArn) return unknownActor(identity, IdentityType.FederatedUser);
  const name = parseArn(arn)?.resource.split('/').pop() ?? str(identity.principalId)?.split(':').pop();
  const federated = fact(Label.FederatedUser, federatedArn, { arn, userName: name }, accountId);
  const issuer = obj(context?.sessionIssuer);
  const issuerArn = str(issuer?.arn);
  const issuerAccount = str(issuer?.accountId) ?? parseArn(issuerArn)?.account;
  // GetFederationToken is called by an IAM user (or root): sessionIssuer names them.
  const startedBy = issuerArn
    ? issuerArn.endsWith(':root')
      ? fact(Label.RootUser, issuerArn, { arn: issuerArn }, issuerAccount)
      : iamUser(issuerArn, issuerAccount, str(issuer?.userName), str(issuer?.principalId)) ?? undefined
    : undefined;
  if (!accessKeyId) return { ...plain(federated, undefined), displayName: name ?? federatedArn };
  const creationDate = parseTimestamp(attributes?.creationDate) ?? undefined;
  const session = fact(
    Label.RoleSession,
    accessKeyId,
    { arn, sessionType: IdentityType.FederatedUser, sessionName: name, accessKeyId, creationDate, mfaAuthenticated: boolOf(attributes?.mfaAuthenticated) },
    accountId,
  );
  return { principal: session, accessKeyId, runsAs: federated, startedBy, instanceId: undefined, displayName: `${name ?? '?'} (federated)` };
}

function unknownActor(identity: Record<string, unknown>, type: string | undefined): Actor | null {
  const accountId = str(identity.accountId);
  const name = str(identity.userName) ?? str(identity.principalId) ?? str(identity.arn);
  if (!type && !name && !accountId) return null;
  const key = `${type ?? 'untyped'}:${accountId ?? '-'}:${name ?? '-'}`;
  return {
    ...plain(
      fact(
        Label.UnknownPrincipal,
        key,
        { identityType: type, principalId: str(identity.principalId), userName: str(identity.userName), arn: str(identity.arn) },
        accountId,
      ),
      undefined,
    ),
    displayName: name ?? key,
  };
}

/** Instance-profile credentials: ec2RoleDelivery is set, and the session is named after the instance. */
function ec2InstanceOf(context: Record<string, unknown> | undefined, sessionName: string | undefined): string | undefined {
  if (!sessionName || !/^i-[0-9a-zA-Z]{8,17}$/.test(sessionName)) return undefined;
  return context && 'ec2RoleDelivery' in context ? sessionName : undefined;
}

function boolOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

