import { Label, type ResourceLabel } from '../../graph/vocabulary';
import { isAccountId, parseArn } from '../common/arn';
import { obj, str } from '../common/text';

/** A resource a call named, as the graph keys it. */
export interface ResourceFact {
  readonly label: ResourceLabel;
  readonly key: string;
  readonly props: Record<string, unknown>;
  readonly accountId: string | undefined;
}

interface Context {
  readonly service: string; // "s3", "iam", ... from eventSource
  readonly region: string | undefined;
  readonly account: string | undefined; // recipientAccountId: whose resources this call touched
  readonly partition: string;
}

type Extractor = (value: string, ctx: Context) => ResourceFact | null;

const INSTANCE_ID = /^i-[0-9a-zA-Z]{8,17}$/;

const bucket: Extractor = (name, ctx) =>
  /^[a-zA-Z0-9.\-_]{1,255}$/.test(name) ? { label: Label.S3Bucket, key: name, props: { name, accountId: ctx.account, region: ctx.region }, accountId: ctx.account } : null;

const instance: Extractor = (id, ctx) =>
  INSTANCE_ID.test(id) ? { label: Label.Ec2Instance, key: id, props: { instanceId: id, accountId: ctx.account, region: ctx.region }, accountId: ctx.account } : null;

const iamRoleByArn: Extractor = (arn) => {
  const parsed = parseArn(arn);
  if (!parsed || parsed.service !== 'iam' || !parsed.resource.startsWith('role/')) return null;
  return { label: Label.IamRole, key: arn, props: { arn, roleName: parsed.resource.split('/').pop(), accountId: acct(parsed.account) }, accountId: acct(parsed.account) };
};

const iamByName = (kind: 'user' | 'role'): Extractor => (name, ctx) => {
  if (name.startsWith('arn:')) return fromArn(name, ctx);
  if (!ctx.account || name.includes(':')) return null;
  const arn = `arn:${ctx.partition}:iam::${ctx.account}:${kind}/${name}`;
  return kind === 'user'
    ? { label: Label.IamUser, key: arn, props: { arn, userName: name, accountId: ctx.account }, accountId: ctx.account }
    : { label: Label.IamRole, key: arn, props: { arn, roleName: name, accountId: ctx.account }, accountId: ctx.account };
};

/**
 * A resource named without its ARN: build the ARN AWS would give it, so that the same secret
 * named by name in one call and by ARN in another is, as far as possible, one node.
 */
const named = (service: string, resourceType: string, build: (name: string) => string): Extractor => (name, ctx) => {
  if (name.startsWith('arn:')) return fromArn(name, ctx);
  if (!ctx.account) return null;
  const arn = `arn:${ctx.partition}:${service}:${ctx.region ?? ''}:${ctx.account}:${build(name)}`;
  return awsResource(arn, resourceType, name, service, ctx.account, ctx.region);
};

const fromArn: Extractor = (arn, ctx) => {
  const parsed = parseArn(arn);
  if (!parsed) return null;
  // An empty account field means "this account" (except S3, whose ARNs never name one); a
  // non-numeric one ("aws" for AWS-managed policies) means nobody's account.
  const account = parsed.account === '' ? (parsed.service === 's3' ? undefined : ctx.account) : acct(parsed.account);
  if (parsed.service === 's3') {
    const name = parsed.resource.split('/')[0];
    return name ? bucket(name, { ...ctx, account }) : null;
  }
  if (parsed.service === 'ec2' && parsed.resource.startsWith('instance/')) {
    return instance(parsed.resource.slice('instance/'.length), { ...ctx, account: account, region: parsed.region || ctx.region });
  }
  if (parsed.service === 'iam' && parsed.resource.startsWith('role/')) return iamRoleByArn(arn, ctx);
  if (parsed.service === 'iam' && parsed.resource.startsWith('user/')) {
    return { label: Label.IamUser, key: arn, props: { arn, userName: parsed.resource.split('/').pop(), accountId: account }, accountId: account };
  }
  const [type = parsed.resource] = parsed.resource.split(/[/:]/);
  const name = parsed.resource.slice(type.length + 1) || parsed.resource;
  return awsResource(arn, `${parsed.service}:${type}`, name, parsed.service, account, parsed.region || undefined);
};

function awsResource(arn: string, resourceType: string, name: string, service: string, accountId: string | undefined, region: string | undefined): ResourceFact {
  return { label: Label.AwsResource, key: arn, props: { arn, resourceType, name, service, accountId, region }, accountId };
}

function acct(account: string): string | undefined {
  return isAccountId(account) ? account : undefined;
}

interface Field {
  readonly service: string;
  readonly path: string;
  readonly steps: readonly Step[];
  readonly extract: Extractor;
}

/** One name of a field's path; `each`: the path wrote `name[]`, an array walked item by item. */
interface Step {
  readonly name: string;
  readonly each: boolean;
}

function fields(list: readonly Omit<Field, 'steps'>[]): Field[] {
  return list.map((f) => ({ ...f, steps: f.path.split('.').map((part) => (part.endsWith('[]') ? { name: part.slice(0, -2), each: true } : { name: part, each: false })) }));
}

/**
 * requestParameters fields that name a resource, per service ("*" = any service). Paths with
 * `[]` walk arrays. Kept as data so adding a field is one line.
 */
const REQUEST_FIELDS: readonly Field[] = fields([
  { service: '*', path: 'bucketName', extract: bucket },
  { service: 'ec2', path: 'instanceId', extract: instance },
  { service: 'ec2', path: 'instancesSet.items[].instanceId', extract: instance },
  { service: 'ec2', path: 'instanceIds[]', extract: instance },
  { service: 'ssm', path: 'instanceIds[]', extract: instance },
  { service: 'ssm', path: 'instanceId', extract: instance },
  { service: 'ssm', path: 'target', extract: instance },
  { service: 'ec2-instance-connect', path: 'instanceId', extract: instance },
  { service: '*', path: 'roleArn', extract: iamRoleByArn },
  { service: 'iam', path: 'roleName', extract: iamByName('role') },
  { service: 'iam', path: 'userName', extract: iamByName('user') },
  { service: 'lambda', path: 'functionName', extract: named('lambda', 'lambda:function', (n) => `function:${n.split(':')[0]}`) },
  { service: 'secretsmanager', path: 'secretId', extract: named('secretsmanager', 'secretsmanager:secret', (n) => `secret:${n}`) },
  { service: 'secretsmanager', path: 'secretIdList[]', extract: named('secretsmanager', 'secretsmanager:secret', (n) => `secret:${n}`) },
  { service: 'ssm', path: 'name', extract: named('ssm', 'ssm:parameter', (n) => `parameter/${n.replace(/^\//, '')}`) },
  { service: 'ssm', path: 'names[]', extract: named('ssm', 'ssm:parameter', (n) => `parameter/${n.replace(/^\//, '')}`) },
  { service: 'cloudtrail', path: 'name', extract: named('cloudtrail', 'cloudtrail:trail', (n) => `trail/${n}`) },
  { service: 'cloudtrail', path: 'trailName', extract: named('cloudtrail', 'cloudtrail:trail', (n) => `trail/${n}`) },
  { service: 'iam', path: 'policyArn', extract: fromArn },
  { service: 'ec2', path: 'snapshotId', extract: named('ec2', 'ec2:snapshot', (n) => `snapshot/${n}`) },
  { service: 'ec2', path: 'imageId', extract: named('ec2', 'ec2:image', (n) => `image/${n}`) },
  { service: 'ec2', path: 'groupId', extract: named('ec2', 'ec2:security-group', (n) => `security-group/${n}`) },
  { service: 'rds', path: 'dBSnapshotIdentifier', extract: named('rds', 'rds:snapshot', (n) => `snapshot:${n}`) },
  { service: 'rds', path: 'dBInstanceIdentifier', extract: named('rds', 'rds:db', (n) => `db:${n}`) },
  { service: 'kms', path: 'keyId', extract: named('kms', 'kms:key', (n) => (n.startsWith('alias/') ? n : `key/${n}`)) },
  { service: 'logs', path: 'logGroupName', extract: named('logs', 'logs:log-group', (n) => `log-group:${n}`) },
  { service: 'dynamodb', path: 'tableName', extract: named('dynamodb', 'dynamodb:table', (n) => `table/${n}`) },
  { service: 'route53resolver', path: 'resolverQueryLogConfigId', extract: named('route53resolver', 'route53resolver:resolver-query-log-config', (n) => `resolver-query-log-config/${n}`) },
  { service: 'rolesanywhere', path: 'trustAnchorId', extract: named('rolesanywhere', 'rolesanywhere:trust-anchor', (n) => `trust-anchor/${n}`) },
  { service: 'bedrock', path: 'modelId', extract: named('bedrock', 'bedrock:foundation-model', (n) => `foundation-model/${n}`) },
]);

/** responseElements fields that name what a call created, with the ARN AWS assigned. */
const RESPONSE_FIELDS: readonly Field[] = fields([
  { service: 'iam', path: 'user.arn', extract: fromArn },
  { service: 'iam', path: 'role.arn', extract: fromArn },
  { service: 'ec2', path: 'instancesSet.items[].instanceId', extract: instance },
  { service: 'lambda', path: 'functionArn', extract: fromArn },
  { service: 'secretsmanager', path: 'aRN', extract: fromArn },
  { service: 'secretsmanager', path: 'arn', extract: fromArn },
]);

export function serviceOf(eventSource: string | undefined): string {
  return (eventSource ?? '').replace(/\.amazonaws\.com$/, '');
}

/**
 * Every resource a call named: the `resources` array, then known request and response fields.
 * De-duplicated by label and key.
 */
export function resourcesOf(event: Record<string, unknown>, region: string | undefined, account: string | undefined, partition: string): ResourceFact[] {
  const ctx: Context = { service: serviceOf(str(event.eventSource)), region, account, partition };
  const found = new Map<string, ResourceFact>();
  if (Array.isArray(event.resources)) {
    for (const entry of event.resources) {
      const r = obj(entry);
      const arn = str(r?.ARN) ?? str(r?.arn);
      if (arn) keep(found, fromArn(arn, { ...ctx, account: acct(str(r?.accountId) ?? '') ?? ctx.account }));
    }
  }
  collect(obj(event.requestParameters), REQUEST_FIELDS, ctx, found);
  collect(obj(event.responseElements), RESPONSE_FIELDS, ctx, found);
  return [...found.values()];
}

function keep(found: Map<string, ResourceFact>, fact: ResourceFact | null): void {
  if (fact) found.set(`${fact.label}\u0000${fact.key}`, fact);
}

function collect(
  source: Record<string, unknown> | undefined,
  fields: readonly Field[],
  ctx: Context,
  found: Map<string, ResourceFact>,
): void {
  if (!source) return;
  for (const field of fields) {
    if (field.service !== '*' && field.service !== ctx.service) continue;
    collectAt(source, field, 0, ctx, found, 0);
  }
}

/**
 * The string values at a field's path, each handed to the field's extractor as it is found;
 * `name[]` walks an array. Capped (100 values, 100 items an array, 2 KB a value): logs are
 * untrusted. Returns how many values were found so far. Walked by index, with nothing
 * allocated: every event asks every field of its service, and most find nothing.
 */
function collectAt(value: unknown, field: Field, depth: number, ctx: Context, found: Map<string, ResourceFact>, count: number): number {
  if (count >= 100) return count;
  const step = field.steps[depth];
  if (!step) {
    const text = str(value);
    if (!text || text.length > 2048) return count;
    keep(found, field.extract(text, ctx));
    return count + 1;
  }
  const next = obj(value)?.[step.name];
  if (!step.each) return collectAt(next, field, depth + 1, ctx, found, count);
  if (Array.isArray(next)) for (let i = 0; i < next.length && i < 100; i++) count = collectAt(next[i], field, depth + 1, ctx, found, count);
  return count;
}
