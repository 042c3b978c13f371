import type { InputFile, LogSource, ParsedItem, ReadContext, ReadRecord, RecordPosition } from '../pipeline/types';
import { readCloudTrailRecord } from '../cloudtrail/normalize';
import { readFindingRecord } from '../guardduty/normalize';
import { readJsonRecordFile, type JsonRecordSource, type UnwrappedRecord } from '../read/jsonRecordFile';
import { peek, withSpooledFile } from '../read/chunks';
import { excerpt } from '../read/jsonRecords';
import { describeThrown, nestsDeeperThan, TOO_DEEP } from '../read/nesting';
import { isParquet, UnreadableParquet } from '../vpcflow/parquet';
import { vpcFlowSource } from '../vpcflow/source';
import { ocsfFamily } from './classes';
import { unsupportedReason, type Converted } from './convert';
import { convertedParquet } from './converter';
import { FlowSpool } from './flowSpool';
import { parquetMemory, ranOutOfMemory, twice } from './parquetMemory';
import { cloudTrailFromOcsf } from './toCloudTrail';
import { findingFromOcsf } from './toFinding';
import { flowLineFromOcsf } from './toFlowLine';
import { text, type Json } from './values';

/**
 * OCSF records, as Amazon Security Lake stores them (Parquet under
 * aws/<SOURCE>/<version>/region=…/accountId=…/eventDay=…/) or as JSON Lines (Trailhound's own
 * OCSF export among them), in any mix of classes: CloudTrail's classes become the CloudTrail
 * events they were made from, Network Activity becomes flow-log lines, Detection Findings
 * become GuardDuty findings; each source's own reader then takes them, so duplicates, rejects,
 * the ledger and the graph work exactly as for the raw logs.
 */
export const ocsfSource: LogSource = {
  name: 'ocsf',
  title: 'OCSF (Security Lake)',
  recordNoun: 'records',
  takesFile: (path) => /\.(parquet|json|jsonl|ndjson)(\.gz)?$/i.test(path),
  read: readOcsfFile,
};

async function* readOcsfFile(file: InputFile, chunks: AsyncIterable<Buffer>, context: ReadContext): AsyncIterable<ParsedItem[]> {
  const flows = new FlowSpool();
  try {
    const { first, all } = await peek(chunks);
    if (first === null) return;
    if (isParquet(first)) {
      for await (const items of readParquetRecords(all, flows)) {
        yield items;
        if (items.some((item) => item.kind === 'refuseFile')) return;
        await flows.flush();
      }
    } else {
      const records: JsonRecordSource = {
        what: 'OCSF',
        one: 'an OCSF record',
        unwrap: (value) => unwrapOcsf(value, flows),
        read: readOcsfRecord,
        recordId: (record) => text(record, 'metadata.uid') ?? text(record, 'finding_info.uid'),
      };
      for await (const items of readJsonRecordFile(records, all)) {
        yield items;
        await flows.flush();
      }
    }
    if (flows.lines > 0) yield* vpcFlowSource.read(file, flows.read(), context);
  } finally {
    await flows.dispose();
  }
}

/**
 * Security Lake's Parquet: decoded and converted on a second thread (converter.ts) into the
 * CloudTrail events, findings and flow lines its records were made from, which this thread reads
 * as their sources do. A rejected record's "line" is its row number.
 */
async function* readParquetRecords(chunks: AsyncIterable<Buffer>, flows: FlowSpool): AsyncGenerator<ParsedItem[]> {
  let row = 0;
  let sawRecord = false;
  try {
    for await (const converted of withSpooledFile(chunks, 'records.parquet', convertedParquet)) {
      const items: ParsedItem[] = [];
      for (const c of converted) {
        row += 1;
        const position = { index: row, line: row, byteOffset: 0 };
        if (c.k === 'other') {
          // The file's first record is not OCSF at all: the file is refused as a whole.
          if (!sawRecord) {
            yield [{ kind: 'refuseFile', reason: `not OCSF: this looks like ${c.looksLike}` }];
            return;
          }
          items.push({ kind: 'reject', position, reason: `not an OCSF record: this looks like ${c.looksLike}` });
          continue;
        }
        sawRecord = true;
        if (c.k === 'flow') flows.add(c.line);
        else if (c.k === 'invalid') items.push({ kind: 'reject', position, reason: c.reason, excerpt: c.excerpt });
        else items.push(readConverted(c, position));
      }
      yield items;
    }
  } catch (error) {
    if (!(error instanceof UnreadableParquet)) throw error;
    if (ranOutOfMemory(error.message)) {
      // DuckDB's own advice that follows (SET threads...) is for its SQL users, not for ours.
      yield [
        {
          kind: 'refuseFile',
          reason: `DuckDB ran out of the ${parquetMemory()} it may use to decode the Parquet (${error.message.split('\n')[0]}); the file itself is probably whole`,
          hint: `Set TRAILHOUND_PARQUET_MEMORY higher (for example ${twice(parquetMemory())}) and ingest it again: what was loaded is not counted twice.`,
        },
      ];
      return;
    }
    yield [{ kind: 'refuseFile', reason: `the Parquet data cannot be read: ${error.message}`, hint: 'Fetch a complete copy of the file.' }];
  }
}

/** A converted event or finding, read by its source's reader; whatever that throws rejects this record alone. */
export function readConverted(c: Extract<Converted, { k: 'event' | 'finding' }>, position: RecordPosition): ParsedItem {
  let result: ReadRecord;
  try {
    result = c.k === 'finding' ? readFindingRecord(JSON.parse(c.text) as Json) : c.unchecked ? readUncheckedEvent(c.text) : readCloudTrailRecord(JSON.parse(c.text) as Json, c.stored ?? c.text, true);
  } catch (error) {
    result = { ok: false, reason: `could not be read: ${describeThrown(error)}` };
  }
  if (result.ok) return result.item.kind === 'event' ? { ...result.item, position } : result.item;
  return { kind: 'reject', position, reason: result.reason, excerpt: excerpt(c.text) };
}

/**
 * An event whose request or response data came as Security Lake wrote it (convertOcsfRow): it
 * is parsed here for the first time, so it gets the checks a raw event gets, and the store
 * keeps its text only after storedRecordText has looked for secrets and size.
 */
function readUncheckedEvent(text: string): ReadRecord {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `its request or response data is not strict JSON: ${describeThrown(error)}` };
  }
  if (nestsDeeperThan(event)) return { ok: false, reason: TOO_DEEP };
  return readCloudTrailRecord(event as Json, text, false);
}

/**
 * Sorts one OCSF record (JSON Lines) by class. Flows go to the spool here (they are read later
 * as flow-log lines, and counted then); events and findings go on to readOcsfRecord.
 */
function* unwrapOcsf(value: unknown, flows: FlowSpool): Iterable<UnwrappedRecord> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    yield { kind: 'invalid', reason: 'not a JSON object' };
    return;
  }
  const record = value as Json;
  const family = ocsfFamily(record);
  if (family === null) {
    yield { kind: 'other', looksLike: 'JSON without an OCSF class_uid', hint: 'OCSF records have class_uid and metadata.version; for raw logs, use `trailhound ingest` without a source.' };
    return;
  }
  if (family === 'flow') {
    const line = flowLineFromOcsf(record);
    if (line.ok) flows.add(line.line);
    else yield { kind: 'invalid', reason: line.reason };
    return;
  }
  if (family === 'unsupported') {
    yield { kind: 'invalid', reason: unsupportedReason(record) };
    return;
  }
  yield { kind: 'record', record };
}

function readOcsfRecord(record: Json): ReadRecord {
  if (ocsfFamily(record) === 'finding') {
    const finding = findingFromOcsf(record);
    return finding.ok ? readFindingRecord(finding.finding) : finding;
  }
  const event = cloudTrailFromOcsf(record);
  return event.ok ? readCloudTrailRecord(event.event) : event;
}
