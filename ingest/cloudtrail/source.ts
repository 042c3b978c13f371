import { describeNonJson } from '../common/describeText';
import { describeGzipError } from '../pipeline/openInput';
import type { InputFile, LogSource, ParsedItem } from '../pipeline/types';
import { excerpt, JsonRecordScanner, type ScanItem } from '../read/jsonRecords';
import { unwrapCloudTrail } from './container';
import { normalizeCloudTrailEvent } from './normalize';

/**
 * CloudTrail from files: S3 deliveries (`{"Records":[...]}`, usually .json.gz under
 * AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/), bare arrays, JSON Lines, EventBridge
 * events and SNS/SQS message bodies, detected per file.
 */
export const cloudTrailSource: LogSource = {
  name: 'cloudtrail',
  title: 'CloudTrail',
  recordNoun: 'events',
  takesFile: (path) => /\.(json|jsonl|ndjson)(\.gz)?$/i.test(path) || /\.gz$/i.test(path),
  // Digest files prove log integrity; they hold no events.
  skipsDirectory: (path) => /(^|[/\\])CloudTrail-Digest$/.test(path),
  read: readCloudTrailFile,
};

async function* readCloudTrailFile(file: InputFile, chunks: AsyncIterable<Buffer>): AsyncIterable<ParsedItem[]> {
  const scanner = new JsonRecordScanner();
  const state = { sawEvent: false, refused: false };
  try {
    for await (const chunk of chunks) {
      const items = toParsed(scanner.push(chunk), state);
      if (items.length > 0) yield items;
      if (state.refused) return;
      const notJson = scanner.notJsonInput;
      if (notJson) {
        const { looksLike, hint } = describeNonJson(notJson.firstLine);
        yield [{ kind: 'refuseFile', reason: `not CloudTrail: this looks like ${looksLike}`, ...(hint ? { hint } : {}) }];
        return;
      }
    }
  } catch (error) {
    const reason = describeGzipError(error);
    if (!reason) throw error;
    yield [{ kind: 'reject', position: { index: 0, line: 0, byteOffset: -1 }, reason }];
    return;
  }
  const tail = toParsed(scanner.end(), state);
  // An empty file, or `{"Records": []}`, yields nothing: nothing to load, nothing wrong.
  if (tail.length > 0) yield tail;
}

function toParsed(scanned: ScanItem[], state: { sawEvent: boolean; refused: boolean }): ParsedItem[] {
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
    for (const unwrapped of unwrapCloudTrail(value)) {
      if (unwrapped.kind === 'event') {
        state.sawEvent = true;
        const result = normalizeCloudTrailEvent(unwrapped.event);
        if (result.ok) out.push({ kind: 'facts', facts: result.facts });
        else {
          const id = typeof unwrapped.event.eventID === 'string' ? unwrapped.event.eventID.slice(0, 256) : undefined;
          out.push({ kind: 'reject', position, reason: result.reason, ...(id ? { recordId: id } : {}), excerpt: excerpt(text) });
        }
      } else if (unwrapped.kind === 'invalid') {
        out.push({ kind: 'reject', position, reason: unwrapped.reason, excerpt: excerpt(text) });
      } else if (!state.sawEvent) {
        // The file's first record is recognisably something else: refuse the file as a whole
        // rather than rejecting every record in it one by one.
        state.refused = true;
        out.push({ kind: 'refuseFile', reason: `not CloudTrail: this looks like ${unwrapped.looksLike}`, hint: unwrapped.hint });
        break;
      } else {
        out.push({ kind: 'reject', position, reason: `not a CloudTrail event: this looks like ${unwrapped.looksLike}`, excerpt: excerpt(text) });
      }
    }
  }
  return out;
}
