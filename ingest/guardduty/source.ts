import { describeNonJson } from '../common/describeText';
import { describeGzipError } from '../pipeline/openInput';
import type { InputFile, LogSource, ParsedItem } from '../pipeline/types';
import { excerpt, JsonRecordScanner, type ScanItem } from '../read/jsonRecords';
import { unwrapFindings } from './container';
import { normalizeFinding } from './normalize';

/**
 * GuardDuty findings from files: bare findings, arrays and JSON Lines (the S3 export,
 * .jsonl.gz), EventBridge "GuardDuty Finding" events, and GetFindings output in either casing.
 */
export const guardDutySource: LogSource = {
  name: 'guardduty',
  title: 'GuardDuty',
  recordNoun: 'findings',
  takesFile: (path) => /\.(json|jsonl|ndjson)(\.gz)?$/i.test(path) || /\.gz$/i.test(path),
  read: readGuardDutyFile,
};

async function* readGuardDutyFile(_file: InputFile, chunks: AsyncIterable<Buffer>): AsyncIterable<ParsedItem[]> {
  const scanner = new JsonRecordScanner();
  const state = { sawFinding: false, refused: false };
  try {
    for await (const chunk of chunks) {
      const items = toParsed(scanner.push(chunk), state);
      if (items.length > 0) yield items;
      if (state.refused) return;
      const notJson = scanner.notJsonInput;
      if (notJson) {
        const { looksLike, hint } = describeNonJson(notJson.firstLine);
        yield [{ kind: 'refuseFile', reason: `not GuardDuty findings: this looks like ${looksLike}`, ...(hint ? { hint } : {}) }];
        return;
      }
    }
  } catch (error) {
    const reason = describeGzipError(error);
    if (!reason) throw error;
    // Findings carry ids: what was read is loaded, and a complete copy later adds the rest.
    yield [{ kind: 'reject', position: { index: 0, line: 0, byteOffset: -1 }, reason }];
    return;
  }
  const tail = toParsed(scanner.end(), state);
  if (tail.length > 0) yield tail;
}

function toParsed(scanned: ScanItem[], state: { sawFinding: boolean; refused: boolean }): ParsedItem[] {
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
    for (const unwrapped of unwrapFindings(value)) {
      if (unwrapped.kind === 'finding') {
        state.sawFinding = true;
        const result = normalizeFinding(unwrapped.finding);
        if (result.ok) out.push({ kind: 'facts', facts: result.facts });
        else out.push({ kind: 'reject', position, reason: result.reason, excerpt: excerpt(text) });
      } else if (unwrapped.kind === 'invalid') {
        out.push({ kind: 'reject', position, reason: unwrapped.reason, excerpt: excerpt(text) });
      } else if (!state.sawFinding) {
        state.refused = true;
        out.push({ kind: 'refuseFile', reason: `not GuardDuty findings: this looks like ${unwrapped.looksLike}`, ...(unwrapped.hint ? { hint: unwrapped.hint } : {}) });
        break;
      } else {
        out.push({ kind: 'reject', position, reason: `not a GuardDuty finding: this looks like ${unwrapped.looksLike}`, excerpt: excerpt(text) });
      }
    }
  }
  return out;
}
