import { MAX_RECORD, storedRecordText } from '../cloudtrail/storedRecord';
import { redactSecrets } from '../common/secrets';
import { excerpt } from '../read/jsonRecords';
import { describeThrown, MAX_NESTING, nestsDeeperThan } from '../read/nesting';
import { describeOcsfClass, ocsfFamily } from './classes';
import { cloudTrailFromOcsf } from './toCloudTrail';
import { findingFromOcsf } from './toFinding';
import { flowLineFromOcsf } from './toFlowLine';
import type { Json } from './values';

/**
 * What one OCSF record (as JSON text) becomes: a CloudTrail event as the text the event store
 * keeps (redacted and capped), a GuardDuty finding as JSON text, a flow-log line, or why it is
 * none of them. Text in, text out: this runs in a worker thread (Parquet), and only strings
 * cross between threads.
 */
export type Converted =
  /** `text`: the event; `stored`: what the event store keeps of it, when that differs (secrets redacted, or cut). */
  | { readonly k: 'event'; readonly text: string; readonly stored?: string }
  | { readonly k: 'finding'; readonly text: string }
  | { readonly k: 'flow'; readonly line: string }
  | { readonly k: 'invalid'; readonly reason: string; readonly id?: string; readonly excerpt: string }
  | { readonly k: 'other'; readonly looksLike: string };

export function convertOcsfText(text: string): Converted {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { k: 'invalid', reason: `invalid JSON: ${(error as Error).message}`, excerpt: excerpt(text) };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { k: 'invalid', reason: 'not a JSON object', excerpt: excerpt(text) };
  if (nestsDeeperThan(value)) return { k: 'invalid', reason: `nested more than ${MAX_NESTING} levels deep: not read any further`, excerpt: excerpt(text) };
  // A record can only ever reject itself: whatever converting it throws rejects it alone.
  try {
    return convertOcsfRecord(value as Json, text);
  } catch (error) {
    return { k: 'invalid', reason: `could not be read: ${describeThrown(error)}`, excerpt: excerpt(text) };
  }
}

function convertOcsfRecord(record: Json, text: string): Converted {
  const family = ocsfFamily(record);
  if (family === null) return { k: 'other', looksLike: 'JSON without an OCSF class_uid' };
  if (family === 'unsupported') return { k: 'invalid', reason: unsupportedReason(record), excerpt: excerpt(text) };
  if (family === 'flow') {
    const line = flowLineFromOcsf(record);
    return line.ok ? { k: 'flow', line: line.line } : { k: 'invalid', reason: line.reason, excerpt: excerpt(text) };
  }
  if (family === 'finding') {
    const finding = findingFromOcsf(record);
    return finding.ok ? { k: 'finding', text: JSON.stringify(finding.finding) } : { k: 'invalid', reason: finding.reason, excerpt: excerpt(text) };
  }
  const event = cloudTrailFromOcsf(record);
  if (!event.ok) return { k: 'invalid', reason: event.reason, excerpt: excerpt(text) };
  const json = JSON.stringify(event.event);
  // Most events hold no secret and are not oversized: their text is what the store keeps.
  if (json.length <= MAX_RECORD && redactSecrets(event.event) === event.event) return { k: 'event', text: json };
  return { k: 'event', text: json, stored: storedRecordText(event.event, undefined) };
}

export function unsupportedReason(record: Json): string {
  return `${describeOcsfClass(record)} is not a class Trailhound reads (it reads CloudTrail's classes, Network Activity and Detection Findings)`;
}
