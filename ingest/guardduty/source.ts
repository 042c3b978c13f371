import type { LogSource } from '../pipeline/types';
import { readJsonRecordFile, type JsonRecordSource, type UnwrappedRecord } from '../read/jsonRecordFile';
import { unwrapFindings } from './container';
import { readFindingRecord } from './normalize';

const findings: JsonRecordSource = {
  what: 'GuardDuty findings',
  one: 'a GuardDuty finding',
  unwrap: (value) => unwrapFindings(value).map((u): UnwrappedRecord => (u.kind === 'finding' ? { kind: 'record', record: u.finding } : u)),
  read: readFindingRecord,
};

/**
 * GuardDuty findings from files: bare findings, arrays and JSON Lines (the S3 export,
 * .jsonl.gz), EventBridge "GuardDuty Finding" events, and GetFindings output in either casing.
 */
export const guardDutySource: LogSource = {
  name: 'guardduty',
  title: 'GuardDuty',
  recordNoun: 'findings',
  takesFile: (path) => /\.(json|jsonl|ndjson)(\.gz)?$/i.test(path) || /\.gz$/i.test(path),
  read: (_file, chunks) => readJsonRecordFile(findings, chunks),
};
