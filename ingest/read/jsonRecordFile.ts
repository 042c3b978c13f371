import { describeNonJson } from '../common/describeText';
import { describeGzipError } from '../pipeline/openInput';
import type { ParsedItem, ReadRecord, RecordPosition } from '../pipeline/types';
import { excerpt, JsonRecordScanner, type ScanItem } from './jsonRecords';
import { describeThrown, nestsDeeperThan, TOO_DEEP } from './nesting';

/** What a JSON container held, once its wrappers (EventBridge, SNS, arrays...) are peeled. */
export type UnwrappedRecord =
  | { readonly kind: 'record'; readonly record: Record<string, unknown> }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'other'; readonly looksLike: string; readonly hint?: string };

/** A source whose files are JSON records (CloudTrail, GuardDuty): how to unwrap and normalise one. */
export interface JsonRecordSource {
  /** What the source reads, for refusals: "CloudTrail", "GuardDuty findings". */
  readonly what: string;
  /** One of its records, for rejects: "a CloudTrail event". */
  readonly one: string;
  readonly unwrap: (value: unknown) => Iterable<UnwrappedRecord>;
  /** What a record is (`text`: its JSON as read, when the record is the whole of it, not unwrapped from an envelope). */
  readonly read: (record: Record<string, unknown>, text?: string) => ReadRecord;
  /** The record's own id, kept with its reject. */
  readonly recordId?: (record: Record<string, unknown>) => string | undefined;
}

/**
 * Reads a file of JSON records for a source: streams it through the record scanner, rejects
 * what does not parse or normalise (with position and excerpt), and refuses the whole file when
 * its first record (or its text) is recognisably something else. Records carry ids, so a
 * truncated .gz loads what was read, and a complete copy later adds the rest.
 */
export async function* readJsonRecordFile(source: JsonRecordSource, chunks: AsyncIterable<Buffer>): AsyncIterable<ParsedItem[]> {
  const scanner = new JsonRecordScanner();
  const state = { sawRecord: false, refused: false };
  try {
    for await (const chunk of chunks) {
      const items = toParsed(source, scanner.push(chunk), state);
      if (items.length > 0) yield items;
      if (state.refused) return;
      const notJson = scanner.notJsonInput;
      if (notJson) {
        const { looksLike, hint } = describeNonJson(notJson.firstLine);
        yield [{ kind: 'refuseFile', reason: `not ${source.what}: this looks like ${looksLike}`, ...(hint ? { hint } : {}) }];
        return;
      }
    }
  } catch (error) {
    const reason = describeGzipError(error);
    if (!reason) throw error;
    // The records before the break are loaded; the reject says where the rest was lost.
    const at = scanner.breakOff;
    yield [{ kind: 'reject', position: at, reason: `${reason}: record ${at.index} and any after it are lost (line ${at.line}, byte ${at.byteOffset} of the decompressed text)` }];
    return;
  }
  const tail = toParsed(source, scanner.end(), state);
  // An empty file, or `{"Records": []}`, yields nothing: nothing to load, nothing wrong.
  if (tail.length > 0) yield tail;
}

function toParsed(source: JsonRecordSource, scanned: ScanItem[], state: { sawRecord: boolean; refused: boolean }): ParsedItem[] {
  const out: ParsedItem[] = [];
  for (const item of scanned) {
    if (state.refused) break;
    if (item.kind === 'problem') {
      const { reason, excerpt: text, ...position } = item.problem;
      out.push({ kind: 'reject', position, reason, ...(text ? { excerpt: text } : {}) });
      continue;
    }
    const { text, ...position } = item.record;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      out.push({ kind: 'reject', position, reason: `invalid JSON: ${(error as Error).message}`, excerpt: excerpt(text) });
      continue;
    }
    if (nestsDeeperThan(value)) {
      const id = value !== null && typeof value === 'object' && !Array.isArray(value) ? source.recordId?.(value as Record<string, unknown>) : undefined;
      out.push({ kind: 'reject', position, reason: TOO_DEEP, ...(id ? { recordId: id } : {}), excerpt: excerpt(text) });
      continue;
    }
    readRecord(source, value, text, position, state, out);
  }
  return out;
}

/**
 * A record can only ever reject itself: whatever unwrapping or reading throws (a bug some input
 * reaches) rejects that record alone; the other records of the same envelope are still read.
 */
function readRecord(source: JsonRecordSource, value: unknown, text: string, position: RecordPosition, state: { sawRecord: boolean; refused: boolean }, out: ParsedItem[]): void {
  let unwrappedAll: Iterable<UnwrappedRecord>;
  try {
    unwrappedAll = [...source.unwrap(value)];
  } catch (error) {
    out.push({ kind: 'reject', position, reason: `could not be unwrapped: ${describeThrown(error)}`, excerpt: excerpt(text) });
    return;
  }
  for (const unwrapped of unwrappedAll) {
    if (unwrapped.kind === 'record') {
      state.sawRecord = true;
      let result: ReadRecord;
      try {
        result = source.read(unwrapped.record, unwrapped.record === value ? text : undefined);
      } catch (error) {
        result = { ok: false, reason: `could not be read: ${describeThrown(error)}` };
      }
      if (result.ok) out.push(result.item.kind === 'event' ? { ...result.item, position } : result.item);
      else {
        const id = source.recordId?.(unwrapped.record);
        out.push({ kind: 'reject', position, reason: result.reason, ...(id ? { recordId: id } : {}), excerpt: excerpt(text) });
      }
    } else if (unwrapped.kind === 'invalid') {
      out.push({ kind: 'reject', position, reason: unwrapped.reason, excerpt: excerpt(text) });
    } else if (!state.sawRecord) {
      // The file's first record is recognisably something else: refuse the file as a whole
      // rather than rejecting every record in it one by one.
      state.refused = true;
      out.push({ kind: 'refuseFile', reason: `not ${source.what}: this looks like ${unwrapped.looksLike}`, ...(unwrapped.hint ? { hint: unwrapped.hint } : {}) });
      break;
    } else {
      out.push({ kind: 'reject', position, reason: `not ${source.one}: this looks like ${unwrapped.looksLike}`, excerpt: excerpt(text) });
    }
  }
}
