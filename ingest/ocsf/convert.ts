import { MAX_RECORD, storedRecordText } from '../cloudtrail/storedRecord';
import { redactSecrets } from '../common/secrets';
import { excerpt } from '../read/jsonRecords';
import { describeThrown, nestsDeeperThan, TOO_DEEP } from '../read/nesting';
import { describeOcsfClass, ocsfFamily } from './classes';
import type { OcsfRowText } from './parquetProjection';
import { eventText, mayBeLenient, RawJson } from './rawJson';
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
  /**
   * `text`: the event; `stored`: what the event store keeps of it, when that differs (secrets
   * redacted, or cut). `unchecked`: the text holds request or response data as Security Lake
   * wrote it (rawJson.ts), not yet parsed, redacted or measured: the reader does that, as it
   * does for a raw event.
   */
  | { readonly k: 'event'; readonly text: string; readonly stored?: string; readonly unchecked?: true }
  | { readonly k: 'finding'; readonly text: string }
  | { readonly k: 'flow'; readonly line: string }
  | { readonly k: 'invalid'; readonly reason: string; readonly id?: string; readonly excerpt: string }
  | { readonly k: 'other'; readonly looksLike: string };

/**
 * A row of Security Lake's Parquet (parquetProjection.ts): a CloudTrail row comes as the fields
 * its event is rebuilt from, with its request and response data apart as JSON text, which goes
 * into the event as it is; any other row as the whole record.
 */
export function convertOcsfRow(row: OcsfRowText): Converted {
  if (row.request === null && row.response === null) return convertOcsfText(row.record);
  const raws: RawJson[] = [];
  return convertOcsfText(row.record, (record) => {
    const api = record.api as { request?: Json | null; response?: Json | null } | undefined;
    for (const part of ['request', 'response'] as const) {
      const text = row[part];
      const holder = api?.[part];
      if (text === null || !holder) continue;
      if (mayBeLenient(text)) {
        // As the whole record holds it: text, which the conversion parses, or ignores if it cannot.
        holder.data = text;
        continue;
      }
      const raw = new RawJson(text);
      holder.data = raw;
      raws.push(raw);
    }
    return raws;
  });
}

export function convertOcsfText(text: string, withRaw?: (record: Json) => readonly RawJson[]): Converted {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { k: 'invalid', reason: `invalid JSON: ${(error as Error).message}`, excerpt: excerpt(text) };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { k: 'invalid', reason: 'not a JSON object', excerpt: excerpt(text) };
  if (nestsDeeperThan(value)) return { k: 'invalid', reason: TOO_DEEP, excerpt: excerpt(text) };
  // A record can only ever reject itself: whatever converting it throws rejects it alone.
  try {
    const raws = withRaw?.(value as Json) ?? [];
    return convertOcsfRecord(value as Json, text, raws);
  } catch (error) {
    return { k: 'invalid', reason: `could not be read: ${describeThrown(error)}`, excerpt: excerpt(text) };
  }
}

function convertOcsfRecord(record: Json, text: string, raws: readonly RawJson[]): Converted {
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
  if (raws.length > 0) return { k: 'event', text: eventText(event.event), unchecked: true };
  // Request or response data kept as text was parsed only now: it is held to the depth the record was.
  if (nestsDeeperThan(event.event)) return { k: 'invalid', reason: TOO_DEEP, excerpt: excerpt(text) };
  const json = JSON.stringify(event.event);
  // Most events hold no secret and are not oversized: their text is what the store keeps.
  if (json.length <= MAX_RECORD && redactSecrets(event.event) === event.event) return { k: 'event', text: json };
  return { k: 'event', text: json, stored: storedRecordText(event.event, undefined) };
}

export function unsupportedReason(record: Json): string {
  return `${describeOcsfClass(record)} is not a class Trailhound reads (it reads CloudTrail's classes, Network Activity and Detection Findings)`;
}
