import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, test } from 'vitest';
import {
  ATTACK_DATA,
  ATTACK_RULES,
  ATTACK_SOURCES,
  CONDITION_KINDS,
  TACTIC_ORDER,
  baseEventName,
  isMappedCall,
  mappedApis,
  mappedSources,
  techniqueMatches,
  techniquesOf,
  type Tactic,
} from '../../graph/investigations/indicators/attack';

const ROOT = join(import.meta.dirname, '..', '..');
const RAW = JSON.parse(readFileSync(join(ROOT, 'graph', 'investigations', 'indicators', 'attackTechniques.json'), 'utf8')) as { rules: unknown[] };

/** The technique ids one call shows. */
const ids = (eventSource: string, eventName: string, record?: unknown) => techniquesOf({ eventSource, eventName, record }).map((r) => r.techniqueId);
/** A CloudTrail record in account 111122223333, with the given request and any other fields. */
const rec = (requestParameters: unknown, extra: Record<string, unknown> = {}) => ({
  recipientAccountId: '111122223333',
  userIdentity: { type: 'IAMUser', accountId: '111122223333' },
  requestParameters,
  ...extra,
});

describe('the ATT&CK mapping data file', () => {
  it('loads every rule it holds (none dropped by validation)', () => {
    expect(ATTACK_RULES).toHaveLength(RAW.rules.length);
    expect(ATTACK_DATA.attackVersion).toMatch(/^\d+(\.\d+)?$/);
  });

  it('names only ATT&CK tactics, spelled as ATT&CK writes them', () => {
    for (const rule of ATTACK_RULES) for (const t of rule.tactics) expect(TACTIC_ORDER).toContain(t);
  });

  it('uses well-formed technique ids, each catalogued with its ATT&CK name, and only tactics that technique has', () => {
    for (const rule of ATTACK_RULES) {
      expect(rule.techniqueId).toMatch(/^T\d{4}(\.\d{3})?$/);
      const technique = ATTACK_DATA.techniques[rule.techniqueId];
      expect(technique, `${rule.techniqueId} is catalogued`).toBeDefined();
      expect(rule.technique).toBe(technique!.name);
      for (const t of rule.tactics) expect(technique!.tactics, `${rule.eventName} ${rule.techniqueId}`).toContain(t);
    }
  });

  it('uses only condition kinds the matcher implements, and describes every one of them', () => {
    for (const rule of ATTACK_RULES) if (rule.when) expect(CONDITION_KINDS).toContain(rule.when.kind);
    expect(Object.keys(ATTACK_DATA.conditions).sort()).toEqual([...CONDITION_KINDS].sort());
  });

  it('has no two rules for the same API and condition', () => {
    const keys = ATTACK_RULES.map((r) => `${r.eventSource} ${r.eventName} ${r.when?.kind ?? '-'}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives every source a name and an https url', () => {
    expect(ATTACK_SOURCES.length).toBeGreaterThan(0);
    for (const s of ATTACK_SOURCES) {
      expect(s.name.length).toBeGreaterThan(0);
      expect(s.url).toMatch(/^https:\/\/\S+$/);
    }
  });

  it('says in one short sentence why an attacker makes each call', () => {
    for (const rule of ATTACK_RULES) {
      expect(rule.why).toMatch(/^[A-Z].*\.$/);
      expect(rule.why.length).toBeLessThan(200);
    }
  });

  it('covers the calls an AWS intrusion is made of', () => {
    const required = [
      'iam CreateAccessKey', 'iam CreateLoginProfile', 'iam UpdateLoginProfile', 'iam CreateUser', 'iam AttachUserPolicy', 'iam PutUserPolicy',
      'iam AttachRolePolicy', 'iam PutRolePolicy', 'iam CreateRole', 'iam UpdateAssumeRolePolicy', 'iam AddUserToGroup', 'iam CreatePolicyVersion',
      'iam SetDefaultPolicyVersion', 'sts GetFederationToken', 'rolesanywhere CreateTrustAnchor', 'rolesanywhere CreateProfile',
      'lambda UpdateFunctionCode', 'lambda AddPermission', 'lambda CreateFunction', 'lambda PublishLayerVersion', 'lambda UpdateFunctionConfiguration',
      'cloudtrail StopLogging', 'cloudtrail DeleteTrail', 'cloudtrail UpdateTrail', 'cloudtrail PutEventSelectors', 'ec2 DeleteFlowLogs',
      'route53resolver DeleteResolverQueryLogConfig', 'route53resolver DisassociateResolverQueryLogConfig', 'organizations LeaveOrganization',
      'guardduty DeleteDetector', 'guardduty UpdateDetector', 'securityhub DisableSecurityHub', 'secretsmanager GetSecretValue',
      'secretsmanager BatchGetSecretValue', 'ec2 GetPasswordData', 'ssm GetParameter', 'ssm GetParameters', 'ssm GetParametersByPath',
      'ec2 ModifySnapshotAttribute', 'ec2 ModifyImageAttribute', 'rds ModifyDBSnapshotAttribute', 's3 PutBucketPolicy', 's3 PutBucketAcl',
      'ec2 AuthorizeSecurityGroupIngress', 'ssm SendCommand', 'ssm StartSession', 'ec2 RunInstances', 'ec2 ModifyInstanceAttribute',
      'ec2-instance-connect SendSSHPublicKey', 'ec2-instance-connect SendSerialConsoleSSHPublicKey', 'bedrock InvokeModel', 'signin ConsoleLogin',
      'sts GetCallerIdentity', 'iam ListUsers', 'iam ListRoles', 's3 ListBuckets', 'ec2 DescribeInstances', 'iam GetAccountAuthorizationDetails',
      'secretsmanager ListSecrets',
    ];
    const mapped = new Set(mappedApis().map((a) => `${a.eventSource.replace('.amazonaws.com', '')} ${a.eventName}`));
    for (const api of required) expect(mapped, api).toContain(api);
  });
});

describe('matching a call by its name', () => {
  it('strips the API version Lambda appends to its event names, and nothing else', () => {
    expect(baseEventName('UpdateFunctionCode20150331v2')).toBe('UpdateFunctionCode');
    expect(baseEventName('AddPermission20150331v2')).toBe('AddPermission');
    expect(baseEventName('CreateFunction20150331')).toBe('CreateFunction');
    expect(baseEventName('PublishLayerVersion20181031')).toBe('PublishLayerVersion');
    expect(baseEventName('ListObjectsV2')).toBe('ListObjectsV2');
    expect(baseEventName('GetParameters')).toBe('GetParameters');
  });

  it('recognises a versioned Lambda name as its base API', () => {
    expect(ids('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2')).toEqual(['T1546']);
    expect(isMappedCall('lambda.amazonaws.com', 'UpdateFunctionConfiguration20150331v2')).toBe(true);
    expect(isMappedCall('lambda.amazonaws.com', 'GetFunction20150331v2')).toBe(false);
  });

  it('matches nothing without a source and a name, or for a service it does not know', () => {
    expect(techniquesOf({ eventSource: null, eventName: 'CreateAccessKey' })).toEqual([]);
    expect(techniquesOf({ eventSource: 'iam.amazonaws.com', eventName: null })).toEqual([]);
    expect(techniquesOf({ eventSource: 'example.amazonaws.com', eventName: 'CreateAccessKey' })).toEqual([]);
  });

  it('never matches a conditional rule without the record to check', () => {
    expect(techniquesOf({ eventSource: 'ec2.amazonaws.com', eventName: 'ModifySnapshotAttribute' })).toEqual([]);
    expect(isMappedCall('ec2.amazonaws.com', 'ModifySnapshotAttribute')).toBe(true);
    // GetCallerIdentity: the plain discovery rule applies; the instance-credential one needs its record.
    expect(ids('sts.amazonaws.com', 'GetCallerIdentity')).toEqual(['T1087.004']);
  });

  it('lists the mapped APIs by base name, saying which need their record, and the services to prefilter on', () => {
    const apis = mappedApis();
    expect(apis.every((a) => baseEventName(a.eventName) === a.eventName)).toBe(true);
    expect(apis.find((a) => a.eventName === 'ModifySnapshotAttribute')?.conditional).toBe(true);
    expect(apis.find((a) => a.eventName === 'StopLogging')?.conditional).toBe(false);
    expect(new Set(apis.map((a) => `${a.eventSource} ${a.eventName}`)).size).toBe(apis.length);
    expect(mappedSources().sort()).toEqual([...new Set(ATTACK_RULES.map((r) => r.eventSource))].sort());
  });

  it('says whether each match came from its condition', () => {
    const matches = techniqueMatches({ eventSource: 'iam.amazonaws.com', eventName: 'UpdateAssumeRolePolicy', record: rec({ policyDocument: trust('arn:aws:iam::999988887777:root') }) });
    expect(matches.map((m) => [m.rule.severity, m.conditional])).toEqual([['medium', false], ['high', true]]);
  });
});

/** A trust policy letting the given AWS principal assume the role, as IAM logs it (JSON text). */
function trust(principal: string | string[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }] });
}

describe('conditions', () => {
  const snapshot = (change: unknown) => ids('ec2.amazonaws.com', 'ModifySnapshotAttribute', rec({ snapshotId: 'snap-1', attributeType: 'CREATE_VOLUME_PERMISSION', createVolumePermission: change }));

  it('sees a snapshot shared with everyone, or with another account', () => {
    expect(snapshot({ add: { items: [{ group: 'all' }] } })).toEqual(['T1537']);
    expect(snapshot({ add: { items: [{ userId: '999988887777' }] } })).toEqual(['T1537']);
  });

  it('does not see a snapshot whose permission was only removed, or shared with its own account', () => {
    expect(snapshot({ remove: { items: [{ group: 'all' }] } })).toEqual([]);
    expect(snapshot({ add: { items: [{ userId: '111122223333' }] } })).toEqual([]);
  });

  it('sees an image or an RDS snapshot shared outside, not one unshared', () => {
    expect(ids('ec2.amazonaws.com', 'ModifyImageAttribute', rec({ launchPermission: { add: { items: [{ group: 'all' }] } } }))).toEqual(['T1537']);
    expect(ids('rds.amazonaws.com', 'ModifyDBSnapshotAttribute', rec({ attributeName: 'restore', valuesToAdd: ['all'] }))).toEqual(['T1537']);
    expect(ids('rds.amazonaws.com', 'ModifyDBClusterSnapshotAttribute', rec({ attributeName: 'restore', valuesToAdd: ['999988887777'] }))).toEqual(['T1537']);
    expect(ids('rds.amazonaws.com', 'ModifyDBSnapshotAttribute', rec({ attributeName: 'restore', valuesToRemove: ['999988887777'] }))).toEqual([]);
  });

  const bucketPolicy = (policy: unknown) => ids('s3.amazonaws.com', 'PutBucketPolicy', rec({ bucketName: 'b', bucketPolicy: policy }));
  const statement = (s: Record<string, unknown>) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', ...s }] });

  it('sees a bucket policy open to everyone, given as an object or as JSON text', () => {
    expect(bucketPolicy(statement({ Principal: '*' }))).toEqual(['T1537']);
    expect(bucketPolicy(statement({ Principal: { AWS: '*' } }))).toEqual(['T1537']);
    expect(bucketPolicy(JSON.stringify(statement({ Principal: { AWS: ['arn:aws:iam::999988887777:root', '*'] } })))).toEqual(['T1537']);
  });

  it('does not see a bucket policy naming an account, denying everyone, or narrowed by a condition', () => {
    expect(bucketPolicy(statement({ Principal: { AWS: 'arn:aws:iam::999988887777:root' } }))).toEqual([]);
    expect(bucketPolicy(statement({ Principal: '*', Effect: 'Deny' }))).toEqual([]);
    expect(bucketPolicy(statement({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-123' } } }))).toEqual([]);
  });

  it('sees a bucket ACL granting all users, or a public canned ACL, and not a private one', () => {
    const acl = (rp: unknown) => ids('s3.amazonaws.com', 'PutBucketAcl', rec(rp));
    expect(acl({ bucketName: 'b', AccessControlPolicy: { AccessControlList: { Grant: [{ Grantee: { URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }] } } })).toEqual(['T1537']);
    expect(acl({ bucketName: 'b', 'x-amz-acl': ['public-read'] })).toEqual(['T1537']);
    expect(acl({ bucketName: 'b', 'x-amz-acl': ['private'] })).toEqual([]);
  });

  it('sees a Lambda permission for anyone, not one for a service or narrowed to a source', () => {
    const permission = (rp: unknown) => ids('lambda.amazonaws.com', 'AddPermission20150331v2', rec(rp));
    expect(permission({ functionName: 'f', action: 'lambda:InvokeFunction', principal: '*' })).toEqual(['T1546']);
    expect(permission({ functionName: 'f', action: 'lambda:InvokeFunction', principal: 's3.amazonaws.com' })).toEqual([]);
    expect(permission({ functionName: 'f', action: 'lambda:InvokeFunction', principal: '*', sourceArn: 'arn:aws:s3:::b' })).toEqual([]);
  });

  it('sees a role trusted by another account or anyone, not by its own account or a service', () => {
    const role = (doc: string) => ids('iam.amazonaws.com', 'CreateRole', rec({ roleName: 'r', assumeRolePolicyDocument: doc }));
    expect(role(trust('arn:aws:iam::999988887777:root'))).toEqual(['T1098.003']);
    expect(role(trust('*'))).toEqual(['T1098.003']);
    expect(role(trust('arn:aws:iam::111122223333:role/admin'))).toEqual([]);
    expect(role(JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }))).toEqual([]);
  });

  it('sees a security group opened to the whole internet, in either request shape, and not to a private range', () => {
    const ingress = (rp: unknown) => ids('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', rec(rp));
    expect(ingress({ groupId: 'sg-1', ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } })).toEqual(['T1562.007']);
    expect(ingress({ groupId: 'sg-1', ipPermissions: { items: [{ ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] } }] } })).toEqual(['T1562.007']);
    expect(ingress({ groupId: 'sg-1', cidrIp: '0.0.0.0/0', fromPort: 22, toPort: 22 })).toEqual(['T1562.007']);
    expect(ingress({ groupId: 'sg-1', cidrIp: '10.0.0.0/8', fromPort: 22, toPort: 22 })).toEqual([]);
  });

  it('sees a password-only console sign-in by a user, not one with MFA, a federated one, or a refused one', () => {
    const login = (type: string, mfa: string, outcome = 'Success') =>
      ids('signin.amazonaws.com', 'ConsoleLogin', { userIdentity: { type }, additionalEventData: { MFAUsed: mfa }, responseElements: { ConsoleLogin: outcome } });
    expect(login('IAMUser', 'No')).toEqual(['T1078.004']);
    expect(login('Root', 'No')).toEqual(['T1078.004']);
    expect(login('IAMUser', 'Yes')).toEqual([]);
    expect(login('AssumedRole', 'No')).toEqual([]);
    expect(login('IAMUser', 'No', 'Failure')).toEqual([]);
  });

  it('sees GPU and very large instances launched, not ordinary ones', () => {
    const launch = (instanceType: string) => ids('ec2.amazonaws.com', 'RunInstances', rec({ instanceType }));
    for (const t of ['p2.xlarge', 'p5.48xlarge', 'g5.xlarge', 'inf2.xlarge', 'trn1.32xlarge', 'x2idn.16xlarge', 'c5.metal', 'm5.24xlarge']) expect(launch(t), t).toEqual(['T1496.001']);
    for (const t of ['t3.micro', 'c7g.large', 'm5.8xlarge', 'r6g.12xlarge']) expect(launch(t), t).toEqual([]);
  });

  it('sees user data read or replaced, SecureStrings decrypted, layers attached and GuardDuty suspended', () => {
    expect(ids('ec2.amazonaws.com', 'DescribeInstanceAttribute', rec({ instanceId: 'i-1', attribute: 'userData' }))).toEqual(['T1580']);
    expect(ids('ec2.amazonaws.com', 'DescribeInstanceAttribute', rec({ instanceId: 'i-1', attribute: 'instanceType' }))).toEqual([]);
    expect(ids('ec2.amazonaws.com', 'ModifyInstanceAttribute', rec({ instanceId: 'i-1', userData: '<sensitiveDataRemoved>' }))).toEqual(['T1059.009']);
    expect(ids('ec2.amazonaws.com', 'ModifyInstanceAttribute', rec({ instanceId: 'i-1', instanceType: { value: 't3.large' } }))).toEqual([]);
    expect(ids('ssm.amazonaws.com', 'GetParameters', rec({ names: ['/a'], withDecryption: true }))).toEqual(['T1555.006']);
    expect(ids('ssm.amazonaws.com', 'GetParameters', rec({ names: ['/a'], withDecryption: false }))).toEqual([]);
    expect(ids('lambda.amazonaws.com', 'UpdateFunctionConfiguration20150331v2', rec({ functionName: 'f', layers: ['arn:aws:lambda:us-east-1:1:layer:x:1'] }))).toEqual(['T1546']);
    expect(ids('lambda.amazonaws.com', 'UpdateFunctionConfiguration20150331v2', rec({ functionName: 'f', memorySize: 256 }))).toEqual([]);
    expect(ids('guardduty.amazonaws.com', 'UpdateDetector', rec({ detectorId: 'd', enable: false }))).toEqual(['T1562.001']);
    expect(ids('guardduty.amazonaws.com', 'UpdateDetector', rec({ detectorId: 'd', findingPublishingFrequency: 'SIX_HOURS' }))).toEqual([]);
  });

  it('sees an instance session checking its identity from a public address, not from inside or on behalf of a service', () => {
    const session = { type: 'AssumedRole', principalId: 'AROAEXAMPLE:i-0abcdef1234567890', accountId: '111122223333' };
    const whoami = (extra: Record<string, unknown>) => ids('sts.amazonaws.com', 'GetCallerIdentity', { userIdentity: session, sourceIPAddress: '203.0.113.7', ...extra });
    expect(whoami({})).toEqual(['T1552.005', 'T1087.004']);
    expect(whoami({ sourceIPAddress: '10.0.1.5' })).toEqual(['T1087.004']);
    expect(whoami({ sourceIPAddress: 'AWS Internal' })).toEqual(['T1087.004']);
    expect(whoami({ vpcEndpointId: 'vpce-1' })).toEqual(['T1087.004']);
    expect(whoami({ userIdentity: { ...session, principalId: 'AROAEXAMPLE:deploy-bot' } })).toEqual(['T1087.004']);
  });
});

describe('hostile records', () => {
  const conditional = ATTACK_RULES.filter((r) => r.when);
  let deep: unknown = { cidrIp: '0.0.0.0/0' };
  for (let i = 0; i < 100_000; i++) deep = { a: deep };
  const wide = Array.from({ length: 1_000_000 }, () => ({ x: 1 }));
  const throwing = Object.defineProperty({}, 'requestParameters', { enumerable: true, get: () => { throw new Error('boom'); } });
  const hostile: [string, unknown][] = [
    ['null', null],
    ['a string', 'requestParameters'],
    ['a number', 42],
    ['an array', [{ requestParameters: { principal: '*' } }]],
    ['nested arrays', [[[[[]]]]]],
    ['request parameters as a string', rec('{"principal":"*"}')],
    ['request parameters as an array', rec([{ group: 'all' }])],
    ['arrays where objects are expected', rec({ createVolumePermission: [{ add: [{ group: 'all' }] }], bucketPolicy: [['*']], layers: 'x', ipPermissions: 7 })],
    ['objects where arrays are expected', rec({ createVolumePermission: { add: { items: { group: 'all' } } }, valuesToAdd: { 0: 'all' }, attributeName: 'restore' })],
    ['a policy that does not parse', rec({ bucketPolicy: '{"Statement": [{"Effect": "Allow", "Principal": "*"', assumeRolePolicyDocument: 'not json' })],
    ['a policy nested too deep to parse', rec({ bucketPolicy: '['.repeat(200_000) + ']'.repeat(200_000) })],
    ['a huge string', rec({ instanceType: 'p'.repeat(5_000_000), bucketPolicy: ' '.repeat(5_000_000), cidrIp: '1'.repeat(5_000_000) })],
    ['nesting 100,000 deep', rec(deep)],
    ['a million-element array', rec({ ipPermissions: { items: wide } })],
    ['prototype keys', JSON.parse('{"requestParameters": {"__proto__": {"principal": "*"}, "constructor": {"add": {"items": [{"group": "all"}]}}}, "userIdentity": {"__proto__": {"type": "IAMUser"}}}')],
    ['fields that throw when read', throwing],
  ];

  test.each(hostile)('%s: no rule with a condition matches, and nothing throws', (_label, record) => {
    for (const rule of conditional) {
      let found: ReturnType<typeof techniquesOf> = [];
      expect(() => (found = techniquesOf({ eventSource: rule.eventSource, eventName: rule.eventName, record }))).not.toThrow();
      expect(found.filter((r) => r.when)).toEqual([]);
    }
  });
});

/** The stored detonations of Stratus Red Team (the repo's copy: CI has no ../shared). */
const STRATUS = join(ROOT, 'test', 'fixtures', 'cloudtrail', 'stratus-red-team');
const SHARED = join(ROOT, '..', 'shared', 'data', 'cloudtrail', 'stratus-red-team');
const detonations = readdirSync(STRATUS).filter((f) => f.endsWith('.json')).sort();

/** The tactic a detonation's file name states (aws.<tactic>.<name>.json). */
const FILE_TACTICS: Record<string, Tactic> = {
  'initial-access': 'Initial Access',
  execution: 'Execution',
  persistence: 'Persistence',
  'privilege-escalation': 'Privilege Escalation',
  'defense-evasion': 'Defense Evasion',
  'credential-access': 'Credential Access',
  discovery: 'Discovery',
  'lateral-movement': 'Lateral Movement',
  collection: 'Collection',
  exfiltration: 'Exfiltration',
  impact: 'Impact',
};

/**
 * What each detonation must be recognised as. Stratus's pages give each technique's tactics; the
 * technique ids are ATT&CK's for the calls the logs show. Where ATT&CK files the technique under
 * another tactic than Stratus does, `tactic` says which and `because` says why.
 */
const EXPECTED: Record<string, { techniqueId: string; tactic?: Tactic; because?: string }> = {
  'aws.credential-access.ec2-get-password-data.json': { techniqueId: 'T1555' },
  'aws.credential-access.ec2-steal-instance-credentials.json': { techniqueId: 'T1552.005' },
  'aws.credential-access.secretsmanager-batch-retrieve-secrets.json': { techniqueId: 'T1555.006' },
  'aws.credential-access.secretsmanager-retrieve-secrets.json': { techniqueId: 'T1555.006' },
  'aws.credential-access.ssm-retrieve-securestring-parameters.json': { techniqueId: 'T1555.006' },
  'aws.defense-evasion.cloudtrail-delete.json': { techniqueId: 'T1562.008' },
  'aws.defense-evasion.cloudtrail-event-selectors.json': { techniqueId: 'T1562.008' },
  'aws.defense-evasion.cloudtrail-stop.json': { techniqueId: 'T1562.008' },
  'aws.defense-evasion.dns-delete-logs.json': { techniqueId: 'T1562.008' },
  'aws.defense-evasion.organizations-leave.json': { techniqueId: 'T1666' },
  'aws.defense-evasion.vpc-remove-flow-logs.json': { techniqueId: 'T1562.008' },
  'aws.discovery.ec2-download-user-data.json': { techniqueId: 'T1580' },
  'aws.execution.ec2-launch-unusual-instances.json': {
    techniqueId: 'T1496.001',
    tactic: 'Impact',
    because: 'ATT&CK has no Execution technique for launching machines: GPU instances started to mine are Resource Hijacking: Compute Hijacking, an Impact technique',
  },
  'aws.execution.ec2-user-data.json': { techniqueId: 'T1059.009' },
  'aws.execution.ssm-send-command.json': { techniqueId: 'T1651' },
  'aws.execution.ssm-start-session.json': {
    techniqueId: 'T1021.008',
    tactic: 'Lateral Movement',
    because: "an interactive Session Manager shell is ATT&CK's Direct Cloud VM Connections (Lateral Movement); Cloud Administration Command (Execution) is the non-interactive SendCommand. Stratus itself once filed this technique under lateral-movement",
  },
  'aws.exfiltration.ec2-security-group-open-port-22-ingress.json': {
    techniqueId: 'T1562.007',
    tactic: 'Defense Evasion',
    because: 'opening a firewall is ATT&CK\'s Disable or Modify Cloud Firewall (Defense Evasion); ATT&CK has no Exfiltration technique for it, and these logs show no data leaving',
  },
  'aws.exfiltration.ec2-share-ami.json': { techniqueId: 'T1537' },
  'aws.exfiltration.ec2-share-ebs-snapshot.json': { techniqueId: 'T1537' },
  'aws.exfiltration.rds-share-snapshot.json': { techniqueId: 'T1537' },
  'aws.impact.bedrock-invoke-model.json': { techniqueId: 'T1496.004' },
  'aws.initial-access.console-login-without-mfa.json': { techniqueId: 'T1078.004' },
  'aws.lateral-movement.ec2-instance-connect.json': { techniqueId: 'T1021.008' },
  'aws.lateral-movement.ec2-serial-console-send-ssh-public-key.json': { techniqueId: 'T1021.008' },
  'aws.persistence.iam-backdoor-role.json': { techniqueId: 'T1098.003' },
  'aws.persistence.iam-backdoor-user.json': { techniqueId: 'T1098.001' },
  'aws.persistence.iam-create-admin-user.json': { techniqueId: 'T1136.003' },
  'aws.persistence.iam-create-backdoor-role.json': { techniqueId: 'T1098.003' },
  'aws.persistence.iam-create-user-login-profile.json': { techniqueId: 'T1098.001' },
  'aws.persistence.lambda-backdoor-function.json': { techniqueId: 'T1546' },
  'aws.persistence.lambda-layer-extension.json': { techniqueId: 'T1546' },
  'aws.persistence.lambda-overwrite-code.json': { techniqueId: 'T1546' },
  'aws.persistence.rolesanywhere-create-trust-anchor.json': { techniqueId: 'T1098.001' },
  'aws.persistence.sts-federation-token.json': { techniqueId: 'T1098.001' },
  'aws.privilege-escalation.iam-update-user-login-profile.json': { techniqueId: 'T1098' },
};

/** A detonation's records: a JSON array of CloudTrail records, or a CloudTrail file's {"Records": [...]}. */
function recordsOf(file: string): Record<string, unknown>[] {
  const parsed = JSON.parse(readFileSync(join(STRATUS, file), 'utf8')) as unknown;
  const records = Array.isArray(parsed) ? parsed : (parsed as { Records?: unknown }).Records;
  if (!Array.isArray(records)) throw new Error(`${file} holds no CloudTrail records`);
  return records as Record<string, unknown>[];
}

describe('the Stratus Red Team detonations (real CloudTrail logs)', () => {
  it('has an expectation for every detonation on disk, and no expectation without one', () => {
    expect(detonations.length).toBe(Object.keys(EXPECTED).length);
    expect(detonations).toEqual(Object.keys(EXPECTED).sort());
  });

  it.skipIf(!existsSync(SHARED))('keeps the same detonations as the shared data set, when that is present', () => {
    expect(readdirSync(SHARED).filter((f) => f.endsWith('.json')).sort()).toEqual(detonations);
  });

  test.each(detonations)('%s shows its technique, under the tactic its name states (or the one the table gives, and why)', (file) => {
    const named = FILE_TACTICS[file.split('.')[1] ?? ''];
    expect(named, 'the file name states an ATT&CK tactic').toBeDefined();
    const expected = EXPECTED[file]!;
    const tactic = expected.tactic ?? named!;
    if (tactic !== named) expect(expected.because, `${file}: why ${tactic} rather than ${named}`).toMatch(/\S/);
    else expect(expected.because).toBeUndefined();

    const matched = recordsOf(file).flatMap((r) => techniquesOf({ eventSource: r.eventSource as string, eventName: r.eventName as string, record: r }));
    expect(matched.flatMap((r) => r.tactics)).toContain(tactic);
    expect(matched.filter((r) => r.techniqueId === expected.techniqueId).flatMap((r) => r.tactics)).toContain(tactic);
  });
});
