import { at, text, type Json } from './values';

/**
 * The OCSF classes Trailhound reads, by what they become. CloudTrail reaches Security Lake as
 * Account Change (3001), Authentication (3002), Authorize Session (3003), Entity Management
 * (3004), User Access Management (3005), Group Management (3006) and API Activity (6003);
 * VPC Flow Logs as Network Activity (4001); Security Hub's findings (GuardDuty's among them) as
 * Detection Finding (2004) in OCSF 1.1.0 and Security Finding (2001) in 1.0.0.
 */
export const CLOUDTRAIL_CLASS_UIDS = [3001, 3002, 3003, 3004, 3005, 3006, 6003] as const;
const CLOUDTRAIL = new Set<number>(CLOUDTRAIL_CLASS_UIDS);
const FINDINGS = new Set([2001, 2004]);
const FLOWS = new Set([4001]);

export type OcsfFamily = 'cloudtrail' | 'flow' | 'finding' | 'unsupported';

/** What an OCSF record becomes, or null when it is not an OCSF record at all. */
export function ocsfFamily(record: Json): OcsfFamily | null {
  const uid = classUid(record);
  if (uid === undefined) return null;
  if (FLOWS.has(uid)) return 'flow';
  if (FINDINGS.has(uid)) return 'finding';
  // A CloudTrail class from another product (an identity provider's logons) has no CloudTrail event to rebuild.
  if (CLOUDTRAIL.has(uid) && at(record, 'api.operation') !== undefined) return 'cloudtrail';
  return 'unsupported';
}

export function describeOcsfClass(record: Json): string {
  return `OCSF class ${classUid(record) ?? '?'}${text(record, 'class_name') ? ` (${text(record, 'class_name')})` : ''}`;
}

/** class_uid as a number (Parquet may hand it over as text). */
export function classUid(record: Json): number | undefined {
  const value = at(record, 'class_uid');
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

/** Whether a parsed JSON value looks like an OCSF record (for detecting a file's source). */
export function looksLikeOcsf(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return classUid(value as Json) !== undefined && at(value, 'metadata.version') !== undefined;
}
