import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordFacts } from '../../graph/facts';
import { normalizeCloudTrailEvent } from '../../ingest/cloudtrail/normalize';
import type { CloudTrailRow } from '../../store/rows';
import { edgesOf, nodesOf } from '../support/facts';
import { storedRecordText as readCloudTrailStored } from '../../ingest/cloudtrail/storedRecord';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'cloudtrail');
const stratus = readdirSync(join(FIXTURES, 'stratus-red-team'))
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => JSON.parse(readFileSync(join(FIXTURES, 'stratus-red-team', f), 'utf8')) as Record<string, unknown>[]);
const shapes = (JSON.parse(readFileSync(join(FIXTURES, 'shapes', 'identity-types.valid.json'), 'utf8')) as { Records: Record<string, unknown>[] }).Records;

/** An event's graph facts, and the row the event store keeps of it. */
function facts(event: Record<string, unknown>): RecordFacts & { row: CloudTrailRow } {
  const result = normalizeCloudTrailEvent(event);
  if (!result.ok) throw new Error(result.reason);
  return { ...result.facts, row: result.row };
}
const byId = (events: Record<string, unknown>[], id: string) => events.find((e) => e.eventID === id)!;
const byName = (name: string, n = 0) => stratus.filter((e) => e.eventName === name)[n]!;

describe('normalizeCloudTrailEvent on the Stratus Red Team detonations', () => {
  it('accepts every one of the 310 real events', () => {
    expect(stratus).toHaveLength(310);
    for (const event of stratus) expect(normalizeCloudTrailEvent(event).ok).toBe(true);
  });

  it('makes an IAM user calling with a long-term key the actor, and links the key to it', () => {
    const f = facts(byName('CreateUser'));
    expect(f.row).toMatchObject({
      eventName: 'CreateUser',
      principalKey: 'arn:aws:iam::229654561268:user/christophe',
      accessKeyId: expect.stringMatching(/^AKIA/),
      sourceIp: '75.50.255.67', // "075.050.255.67" in the file: anonymised with leading zeros
    });
    const edges = edgesOf(f);
    expect(edges).toContain(`AccessKey:${f.row.accessKeyId} -KEY_OF-> IamUser:arn:aws:iam::229654561268:user/christophe`);
    expect(edges).toContain('IamUser:arn:aws:iam::229654561268:user/christophe -ACCESSED-> IamUser:arn:aws:iam::229654561268:user/malicious-iam-user');
  });

  it('links a key created by CreateAccessKey to the user it was created for', () => {
    const f = facts(byName('CreateAccessKey'));
    expect(edgesOf(f)).toContain('AccessKey:AKIAL80DWDVKKM0UXEER -KEY_OF-> IamUser:arn:aws:iam::946986569305:user/stratus-red-team-backdoor-u-user');
  });

  it('starts a session from AssumeRole, keyed by the temporary key the response returned', () => {
    const assume = stratus.find((e) => e.eventName === 'AssumeRole' && (e.responseElements as { credentials?: { accessKeyId?: string } } | null)?.credentials?.accessKeyId === 'ASIA9F6MXE9HSYOXYQOS')!;
    const edges = edgesOf(facts(assume));
    expect(edges).toContain('IamUser:arn:aws:iam::900138736586:user/christophe -ASSUMED-> RoleSession:ASIA9F6MXE9HSYOXYQOS');
    expect(edges).toContain('AccessKey:ASIA9F6MXE9HSYOXYQOS -KEY_OF-> RoleSession:ASIA9F6MXE9HSYOXYQOS');
    expect(edges).toContain('RoleSession:ASIA9F6MXE9HSYOXYQOS -SESSION_OF-> IamRole:arn:aws:iam::900138736586:role/stratus-red-team-ec2lui-role-idtzskbvtd');
  });

  it("attributes a session's calls to the session, and the session to its role", () => {
    const call = stratus.find((e) => (e.userIdentity as { accessKeyId?: string }).accessKeyId === 'ASIA9F6MXE9HSYOXYQOS')!;
    const f = facts(call);
    expect(f.row.principalKey).toBe('ASIA9F6MXE9HSYOXYQOS');
    expect(edgesOf(f)).toContain('RoleSession:ASIA9F6MXE9HSYOXYQOS -SESSION_OF-> IamRole:arn:aws:iam::900138736586:role/stratus-red-team-ec2lui-role-idtzskbvtd');
  });

  it('ties an instance-profile session to its EC2 instance', () => {
    const call = stratus.find((e) => (e.userIdentity as { accessKeyId?: string }).accessKeyId === 'ASIAP5CT9NN8EYVU1FXV')!;
    expect(edgesOf(facts(call))).toContain('RoleSession:ASIAP5CT9NN8EYVU1FXV -ON_INSTANCE-> Ec2Instance:i-786a3A8B5C0d92eF4');
  });

  it('follows GetFederationToken to the federated session and the IAM user who started it', () => {
    const call = stratus.find((e) => (e.userIdentity as { type?: string }).type === 'FederatedUser')!;
    const edges = edgesOf(facts(call));
    expect(edges).toContain('IamUser:arn:aws:iam::742491224508:user/stratus-red-team-user-federation-user -ASSUMED-> RoleSession:ASIASTJKC5GCM7ZE6LUP');
    expect(edges).toContain('RoleSession:ASIASTJKC5GCM7ZE6LUP -SESSION_OF-> FederatedUser:arn:aws:sts::742491224508:federated-user/stratus_red_team');
  });

  it('removes session tokens and keeps the temporary key id', () => {
    const f = facts(byName('GetFederationToken'));
    expect(f.row.record).not.toContain('IQoJb3JpZ2luX2Vj');
    expect(JSON.parse(f.row.record!).responseElements.credentials).toMatchObject({ accessKeyId: 'ASIASTJKC5GCM7ZE6LUP', sessionToken: '[REDACTED]' });
    expect(f.row.sessionKey).toBe('ASIASTJKC5GCM7ZE6LUP');
  });

  it('stores the record as read when it holds no secret, and redacts it when it does, whatever the text looks like', () => {
    const event = byName('CreateUser');
    const text = JSON.stringify(event);
    expect(readCloudTrailStored(event, text)).toBe(text);
    const withToken = { ...event, responseElements: { credentials: { sessionToken: 'IQoJsecret' } } };
    expect(readCloudTrailStored(withToken, JSON.stringify(withToken))).not.toContain('IQoJsecret');
    // A key spelled with an escape in the text is still the key once parsed: redacted too.
    const escaped = JSON.stringify(withToken).replace('"sessionToken"', '"session\\u0054oken"');
    expect(JSON.parse(escaped).responseElements.credentials.sessionToken).toBe('IQoJsecret');
    expect(readCloudTrailStored(JSON.parse(escaped) as Record<string, unknown>, escaped)).not.toContain('IQoJsecret');
  });

  it('names the secret and the instance a call touched', () => {
    expect(facts(byName('GetSecretValue')).row.resources).toContain(`AwsResource:${(byName('GetSecretValue').requestParameters as { secretId: string }).secretId}`);
    const send = facts(byName('SendCommand'));
    expect([...edgesOf(send)].some((e) => e.endsWith('-ACCESSED-> Ec2Instance:i-786a3A8B5C0d92eF4'))).toBe(true);
  });

  it('does not claim an AWS-managed policy for the caller account', () => {
    const nodes = nodesOf(facts(byName('AttachUserPolicy')));
    const policy = nodes.get('AwsResource:arn:aws:iam::aws:policy/AdministratorAccess');
    expect(policy).toMatchObject({ resourceType: 'iam:policy', name: 'AdministratorAccess' });
    expect(policy?.accountId).toBeUndefined();
  });
});

describe('normalizeCloudTrailEvent on identity types the real data lacks', () => {
  it('makes root a RootUser, and ignores its empty console access key', () => {
    const f = facts(byId(shapes, '11111111-0000-4000-8000-000000000001'));
    expect(f.row.principalKey).toBe('arn:aws:iam::123456789012:root');
    expect([...edgesOf(f)].some((e) => e.includes('KEY_OF'))).toBe(false);
    expect(edgesOf(f)).toContain('RootUser:arn:aws:iam::123456789012:root -IN_ACCOUNT-> Account:123456789012');
  });

  it('lets an AWS service start a session, and does not make the service its own source', () => {
    const edges = edgesOf(facts(byId(shapes, '11111111-0000-4000-8000-000000000002')));
    expect(edges).toContain('AwsService:lambda.amazonaws.com -ASSUMED-> RoleSession:ASIAEXAMPLESERVICE01');
    expect(edges).toContain('RoleSession:ASIAEXAMPLESERVICE01 -SESSION_OF-> IamRole:arn:aws:iam::123456789012:role/service-role/thumbnailer');
    expect([...edges].some((e) => e.includes('CALLED_FROM'))).toBe(false);
  });

  it('uses @timestamp when eventTime is absent, and strips brackets from user agents', () => {
    const f = facts(byId(shapes, '11111111-0000-4000-8000-000000000003'));
    expect(f.time).toBe(Date.parse('2024-08-01T10:02:00.123Z'));
    expect(edgesOf(f)).toContain('AwsAccountPrincipal:anonymous -USED_AGENT-> UserAgent:aws-cli/2.15.0 Python/3.11');
  });

  it('keeps Unknown identities apart, with a compressed IPv6 source', () => {
    const f = facts(byId(shapes, '11111111-0000-4000-8000-000000000004'));
    expect(f.row.principalKey).toBe('Unknown:123456789012:-');
    expect(f.row.sourceIp).toBe('2001:db8::1');
  });

  it('loads an Insight event without a principal', () => {
    const f = facts(byId(shapes, '11111111-0000-4000-8000-000000000005'));
    expect(f.row.principalKey).toBeNull();
    expect(f.edges).toEqual([]);
  });

  it('follows GetSessionToken (MFA sessions) from the IAM user to the session its temporary key signs for', () => {
    const user = { type: 'IAMUser', principalId: 'AIDAEXAMPLEMFAUSER01', arn: 'arn:aws:iam::123456789012:user/dana', accountId: '123456789012', userName: 'dana' };
    const start = facts({
      eventVersion: '1.08',
      userIdentity: { ...user, accessKeyId: 'AKIAEXAMPLEMFAUSER01' },
      eventTime: '2026-11-19T10:00:00Z',
      eventSource: 'sts.amazonaws.com',
      eventName: 'GetSessionToken',
      awsRegion: 'us-east-1',
      sourceIPAddress: '198.51.100.20',
      userAgent: 'aws-cli/2.15.0',
      requestParameters: { durationSeconds: 3600, serialNumber: 'arn:aws:iam::123456789012:mfa/dana' },
      responseElements: { credentials: { accessKeyId: 'ASIAEXAMPLEMFASESS01', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN', expiration: 'Nov 19, 2026, 11:00:00 AM' } },
      eventID: '11111111-0000-4000-8000-0000000000a1',
      eventType: 'AwsApiCall',
      recipientAccountId: '123456789012',
    });
    const edges = edgesOf(start);
    expect(edges).toContain('IamUser:arn:aws:iam::123456789012:user/dana -ASSUMED-> RoleSession:ASIAEXAMPLEMFASESS01');
    expect(edges).toContain('RoleSession:ASIAEXAMPLEMFASESS01 -SESSION_OF-> IamUser:arn:aws:iam::123456789012:user/dana');
    expect(JSON.stringify(start)).not.toContain('IQoJb3JpZ2luX2VjEXAMPLETOKEN');
    // Her calls with the temporary key are the session's.
    const call = facts({
      eventVersion: '1.08',
      userIdentity: { ...user, accessKeyId: 'ASIAEXAMPLEMFASESS01', sessionContext: { attributes: { creationDate: '2026-11-19T10:00:00Z', mfaAuthenticated: 'true' } } },
      eventTime: '2026-11-19T10:05:00Z',
      eventSource: 'iam.amazonaws.com',
      eventName: 'ListUsers',
      awsRegion: 'us-east-1',
      sourceIPAddress: '198.51.100.20',
      userAgent: 'aws-cli/2.15.0',
      requestParameters: null,
      responseElements: null,
      eventID: '11111111-0000-4000-8000-0000000000a2',
      eventType: 'AwsApiCall',
      recipientAccountId: '123456789012',
    });
    expect(edgesOf(call)).toContain('RoleSession:ASIAEXAMPLEMFASESS01 -CALLED_FROM-> IpAddress:198.51.100.20');
    expect(call.row.principalKey).toBe('ASIAEXAMPLEMFASESS01');
  });

  it('links a SAML user to the session AssumeRoleWithSAML started, which an empty sessionIssuer then uses', () => {
    const start = edgesOf(facts(byId(shapes, '11111111-0000-4000-8000-000000000006')));
    expect(start).toContain('FederatedUser:SAMLUser:abc123=:alice@example.com -ASSUMED-> RoleSession:ASIAEXAMPLESAML00001');
    const call = edgesOf(facts(byId(shapes, '11111111-0000-4000-8000-000000000007')));
    // sessionIssuer is {}: the role comes from the assumed-role ARN.
    expect(call).toContain('RoleSession:ASIAEXAMPLESAML00001 -SESSION_OF-> IamRole:arn:aws:iam::123456789012:role/Okta-Admin');
    expect(call).toContain('RoleSession:ASIAEXAMPLESAML00001 -CALLED_FROM-> AwsService:AWS Internal');
  });
});

describe('normalizeCloudTrailEvent rejects', () => {
  const base = stratus[0]!;
  it('a record without eventID', () => {
    expect(normalizeCloudTrailEvent({ ...base, eventID: undefined })).toEqual({ ok: false, reason: 'missing eventID' });
  });
  it('a record without any time', () => {
    expect(normalizeCloudTrailEvent({ ...base, eventTime: undefined })).toEqual({ ok: false, reason: 'missing eventTime (and no @timestamp)' });
  });
  it('a record whose time is not a timestamp', () => {
    const result = normalizeCloudTrailEvent({ ...base, eventTime: 'yesterday' });
    expect(result).toEqual({ ok: false, reason: 'eventTime is not a timestamp: "yesterday"' });
  });
});
