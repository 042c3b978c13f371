/**
 * The MITRE ATT&CK mapping of AWS API calls (attackTechniques.json) and its matcher: which
 * techniques one CloudTrail call shows. Pure: no I/O beyond the JSON, which is validated at load
 * so a malformed edit fails at startup rather than mis-labelling an investigation.
 *
 * Some calls are only an attack in one use (a snapshot shared with everyone, a bucket policy open
 * to all): those rules carry a condition checked against the raw CloudTrail record. Records are
 * attacker-controlled (request parameters are whatever the caller sent), so every condition reads
 * them defensively and never throws: wrong types, huge or nested values, a policy that does not
 * parse all simply do not match.
 */
import { z } from 'zod';
import data from './attackTechniques.json' with { type: 'json' };

/** The ATT&CK Enterprise tactics that cloud API calls can show, in kill-chain order. */
export const TACTIC_ORDER = [
  'Initial Access',
  'Execution',
  'Persistence',
  'Privilege Escalation',
  'Defense Evasion',
  'Credential Access',
  'Discovery',
  'Lateral Movement',
  'Collection',
  'Exfiltration',
  'Impact',
] as const;
export type Tactic = (typeof TACTIC_ORDER)[number];

/**
 * Every tactic Trailhound shows, in kill-chain order: the API calls' tactics, and those only
 * GuardDuty findings show (a port scan is Reconnaissance, beaconing is Command and Control).
 */
export const KILL_CHAIN: readonly string[] = ['Reconnaissance', ...TACTIC_ORDER.slice(0, TACTIC_ORDER.indexOf('Exfiltration')), 'Command and Control', ...TACTIC_ORDER.slice(TACTIC_ORDER.indexOf('Exfiltration'))];

/** The closed set of conditions a rule may carry; attackTechniques.json describes each under "conditions". */
export const CONDITION_KINDS = [
  'sharedOutsideAccount',
  'publicPolicy',
  'trustsOutsideAccount',
  'openToInternet',
  'noMfa',
  'unusualInstanceType',
  'userData',
  'withDecryption',
  'addsLambdaLayer',
  'detectorDisabled',
  'instanceRoleFromPublicIp',
] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];
export interface Condition {
  readonly kind: ConditionKind;
}

export type TechniqueSeverity = 'high' | 'medium' | 'low';

export interface TechniqueRule {
  readonly eventSource: string;
  /** The base name, without the API version suffix some services log (see baseEventName). */
  readonly eventName: string;
  readonly tactics: readonly Tactic[];
  readonly techniqueId: string;
  readonly technique: string;
  readonly severity: TechniqueSeverity;
  /** One sentence in plain words: why an attacker makes this call. */
  readonly why: string;
  /** Present when the API alone is normal and only this use of it is the technique. */
  readonly when?: Condition;
}

export interface TechniqueMatch {
  readonly rule: TechniqueRule;
  /** True when the rule has a condition and the record met it; false when the rule has none. */
  readonly conditional: boolean;
}

const tactic = z.enum(TACTIC_ORDER);
const file = z.object({
  attackVersion: z.string(),
  sources: z.array(z.object({ name: z.string().min(1), url: z.url() })).min(1),
  conditions: z.record(z.string(), z.string()),
  techniques: z.record(z.string().regex(/^T\d{4}(\.\d{3})?$/), z.object({ name: z.string().min(1), tactics: z.array(tactic).min(1) })),
  rules: z.array(
    z.object({
      eventSource: z.string().regex(/^[a-z0-9.-]+\.amazonaws\.com$/),
      eventName: z.string().regex(/^[A-Za-z0-9]+$/),
      tactics: z.array(tactic).min(1).max(2),
      techniqueId: z.string().regex(/^T\d{4}(\.\d{3})?$/),
      technique: z.string().min(1),
      severity: z.enum(['high', 'medium', 'low']),
      why: z.string().min(1),
      when: z.object({ kind: z.enum(CONDITION_KINDS) }).strict().optional(),
    }).strict(),
  ).min(1),
});

/** The whole data file, validated: for tests and documentation (the matcher uses ATTACK_RULES). */
export const ATTACK_DATA = file.parse(data);
export const ATTACK_RULES: readonly TechniqueRule[] = ATTACK_DATA.rules;
export const ATTACK_SOURCES: readonly { readonly name: string; readonly url: string }[] = ATTACK_DATA.sources;

/**
 * An eventName without the API version suffix some services append: Lambda logs
 * `UpdateFunctionCode20150331v2`, `AddPermission20150331v2`, `CreateFunction20150331`,
 * `PublishLayerVersion20181031` — the base name followed by a date (8 digits) and maybe `v<n>`.
 * Rules name the base; matching strips `/\d{8}(v\d+)?$/` from the logged name first.
 */
export function baseEventName(name: string): string {
  return name.replace(/\d{8}(v\d+)?$/, '');
}

const key = (source: string, name: string) => `${source}\u0000${name}`;
const BY_API = new Map<string, TechniqueRule[]>();
for (const rule of ATTACK_RULES) {
  const k = key(rule.eventSource, rule.eventName);
  BY_API.set(k, [...(BY_API.get(k) ?? []), rule]);
}

/**
 * Every rule an API call matches (data-file order), by source and base name. Conditions are
 * checked against the record when given; a rule with a condition never matches without its
 * record. A refused call still matches: whether it failed is the caller's to weigh.
 */
export function techniquesOf(call: { eventSource: string | null; eventName: string | null; record?: unknown }): TechniqueRule[] {
  return techniqueMatches(call).map((m) => m.rule);
}

/** techniquesOf, saying for each rule whether it matched by its condition. */
export function techniqueMatches(call: { eventSource: string | null; eventName: string | null; record?: unknown }): TechniqueMatch[] {
  if (typeof call.eventSource !== 'string' || typeof call.eventName !== 'string') return [];
  const rules = BY_API.get(key(call.eventSource, baseEventName(call.eventName)));
  if (!rules) return [];
  const out: TechniqueMatch[] = [];
  for (const rule of rules) {
    if (!rule.when) out.push({ rule, conditional: false });
    else if (call.record !== undefined && conditionMet(rule.when.kind, call.record)) out.push({ rule, conditional: true });
  }
  return out;
}

/** Whether any rule names this call's source and (base) name, before any condition is checked. */
export function isMappedCall(eventSource: string | null, eventName: string | null): boolean {
  return typeof eventSource === 'string' && typeof eventName === 'string' && BY_API.has(key(eventSource, baseEventName(eventName)));
}

/**
 * The (eventSource, base eventName) pairs the rules name, and whether any of the pair's rules
 * needs the record. For SQL prefilters: logged names may carry a version suffix (Lambda), so
 * filter `eventSource IN mappedSources()` (or by base-name prefix) and let isMappedCall /
 * techniquesOf decide per row, rather than comparing eventName for equality.
 */
export function mappedApis(): { eventSource: string; eventName: string; conditional: boolean }[] {
  return [...BY_API.values()].map((rules) => ({ eventSource: rules[0]!.eventSource, eventName: rules[0]!.eventName, conditional: rules.some((r) => r.when) }));
}

/** The distinct eventSources any rule names: the exact prefilter for a query of mapped calls. */
export function mappedSources(): string[] {
  return [...new Set(ATTACK_RULES.map((r) => r.eventSource))];
}

// ---- Conditions. Each reads the record through the guards below and returns a plain boolean. ----

/** Nesting deeper than this is not walked: no CloudTrail field is that deep, an attack may be. */
const MAX_DEPTH = 64;
/** Values visited per walk: bounds the time a hostile record (a million-element array) can cost. */
const MAX_NODES = 10_000;
/** Policies longer than this are not parsed (IAM caps trust policies at 131,072 characters, S3 bucket policies at 20 KB). */
const MAX_POLICY_CHARS = 262_144;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** An own property only: a key such as "constructor" must not reach Object.prototype. */
const field = (v: unknown, name: string): unknown => (isObj(v) && Object.hasOwn(v, name) ? v[name] : undefined);
const path = (v: unknown, ...names: string[]): unknown => names.reduce<unknown>((at, n) => field(at, n), v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const isTrue = (v: unknown) => v === true || v === 'true';
const isFalse = (v: unknown) => v === false || v === 'false';

const CHECKS: Record<ConditionKind, (record: Obj) => boolean> = {
  sharedOutsideAccount,
  publicPolicy,
  trustsOutsideAccount,
  openToInternet,
  noMfa,
  unusualInstanceType,
  userData: (r) => {
    const rp = field(r, 'requestParameters');
    // CloudTrail logs new user data as "<sensitiveDataRemoved>" (or { value }); an empty one only clears it.
    const written = field(rp, 'userData');
    return str(field(rp, 'attribute')) === 'userData' || (typeof written === 'string' ? written.length > 0 : isObj(written));
  },
  withDecryption: (r) => isTrue(path(r, 'requestParameters', 'withDecryption')),
  addsLambdaLayer: (r) => list(path(r, 'requestParameters', 'layers')).length > 0,
  detectorDisabled: (r) => isFalse(path(r, 'requestParameters', 'enable')),
  instanceRoleFromPublicIp,
};

function conditionMet(kind: ConditionKind, record: unknown): boolean {
  if (!isObj(record)) return false;
  try {
    return CHECKS[kind](record) === true;
  } catch {
    // The guards should make this unreachable; a record must never break an investigation.
    return false;
  }
}

/** The account the record happened in: a share with it is no share at all. */
function ownAccount(r: Obj): string | undefined {
  return str(field(r, 'recipientAccountId')) ?? str(path(r, 'userIdentity', 'accountId'));
}

/** A grantee that is everyone, or an account id other than the record's own. */
function outsideGrantee(value: unknown, own: string | undefined): boolean {
  const v = str(value)?.trim();
  if (v === undefined) return false;
  if (v.toLowerCase() === 'all') return true;
  return /^\d{12}$/.test(v) && v !== own;
}

function sharedOutsideAccount(r: Obj): boolean {
  const rp = field(r, 'requestParameters');
  const own = ownAccount(r);
  // EBS snapshots (createVolumePermission) and AMIs (launchPermission): add.items[] of { group } or { userId }.
  for (const permission of ['createVolumePermission', 'launchPermission']) {
    for (const item of list(path(rp, permission, 'add', 'items'))) {
      if (outsideGrantee(field(item, 'group'), own) || outsideGrantee(field(item, 'userId'), own)) return true;
    }
  }
  // RDS DB and cluster snapshots: attribute "restore", valuesToAdd of account ids or "all".
  if (str(field(rp, 'attributeName'))?.toLowerCase() === 'restore') {
    return list(field(rp, 'valuesToAdd')).some((v) => outsideGrantee(v, own));
  }
  return false;
}

/** A policy's statements, whether given as an object or as JSON text (as IAM logs them); none if it does not parse. */
function statements(policy: unknown): Obj[] {
  let doc = policy;
  if (typeof doc === 'string') {
    if (doc.length > MAX_POLICY_CHARS) return [];
    try {
      doc = JSON.parse(doc) as unknown;
    } catch {
      return [];
    }
  }
  const s = field(doc, 'Statement');
  return (Array.isArray(s) ? s : [s]).filter(isObj);
}

const allows = (statement: Obj) => str(field(statement, 'Effect')) === 'Allow';
/** The AWS principals a statement names ("*" stands for everyone, as Principal "*" does). */
function awsPrincipals(statement: Obj): string[] {
  const principal = field(statement, 'Principal');
  if (principal === '*') return ['*'];
  const aws = field(principal, 'AWS');
  return (Array.isArray(aws) ? aws : [aws]).filter((p): p is string => typeof p === 'string');
}
const hasCondition = (statement: Obj) => isObj(field(statement, 'Condition')) && Object.keys(field(statement, 'Condition') as Obj).length > 0;

const PUBLIC_GROUP = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;
const PUBLIC_CANNED = new Set(['public-read', 'public-read-write', 'authenticated-read']);

function publicPolicy(r: Obj): boolean {
  const rp = field(r, 'requestParameters');
  if (!isObj(rp)) return false;
  // S3 bucket policy: an unconditional Allow for everyone. A Condition (aws:PrincipalOrgID,
  // aws:SourceVpce, ...) usually narrows "*" to the organization or a network: not counted.
  if (Object.hasOwn(rp, 'bucketPolicy')) {
    if (statements(field(rp, 'bucketPolicy')).some((s) => allows(s) && !hasCondition(s) && awsPrincipals(s).includes('*'))) return true;
  }
  // Lambda permission: principal "*" not narrowed to a source or an organization.
  if (str(field(rp, 'principal')) === '*' && ['sourceArn', 'sourceAccount', 'principalOrgID'].every((k) => field(rp, k) === undefined)) return true;
  // S3 ACL: a grant to the AllUsers / AuthenticatedUsers groups (in the ACL body or x-amz-grant-* headers), or a public canned ACL.
  let open = false;
  walkStrings(rp, (name, value) => {
    if (PUBLIC_GROUP.test(value) || (name.toLowerCase() === 'x-amz-acl' && PUBLIC_CANNED.has(value.trim().toLowerCase()))) open = true;
    return open;
  });
  return open;
}

/** The 12-digit account of an AWS principal ("123456789012", "arn:aws:iam::123456789012:root"...). */
function principalAccount(principal: string): string | undefined {
  return /^(\d{12})$/.exec(principal)?.[1] ?? /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
}

function trustsOutsideAccount(r: Obj): boolean {
  const rp = field(r, 'requestParameters');
  const own = ownAccount(r);
  const policy = field(rp, 'assumeRolePolicyDocument') ?? field(rp, 'policyDocument');
  return statements(policy).some(
    (s) => allows(s) && awsPrincipals(s).some((p) => p === '*' || (principalAccount(p) !== undefined && principalAccount(p) !== own)),
  );
}

function openToInternet(r: Obj): boolean {
  let open = false;
  walkStrings(field(r, 'requestParameters'), (name, value) => {
    // "0.0.0.0/0", "::/0"; anonymised logs keep the /0 on another address, which is the same range.
    if (/cidr/i.test(name) && /^[0-9a-f.:]{2,45}\/0$/i.test(value.trim())) open = true;
    return open;
  });
  return open;
}

function noMfa(r: Obj): boolean {
  const type = str(path(r, 'userIdentity', 'type'));
  return (
    (type === 'IAMUser' || type === 'Root') &&
    str(path(r, 'additionalEventData', 'MFAUsed')) === 'No' &&
    str(path(r, 'responseElements', 'ConsoleLogin')) !== 'Failure'
  );
}

function unusualInstanceType(r: Obj): boolean {
  const type = str(path(r, 'requestParameters', 'instanceType'))?.trim().toLowerCase();
  if (!type || type.length > 64) return false;
  const [family = '', size = ''] = type.split('.');
  if (/^(p|g|gr|inf|trn|dl|x)\d/.test(family)) return true;
  if (size.startsWith('metal')) return true;
  const n = /^(\d+)xlarge$/.exec(size)?.[1];
  return n !== undefined && Number(n) >= 16;
}

function instanceRoleFromPublicIp(r: Obj): boolean {
  const identity = field(r, 'userIdentity');
  if (str(field(identity, 'type')) !== 'AssumedRole' || field(identity, 'invokedBy') !== undefined) return false;
  const instanceSession = /:i-[0-9a-f]{8,17}$/i.test(str(field(identity, 'principalId')) ?? '') || path(identity, 'sessionContext', 'ec2RoleDelivery') !== undefined;
  if (!instanceSession || field(r, 'vpcEndpointId') !== undefined) return false;
  return isPublicIp(str(field(r, 'sourceIPAddress')) ?? '');
}

/** A public IPv4 or IPv6 literal; hostnames ("ec2.amazonaws.com", "AWS Internal") and private ranges are not. */
function isPublicIp(text: string): boolean {
  const ip = text.trim();
  if (ip.length > 45) return false;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    if ([a, b, c, d].some((o) => o > 255)) return false;
    return !(a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || a >= 224);
  }
  if (!/^[0-9a-f:]+$/i.test(ip) || !ip.includes(':')) return false;
  const lower = ip.toLowerCase();
  return !(lower === '::' || lower === '::1' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower));
}

/**
 * Visits every string under a value with the name of its field (array items keep the array's
 * name), depth-first, until the visitor returns true. Bounded by MAX_DEPTH and MAX_NODES.
 */
function walkStrings(value: unknown, visit: (name: string, value: string) => boolean): void {
  let budget = MAX_NODES;
  const go = (v: unknown, name: string, depth: number): boolean => {
    if (--budget < 0 || depth > MAX_DEPTH) return false;
    if (typeof v === 'string') return visit(name, v);
    if (Array.isArray(v)) {
      for (const item of v) if (go(item, name, depth + 1)) return true;
    } else if (isObj(v)) {
      for (const k of Object.keys(v)) if (go(v[k], k, depth + 1)) return true;
    }
    return false;
  };
  go(value, '', 0);
}
