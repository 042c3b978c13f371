import type { LogSource } from '../pipeline/types';
import { readJsonRecordFile, type JsonRecordSource, type UnwrappedRecord } from '../read/jsonRecordFile';
import { unwrapCloudTrail } from './container';
import { readCloudTrailRecord } from './normalize';

const events: JsonRecordSource = {
  what: 'CloudTrail',
  one: 'a CloudTrail event',
  unwrap: (value) => unwrapCloudTrail(value).map((u): UnwrappedRecord => (u.kind === 'event' ? { kind: 'record', record: u.event } : u)),
  read: readCloudTrailRecord,
  recordId: (event) => (typeof event.eventID === 'string' ? event.eventID.slice(0, 256) : undefined),
};

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
  read: (_file, chunks) => readJsonRecordFile(events, chunks),
};
