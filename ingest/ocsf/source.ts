import type { InputFile, LogSource, ParsedItem, ReadContext, ReadRecord } from '../pipeline/types';
import { readCloudTrailRecord } from '../cloudtrail/normalize';
import { readFindingRecord } from '../guardduty/normalize';
import { readJsonRecordFile, type JsonRecordSource, type UnwrappedRecord } from '../read/jsonRecordFile';
import { isParquet, UnreadableParquet } from '../vpcflow/parquet';
import { vpcFlowSource } from '../vpcflow/source';
import { FlowSpool } from './flowSpool';
import { ocsfFamily, describeOcsfClass } from './classes';
import { parquetAsJsonLines } from './parquetRecords';
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
  const records: JsonRecordSource = {
    what: 'OCSF',
    one: 'an OCSF record',
    unwrap: (value) => unwrapOcsf(value, flows),
    read: readOcsfRecord,
    recordId: (record) => text(record, 'metadata.uid') ?? text(record, 'finding_info.uid'),
  };
  try {
    try {
      for await (const items of readJsonRecordFile(records, jsonText(chunks))) {
        yield items;
        await flows.flush();
      }
    } catch (error) {
      if (!(error instanceof UnreadableParquet)) throw error;
      yield [{ kind: 'refuseFile', reason: `the Parquet data cannot be read: ${error.message}`, hint: 'Fetch a complete copy of the file.' }];
      return;
    }
    if (flows.lines > 0) yield* vpcFlowSource.read(file, flows.read(), context);
  } finally {
    await flows.dispose();
  }
}

/** The file's records as JSON text: Parquet decoded into JSON Lines, anything else as it is. */
async function* jsonText(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const iterator = chunks[Symbol.asyncIterator]();
  try {
    const first = await iterator.next();
    if (first.done) return;
    async function* all(): AsyncGenerator<Buffer> {
      yield first.value as Buffer;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    }
    if (isParquet(first.value as Buffer)) yield* parquetAsJsonLines(all());
    else yield* all();
  } finally {
    await iterator.return?.();
  }
}

/**
 * Sorts one OCSF record by class. Flows go to the spool here (they are read later as flow-log
 * lines, and counted then); events and findings go on to readOcsfRecord.
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
    yield { kind: 'invalid', reason: `${describeOcsfClass(record)} is not a class Trailhound reads (it reads CloudTrail's classes, Network Activity and Detection Findings)` };
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
