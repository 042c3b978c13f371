import type { Random } from '../random';

/**
 * Builds CloudTrail records in the shape AWS writes them (eventVersion 1.08-1.10): the same
 * fields, nesting and quirks, so generated data exercises the real parsers.
 */
export type CloudTrailRecord = Record<string, unknown>;

export interface Caller {
  readonly identity: Record<string, unknown>;
  readonly sourceIPAddress: string;
  readonly userAgent: string;
}

export interface Call {
  readonly eventSource: string;
  readonly eventName: string;
  readonly region: string;
  readonly account: string;
  readonly readOnly: boolean;
  readonly requestParameters: Record<string, unknown> | null;
  readonly responseElements?: Record<string, unknown> | null;
  readonly resources?: readonly { ARN: string; accountId?: string; type?: string }[];
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly eventType?: string;
  readonly dataEvent?: boolean;
  readonly additionalEventData?: Record<string, unknown>;
}

export function cloudTrailRecord(random: Random, time: number, caller: Caller, call: Call): CloudTrailRecord {
  const record: CloudTrailRecord = {
    eventVersion: call.dataEvent ? '1.10' : '1.09',
    userIdentity: caller.identity,
    eventTime: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: call.eventSource,
    eventName: call.eventName,
    awsRegion: call.region,
    sourceIPAddress: caller.sourceIPAddress,
    userAgent: caller.userAgent,
    requestParameters: call.requestParameters,
    responseElements: call.responseElements ?? null,
    requestID: random.uuid(),
    eventID: random.uuid(),
    readOnly: call.readOnly,
    eventType: call.eventType ?? 'AwsApiCall',
    managementEvent: !call.dataEvent,
    recipientAccountId: call.account,
    eventCategory: call.dataEvent ? 'Data' : 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: `${call.eventSource.replace('.amazonaws.com', '')}.${call.region}.amazonaws.com`,
    },
  };
  if (call.errorCode) {
    record.errorCode = call.errorCode;
    if (call.errorMessage) record.errorMessage = call.errorMessage;
  }
  if (call.resources) record.resources = call.resources;
  if (call.additionalEventData) record.additionalEventData = call.additionalEventData;
  return record;
}

export function iamUserIdentity(user: { arn: string; account: string; principalId: string; accessKeyId: string; name: string }) {
  return {
    type: 'IAMUser',
    principalId: user.principalId,
    arn: user.arn,
    accountId: user.account,
    accessKeyId: user.accessKeyId,
    userName: user.name,
  };
}

export interface SessionIdentity {
  readonly roleArn: string;
  readonly roleName: string;
  readonly rolePrincipalId: string;
  readonly account: string;
  readonly sessionName: string;
  readonly accessKeyId: string;
  readonly creationTime: number;
  readonly instanceId?: string;
  /** For sessions from AssumeRoleWithWebIdentity: the identity provider and the token's subject. */
  readonly webIdentity?: { readonly provider: string; readonly subject: string };
}

export function assumedRoleIdentity(session: SessionIdentity) {
  const context: Record<string, unknown> = {
    sessionIssuer: {
      type: 'Role',
      principalId: session.rolePrincipalId,
      arn: session.roleArn,
      accountId: session.account,
      userName: session.roleName,
    },
    attributes: { creationDate: new Date(session.creationTime).toISOString().replace(/\.\d{3}Z$/, 'Z'), mfaAuthenticated: 'false' },
  };
  if (session.instanceId) context.ec2RoleDelivery = '2.0';
  if (session.webIdentity) {
    context.webIdFederationData = { federatedProvider: `arn:aws:iam::${session.account}:oidc-provider/${session.webIdentity.provider}`, attributes: {} };
  }
  return {
    type: 'AssumedRole',
    principalId: `${session.rolePrincipalId}:${session.sessionName}`,
    arn: `arn:aws:sts::${session.account}:assumed-role/${session.roleName}/${session.sessionName}`,
    accountId: session.account,
    accessKeyId: session.accessKeyId,
    sessionContext: context,
  };
}

export function serviceIdentity(service: string) {
  return { type: 'AWSService', invokedBy: service };
}

/** The response of a successful AssumeRole: the new temporary key, and a session token. */
export function assumeRoleResponse(random: Random, session: SessionIdentity, expiresAt: number) {
  return {
    credentials: {
      accessKeyId: session.accessKeyId,
      sessionToken: `IQoJb3JpZ2luX2Vj${random.token(380)}`,
      expiration: new Date(expiresAt).toUTCString().replace('GMT', '').trim(),
    },
    assumedRoleUser: {
      assumedRoleId: `${session.rolePrincipalId}:${session.sessionName}`,
      arn: `arn:aws:sts::${session.account}:assumed-role/${session.roleName}/${session.sessionName}`,
    },
  };
}
