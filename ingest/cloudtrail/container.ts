import { obj } from '../common/text';
import { MAX_NESTING, nestsDeeperThan } from '../read/nesting';

/**
 * What one JSON value found in a CloudTrail file turned out to be. CloudTrail reaches people in
 * many wrappings; this peels them off (S3's Records, EventBridge, SNS, SQS) down to the events.
 */
export type Unwrapped =
  | { readonly kind: 'event'; readonly event: Record<string, unknown> }
  | { readonly kind: 'invalid'; readonly reason: string }
  /** Recognisably something else: when it is a file's first record, the whole file is refused. */
  | { readonly kind: 'other'; readonly looksLike: string; readonly hint: string };

const CLOUDTRAIL_FIELDS = ['eventVersion', 'eventID', 'eventTime', 'eventName', 'eventSource', 'userIdentity'];

export function unwrapCloudTrail(value: unknown, depth = 0): Unwrapped[] {
  if (depth > 4) return [{ kind: 'invalid', reason: 'wrapped more than 4 levels deep' }];
  if (Array.isArray(value)) return value.flatMap((v) => unwrapCloudTrail(v, depth + 1));
  const record = obj(value);
  if (!record) return [{ kind: 'invalid', reason: `a JSON ${value === null ? 'null' : typeof value}, not an object` }];

  // {"Records": [...]} inside a message body, or a one-line file.
  if (Array.isArray(record.Records)) return record.Records.flatMap((v) => unwrapCloudTrail(v, depth + 1));

  // EventBridge: {"detail-type": "AWS API Call via CloudTrail", "detail": {...}}
  const detailType = record['detail-type'];
  if (typeof detailType === 'string' && 'detail' in record) {
    if (/via CloudTrail$/i.test(detailType)) return unwrapCloudTrail(record.detail, depth + 1);
    if (detailType === 'GuardDuty Finding') return [guardDuty('a GuardDuty finding in an EventBridge event')];
    return [other(`an EventBridge event of type "${detailType.slice(0, 80)}"`, 'Only CloudTrail events ("... via CloudTrail") belong here.')];
  }

  // SNS notification {"Type":"Notification","Message":"<json>"} and SQS {"Body":"<json>"}.
  const body = record.Type === 'Notification' ? record.Message : record.Body;
  if (typeof body === 'string') return unwrapBody(body, depth);
  if (Array.isArray(record.Messages)) {
    return record.Messages.flatMap((m) => {
      const b = obj(m)?.Body;
      return typeof b === 'string' ? unwrapBody(b, depth) : [{ kind: 'invalid' as const, reason: 'SQS message without a string Body' }];
    });
  }

  if (CLOUDTRAIL_FIELDS.some((field) => field in record)) return [{ kind: 'event', event: record }];

  if (typeof record.s3Bucket === 'string' && Array.isArray(record.s3ObjectKey)) {
    const n = record.s3ObjectKey.length;
    return [
      other(
        `a CloudTrail delivery notification naming ${n} log file${n === 1 ? '' : 's'} in s3://${record.s3Bucket.slice(0, 63)}/, not events`,
        'Ingest the log files it names (download them, or pass the s3:// prefix once S3 ingest is available).',
      ),
    ];
  }
  if (Array.isArray(record.Findings) || Array.isArray(record.findings)) return [guardDuty('GuardDuty GetFindings output')];
  if ('schemaVersion' in record && 'severity' in record && ('service' in record || 'resource' in record)) {
    return [guardDuty('a GuardDuty finding')];
  }
  if (record.Type === 'Notification' || 'MessageId' in record) {
    return [{ kind: 'invalid', reason: 'an SNS/SQS message without a Message or Body string' }];
  }
  const keys = Object.keys(record).slice(0, 8).map((k) => k.slice(0, 40));
  return [
    other(
      `JSON without CloudTrail fields (its first record has keys: ${keys.join(', ') || 'none'})`,
      'A CloudTrail event has eventVersion, eventID, eventTime, eventSource, eventName and userIdentity.',
    ),
  ];
}

function unwrapBody(body: string, depth: number): Unwrapped[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    return [{ kind: 'invalid', reason: `message body is not JSON: ${(error as Error).message}` }];
  }
  // The body was text when the record's depth was measured: measure what it holds too.
  if (nestsDeeperThan(parsed)) return [{ kind: 'invalid', reason: `message body nested more than ${MAX_NESTING} levels deep: not read any further` }];
  return unwrapCloudTrail(parsed, depth + 1);
}

function other(looksLike: string, hint: string): Unwrapped {
  return { kind: 'other', looksLike, hint };
}

function guardDuty(looksLike: string): Unwrapped {
  return other(looksLike, 'Load GuardDuty findings with `trailhound ingest guardduty`.');
}
