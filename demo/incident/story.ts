import type { Random } from '../random';
import { assumedRoleIdentity, assumeRoleResponse, cloudTrailRecord, iamUserIdentity, serviceIdentity, type Call, type Caller, type CloudTrailRecord, type SessionIdentity } from '../cloudtrail/events';
import type { World } from '../cloudtrail/world';
import { guardDutyFinding, type RemoteIp } from '../guardduty/findings';
import type { FlowLine, Host } from '../vpcflow/traffic';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The attacker's infrastructure: real-world-like addresses the offline database can place. */
export const ATTACKER = {
  /** Where the leaked key is used from (a Tor exit in Germany). */
  keyUse: { ip: '185.220.101.45', country: 'Germany', city: 'Frankfurt am Main', asn: 60729, asnOrg: 'Stiftung Erneuerbare Freiheit' },
  /** Where the backdoor user's key is used from. */
  backdoorUse: { ip: '91.240.118.172', country: 'Russia', city: 'Moscow', asn: 57523, asnOrg: 'Chang Way Technologies Co. Limited' },
  /** The command-and-control server the compromised instance beacons to. */
  c2: { ip: '193.142.146.35', country: 'Netherlands', city: 'Amsterdam', asn: 213438, asnOrg: 'ColocaTel Inc.' },
  c2Port: 4444,
  userAgent: 'Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#6.6.9-kali1-amd64 md/arch#x86_64 lang/python#3.11.8 cfg/retry-mode#legacy Botocore/1.34.11',
  backdoorUser: 'svc-backup-sync',
} as const satisfies Record<string, unknown>;

/** Who and what the incident involves: what the walkthrough and the tests look for. */
export interface Cast {
  readonly victim: { readonly name: string; readonly arn: string; readonly accessKeyId: string; readonly account: string };
  readonly adminRole: string;
  readonly adminSession: string;
  readonly chainedRole: string;
  readonly chainedSession: string;
  readonly bucket: string;
  readonly bucketAccount: string;
  readonly secret: string;
  readonly backdoorUserArn: string;
  readonly backdoorKeyId: string;
  readonly instance: Host;
  /** The instance profile's role, and the session whose credentials the attacker took from the instance. */
  readonly instanceRole: string;
  readonly instanceSession: string;
  readonly findingIds: Readonly<Record<'maliciousIp' | 'discovery' | 'exfiltration' | 'persistence' | 'c2', string>>;
  readonly startedAt: string;
}

export interface Incident {
  readonly cast: Cast;
  /** The attacker's CloudTrail events, in time order. */
  readonly events: CloudTrailRecord[];
  /** The compromised instance's beaconing, as flow records. */
  readonly flows: FlowLine[];
  /** GuardDuty findings about it, plus some everyday noise. */
  readonly findings: Record<string, unknown>[];
}

/**
 * The incident, on top of the organisation's everyday activity: a developer's long-term key
 * leaks; it is used from an unfamiliar country and network with a new user agent; the attacker
 * looks around, assumes a privileged role and chains into a data role in another account, reads
 * secrets and parameters, pulls a customer-data bucket in bulk, creates a backdoor user, and
 * runs a command on an instance that then beacons to a command-and-control server.
 */
export function buildIncident(random: Random, world: World, hosts: readonly Host[], end: number): Incident {
  const victim = world.users.find((u) => u.name === 'carol') ?? world.users[2]!;
  const home = victim.account;
  const admin = world.roles.find((r) => r.name === 'Admin' && r.account === home)!;
  const data = world.roles.find((r) => r.name === 'DataEngineer' && r.account !== home)!;
  const bucket = `acme-customer-exports-${data.account.slice(-4)}`;
  const secret = 'prod/billing-db';
  const instance = hosts.find((h) => h.account === home) ?? hosts[0]!;
  const start = end - 30 * HOUR;
  const events: CloudTrailRecord[] = [];
  let t = start;
  const at = (minutes: number) => (t += minutes * MINUTE + random.int(0, 40_000));

  const attacker: Caller = { identity: iamUserIdentity(victim), sourceIPAddress: ATTACKER.keyUse.ip, userAgent: ATTACKER.userAgent };
  const call = (caller: Caller, spec: Call) => events.push(cloudTrailRecord(random, t, caller, spec));
  const region = 'us-east-1';

  // 1. Reconnaissance with the leaked key.
  at(0);
  call(attacker, { eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity', region, account: home, readOnly: true, requestParameters: null });
  at(2);
  call(attacker, { eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', region, account: home, readOnly: true, requestParameters: { Host: 's3.amazonaws.com' } });
  at(1);
  call(attacker, { eventSource: 'iam.amazonaws.com', eventName: 'ListUsers', region, account: home, readOnly: true, requestParameters: null, errorCode: 'AccessDenied', errorMessage: `User: ${victim.arn} is not authorized to perform: iam:ListUsers` });
  at(1);
  call(attacker, { eventSource: 'iam.amazonaws.com', eventName: 'ListRoles', region, account: home, readOnly: true, requestParameters: null });
  for (const r of ['us-east-1', 'eu-west-1', 'us-west-2']) {
    at(1);
    call(attacker, { eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', region: r, account: home, readOnly: true, requestParameters: { filterSet: {}, instancesSet: {} } });
  }
  at(1);
  call(attacker, { eventSource: 'iam.amazonaws.com', eventName: 'GetAccountAuthorizationDetails', region, account: home, readOnly: true, requestParameters: null, errorCode: 'AccessDenied', errorMessage: 'not authorized' });

  // 2. Into the privileged role, then chained into a data role in another account.
  at(6);
  const adminSession = session(random, admin, `carol-${Math.floor(t / 1000)}`, t);
  call(attacker, {
    eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', region, account: home, readOnly: true,
    requestParameters: { roleArn: admin.arn, roleSessionName: adminSession.sessionName, durationSeconds: 3600 },
    responseElements: assumeRoleResponse(random, adminSession, t + HOUR),
    resources: [{ ARN: admin.arn, accountId: admin.account, type: 'AWS::IAM::Role' }],
  });
  const asAdmin: Caller = { identity: assumedRoleIdentity(adminSession), sourceIPAddress: ATTACKER.keyUse.ip, userAgent: ATTACKER.userAgent };
  at(3);
  call(asAdmin, { eventSource: 'iam.amazonaws.com', eventName: 'ListRoles', region, account: home, readOnly: true, requestParameters: null });
  at(2);
  const chained = session(random, data, `admin-${Math.floor(t / 1000)}`, t);
  call(asAdmin, {
    eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', region, account: home, readOnly: true,
    requestParameters: { roleArn: data.arn, roleSessionName: chained.sessionName, durationSeconds: 3600 },
    responseElements: assumeRoleResponse(random, chained, t + HOUR),
    resources: [{ ARN: data.arn, accountId: data.account, type: 'AWS::IAM::Role' }],
  });
  const asData: Caller = { identity: assumedRoleIdentity(chained), sourceIPAddress: ATTACKER.keyUse.ip, userAgent: ATTACKER.userAgent };

  // 3. Secrets, parameters, and the customer-data bucket, in bulk.
  at(2);
  call(asData, { eventSource: 'secretsmanager.amazonaws.com', eventName: 'ListSecrets', region, account: data.account, readOnly: true, requestParameters: { maxResults: 100 } });
  at(1);
  call(asData, { eventSource: 'secretsmanager.amazonaws.com', eventName: 'GetSecretValue', region, account: data.account, readOnly: true, requestParameters: { secretId: secret } });
  at(1);
  call(asData, { eventSource: 'ssm.amazonaws.com', eventName: 'GetParametersByPath', region, account: data.account, readOnly: true, requestParameters: { path: '/app/prod', recursive: true, withDecryption: true } });
  call(asData, { eventSource: 'ssm.amazonaws.com', eventName: 'GetParameter', region, account: data.account, readOnly: true, requestParameters: { name: '/app/prod/stripe-api-key', withDecryption: true } });
  at(2);
  call(asData, { eventSource: 's3.amazonaws.com', eventName: 'ListObjects', region, account: data.account, readOnly: true, dataEvent: true, requestParameters: { bucketName: bucket, prefix: 'exports/', Host: `${bucket}.s3.amazonaws.com` }, resources: [{ ARN: `arn:aws:s3:::${bucket}`, accountId: data.account, type: 'AWS::S3::Bucket' }] });
  for (let i = 0; i < 240; i++) {
    t += random.int(200, 2500);
    const key = `exports/2024/customers-${String(i).padStart(4, '0')}.csv.gz`;
    call(asData, {
      eventSource: 's3.amazonaws.com', eventName: 'GetObject', region, account: data.account, readOnly: true, dataEvent: true,
      requestParameters: { bucketName: bucket, key, Host: `${bucket}.s3.amazonaws.com` },
      additionalEventData: { bytesTransferredIn: 0, bytesTransferredOut: random.int(2_000_000, 9_000_000) },
      resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` }, { accountId: data.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
    });
  }

  // 4. Persistence: a backdoor user with an administrator policy and a key of its own.
  at(7);
  const backdoorArn = `arn:aws:iam::${home}:user/${ATTACKER.backdoorUser}`;
  call(asAdmin, { eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', region, account: home, readOnly: false, requestParameters: { userName: ATTACKER.backdoorUser }, responseElements: { user: { userName: ATTACKER.backdoorUser, arn: backdoorArn, userId: random.keyId('AIDA'), path: '/', createDate: new Date(t).toUTCString() } } });
  at(1);
  call(asAdmin, { eventSource: 'iam.amazonaws.com', eventName: 'AttachUserPolicy', region, account: home, readOnly: false, requestParameters: { userName: ATTACKER.backdoorUser, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' } });
  at(1);
  const backdoorKey = random.keyId('AKIA');
  call(asAdmin, { eventSource: 'iam.amazonaws.com', eventName: 'CreateAccessKey', region, account: home, readOnly: false, requestParameters: { userName: ATTACKER.backdoorUser }, responseElements: { accessKey: { userName: ATTACKER.backdoorUser, accessKeyId: backdoorKey, status: 'Active', createDate: new Date(t).toUTCString() } } });

  // 5. Lateral movement: a command on an instance, which then calls home.
  at(4);
  const commandId = random.uuid();
  call(asAdmin, {
    eventSource: 'ssm.amazonaws.com', eventName: 'SendCommand', region, account: home, readOnly: false,
    requestParameters: { instanceIds: [instance.instanceId], documentName: 'AWS-RunShellScript', parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS', interactive: false },
    responseElements: { command: { commandId, documentName: 'AWS-RunShellScript', instanceIds: [instance.instanceId], status: 'Pending' } },
  });
  const beaconStart = t + 3 * MINUTE;

  // 6. Hours later, the backdoor key is used from elsewhere.
  t += 9 * HOUR;
  const backdoor: Caller = {
    identity: { type: 'IAMUser', principalId: random.keyId('AIDA'), arn: backdoorArn, accountId: home, accessKeyId: backdoorKey, userName: ATTACKER.backdoorUser },
    sourceIPAddress: ATTACKER.backdoorUse.ip,
    userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.6.9-kali1-amd64 exe/x86_64.kali.2024 prompt/off',
  };
  at(0);
  call(backdoor, { eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity', region, account: home, readOnly: true, requestParameters: null });
  at(2);
  call(backdoor, { eventSource: 'ec2.amazonaws.com', eventName: 'DescribeSnapshots', region, account: home, readOnly: true, requestParameters: { ownersSet: { items: [{ owner: 'self' }] } } });
  const end2 = t;

  // The instance's beacons: every few minutes for hours, small requests and replies.
  const flows: FlowLine[] = [];
  for (let b = beaconStart; b < Math.min(end, beaconStart + 20 * HOUR); b += random.int(4, 9) * MINUTE) {
    const s = Math.floor(b / 1000);
    const port = random.int(40000, 60000);
    const packets = random.int(8, 30);
    flows.push({ version: 2, account: home, interfaceId: instance.interfaceId, src: instance.privateIp, dst: ATTACKER.c2.ip, srcPort: port, dstPort: ATTACKER.c2Port, protocol: 6, packets, bytes: packets * random.int(90, 400), start: s, end: s + 60, action: 'ACCEPT' });
    flows.push({ version: 2, account: home, interfaceId: instance.interfaceId, src: ATTACKER.c2.ip, dst: instance.privateIp, srcPort: ATTACKER.c2Port, dstPort: port, protocol: 6, packets: packets - 2, bytes: packets * random.int(300, 1400), start: s, end: s + 60, action: 'ACCEPT' });
  }

  const keyUse: RemoteIp = ATTACKER.keyUse;
  const findings = [
    guardDutyFinding(random, {
      type: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller', severity: 5,
      title: 'API GetCallerIdentity was invoked from a known malicious IP address.',
      description: `API GetCallerIdentity, commonly used to discover the identity behind credentials, was invoked by IAM principal ${victim.name} from a known malicious IP address ${keyUse.ip}.`,
      account: home, region, firstSeen: start, lastSeen: start + 20 * MINUTE, count: 9,
      resource: { kind: 'accessKey', accessKeyId: victim.accessKeyId, userName: victim.name, userType: 'IAMUser', principalId: victim.principalId },
      action: { kind: 'AWS_API_CALL', api: 'GetCallerIdentity', service: 'sts.amazonaws.com', remoteIp: keyUse },
    }),
    guardDutyFinding(random, {
      type: 'Discovery:IAMUser/AnomalousBehavior', severity: 5,
      title: 'Unusual discovery APIs were invoked by IAM user carol.',
      description: `APIs commonly used to discover the resources of an account were invoked by ${victim.name} in an unusual way.`,
      account: home, region, firstSeen: start + 2 * MINUTE, lastSeen: start + 12 * MINUTE, count: 6,
      resource: { kind: 'accessKey', accessKeyId: victim.accessKeyId, userName: victim.name, userType: 'IAMUser', principalId: victim.principalId },
      action: { kind: 'AWS_API_CALL', api: 'ListRoles', service: 'iam.amazonaws.com', remoteIp: keyUse },
    }),
    guardDutyFinding(random, {
      type: 'Exfiltration:S3/AnomalousBehavior', severity: 8,
      title: `Anomalous data reads from S3 bucket ${bucket}.`,
      description: `An IAM entity read an unusual number of objects from ${bucket}.`,
      account: data.account, region, firstSeen: chained.creationTime, lastSeen: chained.creationTime + 12 * MINUTE, count: 240,
      resource: { kind: 's3Bucket', bucket, accessKeyId: chained.accessKeyId, userName: data.name, userType: 'AssumedRole', principalId: `${data.principalId}:${chained.sessionName}` },
      action: { kind: 'AWS_API_CALL', api: 'GetObject', service: 's3.amazonaws.com', remoteIp: keyUse },
    }),
    guardDutyFinding(random, {
      type: 'Persistence:IAMUser/AnomalousBehavior', severity: 5,
      title: 'Unusual IAM user creation by an assumed role.',
      description: `The assumed role ${admin.name} created IAM user ${ATTACKER.backdoorUser} and an access key for it.`,
      account: home, region, firstSeen: end2 - 9 * HOUR - 20 * MINUTE, lastSeen: end2 - 9 * HOUR - 10 * MINUTE, count: 3,
      resource: { kind: 'accessKey', accessKeyId: adminSession.accessKeyId, userName: admin.name, userType: 'AssumedRole', principalId: `${admin.principalId}:${adminSession.sessionName}` },
      action: { kind: 'AWS_API_CALL', api: 'CreateUser', service: 'iam.amazonaws.com', remoteIp: keyUse },
    }),
    guardDutyFinding(random, {
      type: 'Backdoor:EC2/C&CActivity.B', severity: 8,
      title: `EC2 instance ${instance.instanceId} is communicating with a known command and control server.`,
      description: `EC2 instance ${instance.instanceId} is communicating with ${ATTACKER.c2.ip} on port ${ATTACKER.c2Port}, a known command and control server.`,
      account: home, region, firstSeen: beaconStart, lastSeen: Math.min(end, beaconStart + 20 * HOUR), count: 120,
      resource: { kind: 'instance', instanceId: instance.instanceId, interfaceId: instance.interfaceId, privateIp: instance.privateIp, subnetId: 'subnet-0a1b2c3d4e5f60001', vpcId: 'vpc-0a1b2c3d4e5f60001', name: 'batch-worker-1' },
      action: { kind: 'NETWORK_CONNECTION', remoteIp: ATTACKER.c2, remotePort: ATTACKER.c2Port, localPort: flows[0]?.srcPort ?? 45022, localIp: instance.privateIp, direction: 'OUTBOUND' },
    }),
  ];
  // 7. The command run on the instance also read its role credentials from the metadata
  // service; minutes later they are used from the command-and-control server. GuardDuty says
  // nothing here (no finding): the logs alone show it. Written after the findings, so that
  // their ids stay those of earlier versions of the story.
  const workerRole = world.roles.find((r) => r.name === 'batch-worker' && r.account === home) ?? admin;
  const profileSession = { ...session(random, workerRole, instance.instanceId, beaconStart - 2 * MINUTE), instanceId: instance.instanceId };
  t = beaconStart - 2 * MINUTE;
  call({ identity: serviceIdentity('ec2.amazonaws.com'), sourceIPAddress: 'ec2.amazonaws.com', userAgent: 'ec2.amazonaws.com' }, {
    eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', region, account: home, readOnly: true,
    requestParameters: { roleArn: workerRole.arn, roleSessionName: instance.instanceId },
    responseElements: assumeRoleResponse(random, profileSession, t + 6 * HOUR),
    resources: [{ ARN: workerRole.arn, accountId: workerRole.account, type: 'AWS::IAM::Role' }],
  });
  const onInstance: Caller = { identity: assumedRoleIdentity(profileSession), sourceIPAddress: instance.privateIp, userAgent: 'aws-sdk-java/2.25.60 Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.11' };
  t += MINUTE;
  call(onInstance, { eventSource: 'sqs.amazonaws.com', eventName: 'ReceiveMessage', region, account: home, readOnly: true, requestParameters: { queueUrl: `https://sqs.${region}.amazonaws.com/${home}/batch-jobs`, maxNumberOfMessages: 10 } });
  const stolen: Caller = { identity: assumedRoleIdentity(profileSession), sourceIPAddress: ATTACKER.c2.ip, userAgent: ATTACKER.userAgent };
  t = beaconStart + 12 * MINUTE;
  call(stolen, { eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity', region, account: home, readOnly: true, requestParameters: null });
  at(1);
  call(stolen, { eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', region, account: home, readOnly: true, requestParameters: { Host: 's3.amazonaws.com' } });
  at(1);
  call(stolen, { eventSource: 'ec2.amazonaws.com', eventName: 'DescribeSnapshots', region, account: home, readOnly: true, requestParameters: { ownersSet: { items: [{ owner: 'self' }] } } });

  const ids = findings.map((f) => String(f.id));
  return {
    cast: {
      victim: { name: victim.name, arn: victim.arn, accessKeyId: victim.accessKeyId, account: home },
      adminRole: admin.arn,
      adminSession: adminSession.accessKeyId,
      chainedRole: data.arn,
      chainedSession: chained.accessKeyId,
      bucket,
      bucketAccount: data.account,
      secret,
      backdoorUserArn: backdoorArn,
      backdoorKeyId: backdoorKey,
      instance,
      instanceRole: workerRole.arn,
      instanceSession: profileSession.accessKeyId,
      findingIds: { maliciousIp: ids[0]!, discovery: ids[1]!, exfiltration: ids[2]!, persistence: ids[3]!, c2: ids[4]! },
      startedAt: new Date(start).toISOString(),
    },
    events: events.sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime))),
    flows,
    findings,
  };
}

function session(random: Random, role: { arn: string; name: string; principalId: string; account: string }, sessionName: string, time: number): SessionIdentity {
  return { roleArn: role.arn, roleName: role.name, rolePrincipalId: role.principalId, account: role.account, sessionName, accessKeyId: random.keyId('ASIA'), creationTime: time };
}
