import { obj } from '../common/text';

/**
 * GuardDuty findings come as a bare finding (camelCase, as S3 export and EventBridge's detail
 * carry them), an EventBridge "GuardDuty Finding" event, or GetFindings output
 * {"Findings": [...]} with camelCase (API) or PascalCase (CLI) keys.
 */
export type UnwrappedFinding =
  | { readonly kind: 'finding'; readonly finding: Record<string, unknown> }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'other'; readonly looksLike: string; readonly hint?: string };

/** A field in either casing: `accountId` or `AccountId`. */
export function field(record: Record<string, unknown> | undefined, name: string): unknown {
  if (!record) return undefined;
  const value = record[name];
  return value !== undefined ? value : record[name.charAt(0).toUpperCase() + name.slice(1)];
}

export function fieldObj(record: Record<string, unknown> | undefined, name: string): Record<string, unknown> | undefined {
  return obj(field(record, name));
}

export function fieldList(record: Record<string, unknown> | undefined, name: string): Record<string, unknown>[] {
  const value = field(record, name);
  return Array.isArray(value) ? value.map(obj).filter((v): v is Record<string, unknown> => v !== undefined) : [];
}

const GUARDDUTY_EVENT_SOURCE = 'aws.guardduty';

function isFinding(record: Record<string, unknown>): boolean {
  return field(record, 'schemaVersion') !== undefined && field(record, 'type') !== undefined && (field(record, 'resource') !== undefined || field(record, 'service') !== undefined);
}

/** Whether a parsed JSON value is GuardDuty data in any of its shapes. */
export function looksLikeGuardDuty(value: unknown): boolean {
  const record = obj(value);
  if (!record) return Array.isArray(value) && value.length > 0 && looksLikeGuardDuty(value[0]);
  // Any EventBridge event from GuardDuty: a rule on `source: aws.guardduty` also delivers
  // malware-scan results and health events beside the findings.
  if (record['detail-type'] === 'GuardDuty Finding' || record.source === GUARDDUTY_EVENT_SOURCE) return true;
  const findings = field(record, 'findings');
  if (Array.isArray(findings)) return findings.length === 0 || looksLikeGuardDuty(findings[0]);
  return isFinding(record);
}

export function unwrapFindings(value: unknown, depth = 0): UnwrappedFinding[] {
  if (depth > 3) return [{ kind: 'invalid', reason: 'wrapped more than 3 levels deep' }];
  if (Array.isArray(value)) return value.flatMap((v) => unwrapFindings(v, depth + 1));
  const record = obj(value);
  if (!record) return [{ kind: 'invalid', reason: `a JSON ${value === null ? 'null' : typeof value}, not an object` }];
  if (typeof record['detail-type'] === 'string' && 'detail' in record) {
    if (record['detail-type'] === 'GuardDuty Finding') return unwrapFindings(record.detail, depth + 1);
    // GuardDuty's other events are rejected one by one, never taken for a file of something else.
    if (record.source === GUARDDUTY_EVENT_SOURCE) return [{ kind: 'invalid', reason: `a GuardDuty "${record['detail-type'].slice(0, 80)}" event, not a finding` }];
    return [{ kind: 'other', looksLike: `an EventBridge event of type "${record['detail-type'].slice(0, 80)}"` }];
  }
  const findings = field(record, 'findings');
  if (Array.isArray(findings)) return findings.flatMap((f) => unwrapFindings(f, depth + 1));
  if (isFinding(record)) return [{ kind: 'finding', finding: record }];
  if ('eventVersion' in record || 'eventID' in record || 'Records' in record) {
    return [{ kind: 'other', looksLike: 'CloudTrail events', hint: 'Use `trailhound ingest cloudtrail`.' }];
  }
  return [{ kind: 'other', looksLike: `JSON without GuardDuty fields (its first record has keys: ${Object.keys(record).slice(0, 8).join(', ') || 'none'})` }];
}
