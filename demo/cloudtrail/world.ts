import type { Random } from '../random';

/** The accounts, people, roles, machines and data of a generated AWS organisation. */
export interface World {
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  readonly users: readonly User[];
  readonly roles: readonly Role[];
  readonly buckets: readonly Owned[];
  readonly instances: readonly Owned[];
  readonly secrets: readonly Owned[];
  readonly parameters: readonly Owned[];
  readonly functions: readonly Owned[];
}

export interface User {
  readonly name: string;
  readonly account: string;
  readonly arn: string;
  readonly principalId: string;
  readonly accessKeyId: string;
  readonly ips: readonly string[];
  readonly userAgent: string;
  /** Relative share of the organisation's activity. */
  readonly weight: number;
}

export interface Role {
  readonly name: string;
  readonly account: string;
  readonly arn: string;
  readonly principalId: string;
  /** Who normally assumes it: people (user names), an AWS service, or CI jobs through GitHub's OIDC provider. */
  readonly assumedBy: readonly string[] | 'ec2.amazonaws.com' | 'lambda.amazonaws.com' | typeof GITHUB_OIDC;
}

/** GitHub Actions' OIDC provider: CI jobs assume deploy roles with AssumeRoleWithWebIdentity. */
export const GITHUB_OIDC = 'token.actions.githubusercontent.com';

export interface Owned {
  readonly name: string;
  readonly account: string;
  readonly region: string;
}

const FIRST = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'yara'];
const AGENTS = [
  'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-aws exe/x86_64.ubuntu.22 prompt/off command/s3.ls',
  'aws-cli/2.17.5 Python/3.11.9 Darwin/23.5.0 exe/arm64 prompt/off',
  'Boto3/1.34.131 md/Botocore#1.34.131 ua/2.0 os/linux#5.10.219-208.866.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.3',
  'aws-sdk-go-v2/1.30.0 os/linux lang/go#1.22.4 md/GOOS#linux md/GOARCH#amd64 api/s3#1.56.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'terraform/1.8.5 (+https://www.terraform.io) terraform-provider-aws/5.55.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.0',
  'aws-sdk-java/2.25.60 Linux/5.10.218-208.862.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.11+9-LTS Java/17.0.11 vendor/Amazon.com_Inc. exec-env/AWS_ECS_FARGATE',
];

/** Builds a deterministic organisation sized by `scale` (1 = a small team). */
export function buildWorld(random: Random, scale = 1): World {
  const accounts = ['111122223333', '444455556666', '777788889999'];
  const regions = ['us-east-1', 'eu-west-1', 'us-west-2'];
  const userCount = Math.max(4, Math.round(20 * scale));
  const users: User[] = [];
  for (let i = 0; i < userCount; i++) {
    const name = `${FIRST[i % FIRST.length]}${i >= FIRST.length ? i : ''}`;
    const account = accounts[i % 5 === 4 ? 1 : 0]!;
    users.push({
      name,
      account,
      arn: `arn:aws:iam::${account}:user/${name}`,
      principalId: random.keyId('AIDA'),
      accessKeyId: random.keyId('AKIA'),
      ips: [officeIp(random), random.chance(0.5) ? homeIp(random) : officeIp(random)],
      userAgent: random.pick(AGENTS),
      weight: random.chance(0.2) ? 8 : 1 + random.int(0, 3),
    });
  }
  const people = users.map((u) => u.name);
  const roleSpecs: [string, Role['assumedBy']][] = [
    ['Admin', people.slice(0, 3)],
    ['ReadOnly', people],
    ['DataEngineer', people.slice(2, 9)],
    ['ci-deploy', GITHUB_OIDC],
    ['app-server', 'ec2.amazonaws.com'],
    ['batch-worker', 'ec2.amazonaws.com'],
    ['thumbnailer-lambda', 'lambda.amazonaws.com'],
    ['billing-report-lambda', 'lambda.amazonaws.com'],
  ];
  const roles: Role[] = [];
  for (const account of accounts) {
    for (const [name, assumedBy] of roleSpecs) {
      roles.push({ name, account, arn: `arn:aws:iam::${account}:role/${name}`, principalId: random.keyId('AROA'), assumedBy });
    }
  }
  const owned = (prefix: string, count: number, naming: (i: number) => string): Owned[] =>
    Array.from({ length: Math.max(2, Math.round(count * scale)) }, (_, i) => ({
      name: naming(i),
      account: accounts[i % accounts.length]!,
      region: regions[i % regions.length]!,
      ...(prefix ? {} : {}),
    }));
  return {
    accounts,
    regions,
    users,
    roles,
    buckets: owned('b', 12, (i) => ['app-assets', 'data-lake', 'logs-archive', 'backups', 'ml-training', 'customer-exports'][i % 6]! + `-${1000 + i}`),
    instances: owned('i', 30, () => `i-0${random.hex(16)}`),
    secrets: owned('s', 8, (i) => `prod/${['db', 'stripe', 'sendgrid', 'github'][i % 4]}-${i}`),
    parameters: owned('p', 10, (i) => `/app/${['prod', 'staging'][i % 2]}/config-${i}`),
    functions: owned('f', 6, (i) => `${['thumbnailer', 'billing-report', 'webhook'][i % 3]}-${i}`),
  };
}

/**
 * Corporate egress: a few public /24s of US transit networks (Cogent, Zayo, Level 3), which the
 * offline database places, so that a user's usual country and network are known and an
 * attacker's stand out as newly observed.
 */
function officeIp(random: Random): string {
  return `${random.pick(['38.140.201', '64.124.12', '4.14.104'])}.${random.int(10, 40)}`;
}

function homeIp(random: Random): string {
  return `${random.pick(['81.2', '86.140', '73.15', '24.6'])}.${random.int(1, 254)}.${random.int(1, 254)}`;
}
