/**
 * The OCSF version, classes and profiles Trailhound writes and reads.
 *
 * Version 1.1.0: Amazon Security Lake writes its AWS sources (CloudTrail, VPC Flow Logs, Security
 * Hub findings) as OCSF 1.1.0 since its source version 2, so an export in 1.1.0 sits in the same
 * tables, answers the same Athena queries, and validates against the schema its consumers
 * already have. docs/ocsf.md says more.
 */
export const OCSF_VERSION = '1.1.0';

export interface OcsfClass {
  readonly uid: number;
  readonly name: string;
  readonly categoryUid: number;
  readonly categoryName: string;
}

const IAM = { categoryUid: 3, categoryName: 'Identity & Access Management' };
export const OcsfClasses = {
  accountChange: { uid: 3001, name: 'Account Change', ...IAM },
  authentication: { uid: 3002, name: 'Authentication', ...IAM },
  apiActivity: { uid: 6003, name: 'API Activity', categoryUid: 6, categoryName: 'Application Activity' },
  networkActivity: { uid: 4001, name: 'Network Activity', categoryUid: 4, categoryName: 'Network Activity' },
  detectionFinding: { uid: 2004, name: 'Detection Finding', categoryUid: 2, categoryName: 'Findings' },
  baseEvent: { uid: 0, name: 'Base Event', categoryUid: 0, categoryName: 'Uncategorized' },
} as const satisfies Record<string, OcsfClass>;

/**
 * Profiles each line declares: `cloud` (the cloud object: provider, account, region) on every
 * AWS line, and `security_control` (action, disposition) on flows, whose accept/reject is one.
 * A strict consumer allows a profile's attributes only when the line declares it.
 */
export const Profiles = {
  cloud: ['cloud'],
  cloudSecurityControl: ['cloud', 'security_control'],
} as const;

/** The class/activity fields every OCSF line has; type_uid = class_uid * 100 + activity_id. */
export function classFields(cls: OcsfClass, activityId: number, activityName: string): Record<string, unknown> {
  return {
    class_uid: cls.uid,
    class_name: cls.name,
    category_uid: cls.categoryUid,
    category_name: cls.categoryName,
    activity_id: activityId,
    activity_name: activityName,
    type_uid: cls.uid * 100 + activityId,
    type_name: `${cls.name}: ${activityName}`,
  };
}

/** GuardDuty severity (1-10) to OCSF severity_id and caption: 2 Low, 3 Medium, 4 High, 5 Critical. */
export function findingSeverity(severity: number | null): { severity_id: number; severity: string } {
  if (severity === null) return { severity_id: 0, severity: 'Unknown' };
  if (severity >= 9) return { severity_id: 5, severity: 'Critical' };
  if (severity >= 7) return { severity_id: 4, severity: 'High' };
  if (severity >= 4) return { severity_id: 3, severity: 'Medium' };
  return { severity_id: 2, severity: 'Low' };
}

const VERBATIM = new Set(['data', 'unmapped']);

export const INFORMATIONAL = { severity_id: 1, severity: 'Informational' } as const;

/**
 * Drops undefined, null and empty objects, so that an absent field is absent (not null) in the
 * line. `data` and `unmapped` hold the log's own values (request parameters, response elements):
 * kept exactly as logged, nulls included.
 */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact).filter((v) => v !== undefined) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    if (VERBATIM.has(key)) {
      out[key] = v;
      continue;
    }
    const c = compact(v);
    if (c !== null && typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 0) continue;
    out[key] = c;
  }
  return out as T;
}
