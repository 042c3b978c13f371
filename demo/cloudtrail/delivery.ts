import { writeStreamed } from '../writeFile';
import type { CloudTrailRecord } from './events';

/** CloudTrail's S3 delivery format: one `{"Records":[...]}` object per file. */
export function* recordsContainer(records: Iterable<CloudTrailRecord>): Generator<string> {
  yield '{"Records":[';
  let first = true;
  for (const record of records) {
    yield first ? JSON.stringify(record) : `,${JSON.stringify(record)}`;
    first = false;
  }
  yield ']}\n';
}

export function writeCloudTrailFile(path: string, records: Iterable<CloudTrailRecord>, gzip = path.endsWith('.gz')): Promise<number> {
  return writeStreamed(path, recordsContainer(records), { gzip });
}

/** The S3 key CloudTrail uses for a delivery: AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>. */
export function cloudTrailObjectKey(account: string, region: string, time: number, unique: string): string {
  const d = new Date(time);
  const yyyy = d.getUTCFullYear();
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  const stamp = `${yyyy}${mm}${dd}T${String(d.getUTCHours()).padStart(2, '0')}${String(d.getUTCMinutes()).padStart(2, '0')}Z`;
  return `AWSLogs/${account}/CloudTrail/${region}/${yyyy}/${mm}/${dd}/${account}_CloudTrail_${region}_${stamp}_${unique}.json.gz`;
}
