import { describeGzipError } from '../pipeline/openInput';
import type { InputFile, LogSource, ParsedItem, ReadContext } from '../pipeline/types';
import { LineSplitter } from '../read/lines';
import { excerpt } from '../read/jsonRecords';
import { describeForeignFile } from '../detect';
import { FlowAggregator } from './aggregate';
import { DEFAULT_FORMAT, isHeaderLine, parseFieldList } from './fields';
import { FlowLineParser } from './parseLine';

const MAX_LINE = 64 * 1024;

/**
 * VPC Flow Logs from files: the default version 2 format without a header, or any custom
 * format (fields of versions 3 to 8 in any order) named by its header line, as S3 delivers
 * them (.log / .log.gz under AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/). Each file is
 * aggregated whole and committed with its ledger entry.
 */
export const vpcFlowSource: LogSource = {
  name: 'vpcflow',
  title: 'VPC Flow Logs',
  recordNoun: 'flow records',
  takesFile: (path) => /\.(log|txt)(\.gz)?$/i.test(path) || /vpcflowlogs.*\.gz$/i.test(path),
  ledger: true,
  read: readVpcFlowFile,
};

async function* readVpcFlowFile(file: InputFile, chunks: AsyncIterable<Buffer>, context: ReadContext): AsyncIterable<ParsedItem[]> {
  const given = context.options.fields;
  let parser = given ? new FlowLineParser(parseFieldList(given)) : null;
  const aggregator = new FlowAggregator();
  const splitter = new LineSplitter();
  let valid = 0;
  let sawData = false;
  let head: Buffer | null = null; // the first chunk, to say what a foreign file is

  // Returns a refusal when the file turns out not to be a flow log at all.
  const handle = (line: { text: string; line: number; byteOffset: number }, out: ParsedItem[]): ParsedItem | null => {
    const text = line.text.trim();
    if (text === '') return null; // blank lines between header blocks
    const tokens = text.split(/\s+/);
    if (isHeaderLine(tokens)) {
      parser = new FlowLineParser(tokens); // a header (repeated or new) names the fields from here on
      return null;
    }
    if (!sawData && (text.startsWith('{') || text.startsWith('['))) {
      return refuse(describeForeignFile(head ?? Buffer.from(text), 'vpcflow'));
    }
    parser ??= new FlowLineParser(DEFAULT_FORMAT);
    const parsed = parser.parse(text);
    if (parsed.kind === 'invalid') {
      if (!sawData) {
        // The first data line decides whether this is a flow log at all.
        return refuse({
          looksLike: `text that does not parse as a flow log (line ${line.line}: ${parsed.reason})`,
          hint: given ? 'Check --fields against the file.' : 'A file without a header must be in the default version 2 format; for a custom format without a header, pass --fields "<field list>".',
        });
      }
      out.push({ kind: 'reject', position: { index: line.line, line: line.line, byteOffset: line.byteOffset }, reason: parsed.reason, excerpt: excerpt(text, 200) });
      return null;
    }
    sawData = true;
    valid += 1;
    if (parsed.kind === 'flow') aggregator.add(parsed.flow);
    return null;
  };

  try {
    for await (const chunk of chunks) {
      head ??= chunk;
      const out: ParsedItem[] = [];
      for (const line of splitter.push(chunk)) {
        const refusal = handle(line, out);
        if (refusal) {
          yield [refusal];
          return;
        }
      }
      if (splitter.pending > MAX_LINE) {
        yield [refuse({ looksLike: `a file with a line longer than ${MAX_LINE / 1024} KB, not a flow log` })];
        return;
      }
      if (out.length > 0) yield out;
    }
  } catch (error) {
    const reason = describeGzipError(error);
    if (!reason) throw error;
    // Flow records have no ids: loading part of the file would count it twice once a complete
    // copy is loaded. So nothing of it is loaded, and it stays out of the ledger.
    yield [{ kind: 'refuseFile', reason: `${reason.split(':')[0]}: nothing from this file was loaded`, hint: 'Fetch a complete copy of the file and ingest it again; nothing will be counted twice.' }];
    return;
  }
  const out: ParsedItem[] = [];
  for (const line of splitter.end()) {
    const refusal = handle(line, out);
    if (refusal) {
      yield [refusal];
      return;
    }
  }
  if (out.length > 0) yield out;
  yield [
    {
      kind: 'facts',
      facts: aggregator.toFacts({ contentHash: context.contentHash ?? `unhashed:${file.path}`, location: file.path, size: file.size, records: valid, ingestedAt: context.runStartedAt }),
    },
  ];
}

function refuse(what: { looksLike: string; hint?: string }): ParsedItem {
  return { kind: 'refuseFile', reason: `not a VPC flow log: this looks like ${what.looksLike}`, ...(what.hint ? { hint: what.hint } : {}) };
}
