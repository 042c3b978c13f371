import { unwrapCloudTrail } from './cloudtrail/container';
import { describeNonJson } from './common/describeText';
import { looksLikeGuardDuty } from './guardduty/container';
import { looksLikeOcsf } from './ocsf/classes';
import { JsonRecordScanner } from './read/jsonRecords';
import { MAX_NESTING, nestsDeeperThan } from './read/nesting';
import { isHeaderLine } from './vpcflow/fields';
import { isParquet } from './vpcflow/parquet';

export type SourceName = 'cloudtrail' | 'vpcflow' | 'guardduty' | 'ocsf';
/** The sources AWS writes under AWSLogs/<account>/<Service>/ in a log bucket. */
export type AwsLogsSource = Exclude<SourceName, 'ocsf'>;

export interface Detection {
  readonly source: SourceName | null;
  /** "a VPC flow log", "CloudTrail events", "a GuardDuty finding", or what else it is. */
  readonly looksLike: string;
}

const COMMAND_HINT: Record<SourceName, string> = {
  cloudtrail: 'use `trailhound ingest cloudtrail`',
  vpcflow: 'use `trailhound ingest vpcflow`',
  guardduty: 'use `trailhound ingest guardduty`',
  ocsf: 'use `trailhound ingest ocsf`',
};

/** Which source a file's first (decompressed) bytes belong to. */
export function detectSource(head: Buffer): Detection {
  // Flow logs and OCSF (Security Lake) come as Parquet; the columns, in the file's footer, tell
  // them apart (detectFileSource reads them); from the head alone, a flow log is the guess.
  if (isParquet(head)) return { source: 'vpcflow', looksLike: 'a VPC flow log in Parquet' };
  const text = head.toString('utf8', 0, Math.min(head.length, 4096)).replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('{') || text.startsWith('[')) return detectJson(head);
  const firstLine = text.split('\n', 1)[0]?.trim() ?? '';
  const tokens = firstLine.split(/\s+/);
  if (isHeaderLine(tokens) || /^\d+ (\d{6,14}|unknown|-) (eni-[0-9a-f]+|-) /.test(firstLine)) return { source: 'vpcflow', looksLike: 'a VPC flow log' };
  return { source: null, looksLike: describeNonJson(firstLine).looksLike };
}

function detectJson(head: Buffer): Detection {
  const scanner = new JsonRecordScanner();
  const first = scanner.push(head).find((item) => item.kind === 'record');
  if (!first || first.kind !== 'record') {
    // The first record is longer than the head: judge by the keys in sight.
    const text = head.toString('utf8');
    if (/"class_uid"/.test(text) && /"metadata"/.test(text)) return { source: 'ocsf', looksLike: 'OCSF records' };
    if (/"eventVersion"|"eventID"|"userIdentity"/.test(text)) return { source: 'cloudtrail', looksLike: 'CloudTrail events' };
    if (/"schemaVersion"[\s\S]*"severity"|"GuardDuty Finding"/i.test(text)) return { source: 'guardduty', looksLike: 'GuardDuty findings' };
    return { source: null, looksLike: 'JSON that is neither CloudTrail nor GuardDuty' };
  }
  let value: unknown;
  try {
    value = JSON.parse(first.record.text);
  } catch {
    return { source: null, looksLike: 'JSON whose first record does not parse' };
  }
  if (nestsDeeperThan(value)) return { source: null, looksLike: `JSON nested more than ${MAX_NESTING} levels deep` };
  if (looksLikeOcsf(value)) return { source: 'ocsf', looksLike: 'OCSF records' };
  if (looksLikeGuardDuty(value)) return { source: 'guardduty', looksLike: 'GuardDuty findings' };
  const [unwrapped] = unwrapCloudTrail(value);
  if (unwrapped?.kind === 'event') return { source: 'cloudtrail', looksLike: 'CloudTrail events' };
  return { source: null, looksLike: unwrapped?.kind === 'other' ? unwrapped.looksLike : 'JSON that is neither CloudTrail nor GuardDuty' };
}

/** For a reader refusing a file of another source: what it looks like, and which command reads it. */
export function describeForeignFile(head: Buffer, reader: SourceName): { looksLike: string; hint?: string } {
  const detection = detectSource(head);
  if (detection.source && detection.source !== reader) return { looksLike: detection.looksLike, hint: `${capitalise(COMMAND_HINT[detection.source])}.` };
  return { looksLike: detection.looksLike };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
