import { describe, expect, it } from 'vitest';
import { cloudTrailClass } from '../../export/ocsf/cloudTrailClass';
import { ocsfFamily } from '../../ingest/ocsf/classes';
import { cloudTrailFromOcsf } from '../../ingest/ocsf/toCloudTrail';
import { findingFromOcsf } from '../../ingest/ocsf/toFinding';
import { flowLineFromOcsf } from '../../ingest/ocsf/toFlowLine';
import { unmappedOf } from '../../ingest/ocsf/values';
import { normalizeCloudTrailEvent } from '../../ingest/cloudtrail/normalize';

describe('CloudTrail to OCSF classes, as Security Lake sorts them', () => {
  it.each([
    ['ConsoleLogin', null, 3002, 1],
    ['AssumeRole', null, 3002, 1],
    ['AssumeRoleWithWebIdentity', null, 3002, 1],
    ['CheckMfa', null, 3002, 99],
    ['CreateUser', null, 3001, 1],
    ['CreateAccessKey', null, 3001, 1],
    ['AttachUserPolicy', null, 3001, 7],
    ['PutRolePolicy', null, 3001, 7],
    ['DetachRolePolicy', null, 3001, 8],
    ['DeleteUserPolicy', null, 3001, 8],
    ['DeletePolicy', null, 3001, 6],
    ['DeleteUser', null, 3001, 6],
    ['ChangePassword', null, 3001, 3],
    ['UpdateLoginProfile', null, 3001, 4],
    ['EnableMFADevice', null, 3001, 10],
    ['DeactivateMFADevice', null, 3001, 11],
    ['ListBuckets', true, 6003, 2],
    ['GetObject', null, 6003, 2],
    ['RunInstances', false, 6003, 1],
    ['TerminateInstances', false, 6003, 4],
    ['ModifySnapshotAttribute', false, 6003, 3],
    ['StopLogging', false, 6003, 4],
    // Not IAM's: an STS call that is not an assumption stays API Activity.
    ['GetCallerIdentity', true, 6003, 2],
  ] as const)('%s (readOnly %s) is class %s, activity %s', (name, readOnly, uid, activity) => {
    const c = cloudTrailClass(name, readOnly, undefined);
    expect([c.cls.uid, c.activityId]).toEqual([uid, activity]);
  });

  it('tells enabling a key from disabling it by the request', () => {
    expect(cloudTrailClass('UpdateAccessKey', false, { status: 'Inactive' }).activityName).toBe('Disable');
    expect(cloudTrailClass('UpdateAccessKey', false, { status: 'Active' }).activityName).toBe('Enable');
  });
});

/** A role session's call as Security Lake 1.1.0 writes it: no `unmapped` userIdentity of Trailhound's. */
const lakeCall = {
  class_uid: 6003,
  activity_id: 2,
  time: 1730419200000,
  metadata: { version: '1.1.0', uid: 'e-1', product: { name: 'CloudTrail', version: '1.09' }, event_code: 'AwsApiCall' },
  cloud: { provider: 'AWS', region: 'us-east-1', account: { uid: '111122223333' } },
  actor: {
    user: { type: 'AssumedRole', uid: 'arn:aws:sts::111122223333:assumed-role/Admin/carol', uid_alt: 'AROAEXAMPLE:carol', account: { uid: '111122223333' }, credential_uid: 'ASIAEXAMPLE000000001' },
    session: { issuer: 'arn:aws:iam::111122223333:role/Admin', created_time: 1730415600000, is_mfa: true },
  },
  api: { operation: 'GetObject', service: { name: 's3.amazonaws.com' }, request: { uid: 'r-1', data: '{"bucketName":"payroll","key":"a.csv"}' } },
  src_endpoint: { ip: '185.220.101.45' },
  http_request: { user_agent: 'Boto3/1.34' },
  unmapped: { readOnly: 'true', 'additionalEventData.bytesTransferredOut': '12' },
};

describe('OCSF back to CloudTrail', () => {
  it("rebuilds the event from Security Lake's attributes: caller, session issuer from its ARN, request from JSON text, unmapped fields", () => {
    const result = cloudTrailFromOcsf(lakeCall);
    expect(result.ok).toBe(true);
    const event = (result as { event: Record<string, unknown> }).event;
    expect(event).toMatchObject({
      eventID: 'e-1',
      eventTime: '2024-11-01T00:00:00.000Z',
      eventName: 'GetObject',
      eventSource: 's3.amazonaws.com',
      awsRegion: 'us-east-1',
      recipientAccountId: '111122223333',
      sourceIPAddress: '185.220.101.45',
      requestParameters: { bucketName: 'payroll', key: 'a.csv' },
      // A map of text keeps text: the CloudTrail reader takes "true" as readOnly.
      readOnly: 'true',
      additionalEventData: { bytesTransferredOut: '12' },
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/Admin/carol',
        principalId: 'AROAEXAMPLE:carol',
        accessKeyId: 'ASIAEXAMPLE000000001',
        sessionContext: {
          sessionIssuer: { type: 'Role', userName: 'Admin', accountId: '111122223333', arn: 'arn:aws:iam::111122223333:role/Admin' },
          attributes: { creationDate: '2024-10-31T23:00:00Z', mfaAuthenticated: 'true' },
        },
      },
    });
    // And the CloudTrail reader makes of it what it makes of the raw event: the session, its role, the bucket.
    const normalized = normalizeCloudTrailEvent(event);
    expect(normalized.ok).toBe(true);
    const row = (normalized as unknown as { row: { principalKey: string; resources: string[]; readOnly: boolean } }).row;
    expect(row.principalKey).toBe('ASIAEXAMPLE000000001');
    expect(row.readOnly).toBe(true);
    expect(row.resources).toContain('S3Bucket:payroll');
  });

  it("reads OCSF 1.0.0's names (Security Lake v1): user.uuid is the ARN, uid the principal id, account_uid", () => {
    const v1 = { ...lakeCall, metadata: { ...lakeCall.metadata, version: '1.0.0-rc.2' }, cloud: { provider: 'AWS', region: 'us-east-1', account_uid: '111122223333' }, actor: { user: { type: 'IAMUser', uuid: 'arn:aws:iam::111122223333:user/alice', uid: 'AIDAEXAMPLE', account_uid: '111122223333', name: 'alice', credential_uid: 'AKIAEXAMPLE000000001' } } };
    const event = (cloudTrailFromOcsf(v1) as { event: Record<string, unknown> }).event;
    expect(event.recipientAccountId).toBe('111122223333');
    expect(event.userIdentity).toMatchObject({ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', principalId: 'AIDAEXAMPLE', accountId: '111122223333', userName: 'alice', accessKeyId: 'AKIAEXAMPLE000000001' });
  });

  it('rejects a record without its event id or time, saying which', () => {
    expect(cloudTrailFromOcsf({ ...lakeCall, metadata: { version: '1.1.0' } })).toEqual({ ok: false, reason: 'missing metadata.uid (the CloudTrail eventID)' });
    const { time: _time, ...timeless } = lakeCall;
    expect(cloudTrailFromOcsf(timeless)).toMatchObject({ ok: false, reason: expect.stringMatching(/missing time/) });
  });

  it('never lets a key of `unmapped` reach an object prototype', () => {
    const hostile = unmappedOf({ unmapped: { '__proto__.polluted': 'yes', 'constructor.prototype.polluted': 'yes', 'a.b': '{"c":1}' } });
    expect(hostile).toEqual({ a: { b: { c: 1 } } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const event = (cloudTrailFromOcsf({ ...lakeCall, unmapped: { __proto__: { polluted: 1 } } as unknown as Record<string, string> }) as { event: Record<string, unknown> }).event;
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
  });
});

describe('OCSF findings back to GuardDuty findings', () => {
  it("reads a Security Hub Detection Finding: the id from the finding ARN, GuardDuty's type from the ASFF path, the key and the caller's address", () => {
    const result = findingFromOcsf({
      class_uid: 2004,
      severity_id: 4,
      time: 1730419200000,
      metadata: { version: '1.1.0', product: { name: 'GuardDuty', vendor_name: 'AWS' } },
      cloud: { provider: 'AWS', region: 'us-east-1', account: { uid: '111122223333' } },
      finding_info: {
        uid: 'arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/f-123',
        title: 'API called from a known malicious IP',
        types: ['TTPs/Initial Access/UnauthorizedAccess:IAMUser-MaliciousIPCaller.Custom'],
        first_seen_time: 1730415600000,
        modified_time: 1730419200000,
      },
      resources: [{ type: 'AwsIamAccessKey', uid: 'AWS::IAM::AccessKey:AKIAEXAMPLE000000001', data: '{"AwsIamAccessKey":{"PrincipalName":"alice","PrincipalType":"IAMUser"}}' }],
      evidences: [{ api: { operation: 'ListBuckets', service: { name: 's3.amazonaws.com' } }, src_endpoint: { ip: '198.51.100.7', location: { country: 'Germany' } } }],
    });
    expect(result).toMatchObject({
      ok: true,
      finding: {
        id: 'f-123',
        arn: 'arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/f-123',
        type: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom',
        severity: 8,
        accountId: '111122223333',
        resource: { resourceType: 'AccessKey', accessKeyDetails: { accessKeyId: 'AKIAEXAMPLE000000001', userName: 'alice', userType: 'IAMUser' } },
        service: { action: { actionType: 'AWS_API_CALL', awsApiCallAction: { api: 'ListBuckets', remoteIpDetails: { ipAddressV4: '198.51.100.7', country: { countryName: 'Germany' } } } } },
      },
    });
  });

  it('rejects a finding without an id or a type', () => {
    expect(findingFromOcsf({ class_uid: 2004, metadata: { version: '1.1.0' } })).toEqual({ ok: false, reason: 'missing finding_info.uid' });
    expect(findingFromOcsf({ class_uid: 2004, finding_info: { uid: 'x' } })).toEqual({ ok: false, reason: 'missing finding_info.types (the finding type)' });
  });
});

describe('OCSF flows back to flow-log lines', () => {
  it('writes one line of the custom format, times in seconds, the decision as ACCEPT or REJECT, no field shifted by spaces', () => {
    const line = flowLineFromOcsf({
      class_uid: 4001,
      start_time: 1730419200500,
      end_time: 1730419259000,
      cloud: { region: 'us-east-1', account: { uid: '111122223333' } },
      src_endpoint: { ip: '10.0.1.5', port: 45000, interface_uid: 'eni-1', vpc_uid: 'vpc 1' },
      dst_endpoint: { ip: '193.142.146.35', port: 4444 },
      connection_info: { protocol_num: 6, direction_id: 2 },
      traffic: { bytes: 600, packets: 4 },
      action_id: 2,
    });
    expect(line).toEqual({ ok: true, line: '5 111122223333 eni-1 10.0.1.5 193.142.146.35 45000 4444 6 4 600 1730419200 1730419259 REJECT OK vpc_1 - - us-east-1 egress' });
    expect(flowLineFromOcsf({ class_uid: 4001, src_endpoint: { ip: '10.0.1.5' } })).toMatchObject({ ok: false });
  });

  it('sorts records by class: CloudTrail classes need an API operation, other classes are named in the reject', () => {
    expect(ocsfFamily(lakeCall)).toBe('cloudtrail');
    expect(ocsfFamily({ class_uid: 3002, user: { name: 'okta-user' } })).toBe('unsupported');
    expect(ocsfFamily({ class_uid: '4001' })).toBe('flow');
    expect(ocsfFamily({ class_uid: 2001 })).toBe('finding');
    expect(ocsfFamily({ eventID: 'x' })).toBeNull();
  });
});
