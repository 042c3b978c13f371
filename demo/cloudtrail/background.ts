import type { Random } from '../random';
import {
  assumedRoleIdentity,
  assumeRoleResponse,
  cloudTrailRecord,
  iamUserIdentity,
  serviceIdentity,
  type Call,
  type Caller,
  type CloudTrailRecord,
  type SessionIdentity,
} from './events';
import { GITHUB_OIDC, type Owned, type Role, type User, type World } from './world';

/** Repositories whose pipelines deploy with the ci-deploy role, from GitHub-hosted runners. */
const CI_REPOS = ['acme/webapp', 'acme/billing-service', 'acme/infrastructure'];
const CI_RUNNER_NETWORKS = ['20.172', '4.227', '52.176'];

interface ActiveSession extends SessionIdentity {
  readonly caller: Caller;
  readonly expiresAt: number;
}

/**
 * Ordinary activity in an organisation: people calling APIs with their keys, assuming roles
 * and working through the sessions, instances and Lambda functions on role credentials, AWS
 * services acting on their own, the odd AccessDenied. Events come out in time order.
 */
export class BackgroundActivity {
  private readonly sessions: ActiveSession[] = [];
  private time: number;

  constructor(
    private readonly world: World,
    private readonly random: Random,
    start: number,
    private readonly end: number,
  ) {
    this.time = start;
  }

  /** `count` events spread evenly over the time window, in time order, none after its end. */
  *events(count: number): Generator<CloudTrailRecord> {
    const start = this.time;
    const slot = (this.end - start) / Math.max(1, count);
    for (let i = 0; i < count; i++) {
      // Somewhere in the i-th of `count` equal slots: random gaps whose sum cannot overshoot the end.
      this.time = start + (i + this.random.next()) * slot;
      yield this.nextEvent();
    }
  }

  private nextEvent(): CloudTrailRecord {
    const r = this.random.next();
    // Sessions are kept in creation order and all last an hour: expired ones are at the front.
    while (this.sessions.length > 0 && this.sessions[0]!.expiresAt <= this.time) this.sessions.shift();
    if (r < 0.06 || this.sessions.length < 5) return this.assumeRole();
    if (r < 0.55 && this.sessions.length > 0) {
      const session = this.sessions[Math.floor(this.random.next() * this.sessions.length)]!;
      const caller = { identity: assumedRoleIdentity(session), sourceIPAddress: session.caller.sourceIPAddress, userAgent: session.caller.userAgent };
      return cloudTrailRecord(this.random, this.time, caller, this.workCall(session.account));
    }
    if (r < 0.93) {
      const user = this.random.weighted(this.world.users.map((u) => [u, u.weight] as const));
      return cloudTrailRecord(this.random, this.time, this.userCaller(user), this.workCall(user.account));
    }
    const service = this.random.pick(['cloudtrail.amazonaws.com', 'config.amazonaws.com', 'autoscaling.amazonaws.com', 'elasticloadbalancing.amazonaws.com']);
    const account = this.random.pick(this.world.accounts);
    return cloudTrailRecord(this.random, this.time, { identity: serviceIdentity(service), sourceIPAddress: service, userAgent: service }, {
      eventSource: 'kms.amazonaws.com',
      eventName: this.random.pick(['Decrypt', 'GenerateDataKey']),
      region: this.random.pick(this.world.regions),
      account,
      readOnly: true,
      requestParameters: { encryptionContext: { 'aws:cloudtrail:arn': `arn:aws:cloudtrail:us-east-1:${account}:trail/org-trail` }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      resources: [{ ARN: `arn:aws:kms:us-east-1:${account}:key/${this.random.uuid()}`, accountId: account, type: 'AWS::KMS::Key' }],
    });
  }

  private userCaller(user: User): Caller {
    return { identity: iamUserIdentity(user), sourceIPAddress: this.random.pick(user.ips), userAgent: user.userAgent };
  }

  private assumeRole(): CloudTrailRecord {
    const role = this.random.pick(this.world.roles);
    const expiresAt = this.time + 3600_000;
    if (Array.isArray(role.assumedBy)) {
      const name = this.random.pick(role.assumedBy as readonly string[]);
      const user = this.world.users.find((u) => u.name === name) ?? this.world.users[0]!;
      const caller = this.userCaller(user);
      const session = this.newSession(role, `${user.name}-${Math.floor(this.time / 1000)}`, caller, expiresAt);
      return cloudTrailRecord(this.random, this.time, caller, {
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRole',
        region: 'us-east-1',
        account: user.account,
        readOnly: true,
        requestParameters: { roleArn: role.arn, roleSessionName: session.sessionName, durationSeconds: 3600 },
        responseElements: assumeRoleResponse(this.random, session, expiresAt),
        resources: [{ ARN: role.arn, accountId: role.account, type: 'AWS::IAM::Role' }],
      });
    }
    if (role.assumedBy === GITHUB_OIDC) return this.assumeRoleFromCi(role, expiresAt);
    // Instance profiles and Lambda: the service assumes the role for the workload.
    const service = role.assumedBy as string;
    const instance = service === 'ec2.amazonaws.com' ? this.random.pick(this.world.instances) : null;
    const sessionName = instance ? instance.name : `${role.name}-${this.random.int(1000, 9999)}`;
    const caller = {
      identity: serviceIdentity(service),
      sourceIPAddress: service,
      userAgent: service,
    };
    const workloadCaller = {
      identity: {},
      sourceIPAddress: instance ? `10.${this.random.int(0, 3)}.${this.random.int(0, 255)}.${this.random.int(1, 254)}` : service,
      userAgent: instance ? 'aws-sdk-java/2.25.60 Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.11' : 'aws-sdk-nodejs/3.600.0 linux/v20.15.0 exec-env/AWS_Lambda_nodejs20.x',
    };
    const session = this.newSession(role, sessionName, workloadCaller, expiresAt, instance?.name);
    return cloudTrailRecord(this.random, this.time, caller, {
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRole',
      region: role.account === this.world.accounts[0] ? 'us-east-1' : 'eu-west-1',
      account: role.account,
      readOnly: true,
      requestParameters: { roleArn: role.arn, roleSessionName: sessionName },
      responseElements: assumeRoleResponse(this.random, session, expiresAt),
      resources: [{ ARN: role.arn, accountId: role.account, type: 'AWS::IAM::Role' }],
    });
  }

  /** A CI job on a GitHub-hosted runner trades its OIDC token for the deploy role's credentials. */
  private assumeRoleFromCi(role: Role, expiresAt: number): CloudTrailRecord {
    const subject = `repo:${this.random.pick(CI_REPOS)}:ref:refs/heads/main`;
    const runner = `${this.random.pick(CI_RUNNER_NETWORKS)}.${this.random.int(0, 255)}.${this.random.int(1, 254)}`;
    const caller: Caller = {
      identity: { type: 'WebIdentityUser', principalId: `${GITHUB_OIDC}:sts.amazonaws.com:${subject}`, userName: subject, identityProvider: GITHUB_OIDC },
      sourceIPAddress: runner,
      userAgent: 'aws-sdk-nodejs/2.1692.0 linux/v20.17.0 configure-aws-credentials-for-github-actions promise',
    };
    const job = { identity: {}, sourceIPAddress: runner, userAgent: 'aws-cli/2.17.20 Python/3.11.9 Linux/6.5.0-1025-azure exe/x86_64.ubuntu.22 prompt/off' };
    const session = this.newSession(role, `GitHubActions-${this.random.int(1_000_000_000, 9_999_999_999)}`, job, expiresAt, undefined, { provider: GITHUB_OIDC, subject });
    return cloudTrailRecord(this.random, this.time, caller, {
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRoleWithWebIdentity',
      region: 'us-east-1',
      account: role.account,
      readOnly: true,
      requestParameters: { roleArn: role.arn, roleSessionName: session.sessionName, durationSeconds: 3600 },
      responseElements: {
        ...assumeRoleResponse(this.random, session, expiresAt),
        subjectFromWebIdentityToken: subject,
        provider: `arn:aws:iam::${role.account}:oidc-provider/${GITHUB_OIDC}`,
        audience: 'sts.amazonaws.com',
      },
      resources: [{ ARN: role.arn, accountId: role.account, type: 'AWS::IAM::Role' }],
    });
  }

  private newSession(role: Role, sessionName: string, caller: Caller, expiresAt: number, instanceId?: string, webIdentity?: SessionIdentity['webIdentity']): ActiveSession {
    const session: ActiveSession = {
      roleArn: role.arn,
      roleName: role.name,
      rolePrincipalId: role.principalId,
      account: role.account,
      sessionName,
      accessKeyId: this.random.keyId('ASIA'),
      creationTime: this.time,
      caller,
      expiresAt,
      ...(instanceId ? { instanceId } : {}),
      ...(webIdentity ? { webIdentity } : {}),
    };
    this.sessions.push(session);
    if (this.sessions.length > 400) this.sessions.shift();
    return session;
  }

  /** An everyday API call against the account's resources. */
  private workCall(account: string): Call {
    const w = this.world;
    const mine = (items: readonly Owned[]) => items.filter((x) => x.account === account);
    const pick = (items: readonly Owned[]) => this.random.pick(mine(items).length > 0 ? mine(items) : items);
    const kind = this.random.weighted([
      ['s3read', 30],
      ['describe', 25],
      ['s3list', 8],
      ['secret', 5],
      ['ssm', 6],
      ['lambda', 5],
      ['iam', 6],
      ['denied', 4],
      ['identity', 6],
      ['ec2write', 5],
    ] as const);
    switch (kind) {
      case 's3read': {
        const bucket = pick(w.buckets);
        const key = `${this.random.pick(['exports', 'images', 'raw', 'reports'])}/${this.random.int(2023, 2024)}/${this.random.token(12)}.${this.random.pick(['parquet', 'jpg', 'csv', 'json'])}`;
        return {
          eventSource: 's3.amazonaws.com',
          eventName: this.random.weighted([['GetObject', 8], ['PutObject', 2], ['HeadObject', 2]] as const),
          region: bucket.region,
          account,
          readOnly: true,
          dataEvent: true,
          requestParameters: { bucketName: bucket.name, Host: `${bucket.name}.s3.${bucket.region}.amazonaws.com`, key },
          additionalEventData: { bytesTransferredIn: 0, bytesTransferredOut: this.random.int(200, 5_000_000), 'x-amz-id-2': this.random.token(60) },
          resources: [
            { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket.name}/${key}` },
            { accountId: bucket.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket.name}` },
          ],
        };
      }
      case 's3list': {
        const bucket = pick(w.buckets);
        return {
          eventSource: 's3.amazonaws.com',
          eventName: 'ListObjects',
          region: bucket.region,
          account,
          readOnly: true,
          dataEvent: true,
          requestParameters: { bucketName: bucket.name, prefix: this.random.pick(['exports/', 'images/', '']), Host: `${bucket.name}.s3.amazonaws.com` },
          resources: [{ accountId: bucket.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket.name}` }],
        };
      }
      case 'describe': {
        const instance = pick(w.instances);
        return this.random.chance(0.5)
          ? { eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', region: instance.region, account, readOnly: true, requestParameters: { instancesSet: { items: [{ instanceId: instance.name }] }, filterSet: {} } }
          : { eventSource: 'ec2.amazonaws.com', eventName: this.random.pick(['DescribeSecurityGroups', 'DescribeVpcs', 'DescribeSubnets', 'DescribeVolumes']), region: instance.region, account, readOnly: true, requestParameters: { filterSet: {}, maxResults: 1000 } };
      }
      case 'ec2write': {
        const instance = pick(w.instances);
        return { eventSource: 'ec2.amazonaws.com', eventName: this.random.pick(['StartInstances', 'StopInstances', 'CreateTags']), region: instance.region, account, readOnly: false, requestParameters: { instancesSet: { items: [{ instanceId: instance.name }] } }, responseElements: { requestId: this.random.uuid(), _return: true } };
      }
      case 'secret': {
        const secret = pick(w.secrets);
        return { eventSource: 'secretsmanager.amazonaws.com', eventName: 'GetSecretValue', region: secret.region, account, readOnly: true, requestParameters: { secretId: secret.name } };
      }
      case 'ssm': {
        const parameter = pick(w.parameters);
        return { eventSource: 'ssm.amazonaws.com', eventName: 'GetParameter', region: parameter.region, account, readOnly: true, requestParameters: { name: parameter.name, withDecryption: true } };
      }
      case 'lambda': {
        const fn = pick(w.functions);
        return { eventSource: 'lambda.amazonaws.com', eventName: this.random.pick(['GetFunction20150331v2', 'ListFunctions20150331']), region: fn.region, account, readOnly: true, requestParameters: { functionName: fn.name } };
      }
      case 'iam':
        return { eventSource: 'iam.amazonaws.com', eventName: this.random.pick(['ListUsers', 'ListRoles', 'GetUser', 'ListAttachedRolePolicies']), region: 'us-east-1', account, readOnly: true, requestParameters: this.random.chance(0.5) ? { roleName: this.random.pick(w.roles).name } : null };
      case 'identity':
        return { eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity', region: this.random.pick(w.regions), account, readOnly: true, requestParameters: null };
      case 'denied': {
        const bucket = pick(w.buckets);
        return { eventSource: 's3.amazonaws.com', eventName: 'GetBucketPolicy', region: bucket.region, account, readOnly: true, requestParameters: { bucketName: bucket.name, policy: '', Host: `${bucket.name}.s3.amazonaws.com` }, errorCode: 'AccessDenied', errorMessage: 'Access Denied' };
      }
    }
  }
}
