import { createHash } from 'node:crypto';
import { describeGzipError } from '../pipeline/openInput';
import { FLOW_PART_SIZE } from '../pipeline/windowFull';
import type { InputFile, LogSource, ParsedItem, ReadContext } from '../pipeline/types';
import { LineSplitter } from '../read/lines';
import { excerpt } from '../read/jsonRecords';
import { describeThrown } from '../read/nesting';
import { describeForeignFile } from '../detect';
import { FlowAggregator, flowRecordRow } from './aggregate';
import { DEFAULT_FORMAT, isHeaderLine, parseFieldList } from './fields';
import { FlowLineParser, newFlowScratch } from './parseLine';
import { flowLogText, UnreadableParquet } from './parquet';

const MAX_LINE = 64 * 1024;

/** Bad lines in a row, before any good one, that make a file "not a flow log" rather than a flow log with broken records. */
const EARLY_BAD_LINES = 5;

/**
 * VPC Flow Logs from files: the default version 2 format without a header, or any custom
 * format (fields of versions 3 to 8 in any order) named by its header line, as S3 delivers
 * them (.log / .log.gz under AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/). A file is
 * aggregated in parts of FLOW_PART_SIZE aggregates; each part has a ledger entry keyed by the hash
 * of its lines, committed with its records (so a rerun after a crash, or a complete copy of a
 * truncated file, skips the parts already in), and the finished file gets its own entry.
 */
export const vpcFlowSource: LogSource = {
  name: 'vpcflow',
  title: 'VPC Flow Logs',
  recordNoun: 'flow records',
  takesFile: (path) => /\.(log|txt)(\.gz)?$/i.test(path) || /\.parquet$/i.test(path) || /vpcflowlogs.*\.gz$/i.test(path),
  ledger: true,
  read: readVpcFlowFile,
};

async function* readVpcFlowFile(file: InputFile, chunks: AsyncIterable<Buffer>, context: ReadContext): AsyncIterable<ParsedItem[]> {
  const given = context.options.fields;
  let parser = given ? new FlowLineParser(parseFieldList(given)) : null;
  const aggregator = new FlowAggregator();
  const splitter = new LineSplitter();
  const flow = newFlowScratch();
  let valid = 0;
  let partHash = createHash('sha256');
  let partRecords = 0;
  let partFirstLine = 1;
  let sawData = false;
  let head: Buffer | null = null; // the first chunk, to say what a foreign file is
  let refusal: ParsedItem | null = null;
  let out: ParsedItem[] = [];
  let lastLine = 0;
  const early: (ParsedItem & { kind: 'reject' })[] = [];
  const notAFlowLog = (first: ParsedItem & { kind: 'reject' }): ParsedItem =>
    refuse({
      looksLike: `text that does not parse as a flow log (line ${first.position.line}: ${first.reason})`,
      hint: given ? 'Check --fields against the file.' : 'A file without a header must be in the default version 2 format; for a custom format without a header, pass --fields "<field list>".',
    });

  // A line can only ever reject itself: whatever reading it throws (a bug some input reaches)
  // rejects that line, and the next one is read.
  const onLine = (line: string, number: number, byteOffset: number): void => {
    try {
      readLine(line, number, byteOffset);
    } catch (error) {
      out.push({ kind: 'reject', position: { index: number, line: number, byteOffset }, reason: `could not be read: ${describeThrown(error)}`, excerpt: excerpt(line.trim(), 200) });
    }
    // Outside the guard: a part is the file's, not the line's.
    // Parts end at a line decided by the lines alone (never by how the input was chunked), so
    // the same lines always make the same parts.
    if (!refusal && aggregator.size >= FLOW_PART_SIZE) drainPart();
  };

  const readLine = (line: string, number: number, byteOffset: number): void => {
    if (refusal) return;
    lastLine = number;
    const first = line.charCodeAt(0);
    const isData = first >= 48 && first <= 57; // data lines start with the version number
    if (!isData) {
      const text = line.trim();
      if (text === '') return; // blank lines between header blocks
      const tokens = text.split(/\s+/);
      if (isHeaderLine(tokens)) {
        parser = new FlowLineParser(tokens); // a header (repeated or new) names the fields from here on
        partHash.update(`#${tokens.join(' ')}\n`);
        return;
      }
      if (!sawData && (text.startsWith('{') || text.startsWith('['))) {
        refusal = refuse(describeForeignFile(head ?? Buffer.from(text), 'vpcflow'));
        return;
      }
    }
    parser ??= new FlowLineParser(DEFAULT_FORMAT);
    const outcome = parser.parseInto(line, flow);
    if (outcome === 'invalid') {
      const reject: ParsedItem = { kind: 'reject', position: { index: number, line: number, byteOffset }, reason: parser.lastReason, excerpt: excerpt(line.trim(), 200) };
      if (sawData) {
        out.push(reject);
        return;
      }
      // Before any good line, a bad one may be one broken record or a file that is not a flow
      // log at all: the next lines decide. Bad lines are held until a good one (they are then
      // rejected one by one, and the file loads) or until too many in a row (the file is refused).
      early.push(reject);
      if (early.length >= EARLY_BAD_LINES) refusal = notAFlowLog(early[0]!);
      return;
    }
    // The record's row and aggregate first: should either throw, the line is not counted twice.
    const row = outcome === 'flow' ? flowRecordRow(flow) : null;
    if (row) aggregator.add(flow);
    if (!sawData) {
      out.push(...early);
      early.length = 0;
    }
    sawData = true;
    valid += 1;
    partRecords += 1;
    partHash.update(line);
    partHash.update('\n');
    if (row) out.push({ kind: 'flowRecord', row });
  };

  const drainPart = () => {
    out.push({
      kind: 'flowPart',
      part: aggregator.drain({ partHash: partHash.digest('hex'), location: `${file.path} lines ${partFirstLine}-${lastLine}`, records: partRecords, ingestedAt: context.runStartedAt }),
    });
    partHash = createHash('sha256');
    // The next part starts with the current format, so that its hash says how its lines read.
    partHash.update(`#${(parser?.fields ?? DEFAULT_FORMAT).join(' ')}\n`);
    partRecords = 0;
    partFirstLine = lastLine + 1;
  };

  try {
    for await (const chunk of flowLogText(chunks)) {
      head ??= chunk;
      splitter.push(chunk, onLine);
      if (refusal) {
        yield [refusal];
        return;
      }
      if (splitter.pending > MAX_LINE) {
        yield [refuse({ looksLike: `a file with a line longer than ${MAX_LINE / 1024} KB, not a flow log` })];
        return;
      }
      if (out.length > 0) {
        yield out;
        out = [];
      }
    }
  } catch (error) {
    if (error instanceof UnreadableParquet) {
      yield [{ kind: 'refuseFile', reason: `the Parquet data cannot be read: ${error.message}`, hint: 'Fetch a complete copy of the file; Trailhound reads Parquet with GZIP or Snappy compression.' }];
      return;
    }
    const reason = describeGzipError(error);
    if (!reason) throw error;
    // The lines since the last complete part are not loaded: their part's hash would differ from
    // the same part of a complete copy, which would then count them twice.
    const loaded = valid - partRecords;
    yield [
      {
        kind: 'refuseFile',
        reason: `the gzip data ends early (truncated file): ${loaded > 0 ? `the first ${loaded} records were loaded, ` : 'nothing was loaded, '}the rest is missing`,
        hint: 'Fetch a complete copy of the file and ingest it: what was loaded is recognised, nothing is counted twice.',
      },
    ];
    return;
  }
  splitter.end(onLine);
  // Nothing but bad lines (fewer than EARLY_BAD_LINES): not a flow log.
  if (!refusal && !sawData && early.length > 0) refusal = notAFlowLog(early[0]!);
  if (refusal) {
    yield [refusal];
    return;
  }
  if (partRecords > 0 || valid === 0) drainPart();
  yield out;
}

function refuse(what: { looksLike: string; hint?: string }): ParsedItem {
  return { kind: 'refuseFile', reason: `not a VPC flow log: this looks like ${what.looksLike}`, ...(what.hint ? { hint: what.hint } : {}) };
}
