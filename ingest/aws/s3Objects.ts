import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { TrailhoundError } from '../../graph/errors';
import type { SourceName } from '../detect';
import type { InputFile } from '../pipeline/types';
import { clientConfig, describeAwsError, type AwsOptions } from './awsClients';

/** The AWSLogs service folder of each source. */
const SERVICE_FOLDER: Record<SourceName, string> = { cloudtrail: 'CloudTrail', vpcflow: 'vpcflowlogs', guardduty: 'GuardDuty' };

export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) throw new TrailhoundError('BAD_PATH', `"${url.slice(0, 200)}" is not an S3 location.`, 'Write it as s3://bucket/prefix, e.g. s3://my-trail-bucket/AWSLogs/');
  return { bucket: match[1]!, prefix: match[2] ?? '' };
}

export interface S3Walk extends AwsOptions {
  /** The sources to read (their AWSLogs folders); all three when detecting. */
  readonly sources: readonly SourceName[];
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  readonly from?: number;
  readonly to?: number;
}

/**
 * The log objects under s3://bucket/prefix, listed by walking the AWSLogs layout
 * (AWSLogs/[o-org/]<account>/<Service>/<region>/YYYY/MM/DD/) and pruning accounts, services,
 * regions and days that are not wanted, instead of listing every object of the bucket. Under
 * a prefix that is not that layout, every object is listed. Each object carries its ledger key
 * (bucket, key and ETag: a rewritten object is read again) and how to stream it.
 */
export async function listS3Logs(location: S3Location, walk: S3Walk): Promise<{ inputs: InputFile[]; client: S3Client }> {
  // A bucket in another region answers with a redirect the client follows.
  const client = new S3Client({ ...clientConfig(walk), forcePathStyle: Boolean(walk.endpointUrl), followRegionRedirects: true });
  const inputs: InputFile[] = [];
  const call = async <T>(what: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'NoSuchBucket') throw new TrailhoundError('S3_NO_BUCKET', `Bucket ${location.bucket} does not exist (or is not visible to these credentials).`, 'Check the bucket name and the account of the credentials.');
      if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed') {
        throw new TrailhoundError('S3_WRONG_REGION', `Bucket ${location.bucket} is in another region than ${walk.region}.`, 'Pass that region with --region (the bucket\'s, e.g. from `aws s3api get-bucket-location`).');
      }
      throw describeAwsError(error, `S3 ${what} on ${location.bucket}`);
    }
  };

  const prefixes = async (prefix: string): Promise<string[]> => {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await call('ListObjectsV2', () => client.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: prefix, Delimiter: '/', ...(token ? { ContinuationToken: token } : {}) })));
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  };
  const objects = async (prefix: string, source: SourceName | undefined) => {
    let token: string | undefined;
    do {
      const page = await call('ListObjectsV2', () => client.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) })));
      for (const o of page.Contents ?? []) {
        if (!o.Key || o.Key.endsWith('/') || /CloudTrail-Digest\//.test(o.Key)) continue;
        const key = o.Key;
        inputs.push({
          path: `s3://${location.bucket}/${key}`,
          size: o.Size ?? 0,
          ledgerKey: `s3:${location.bucket}/${key}#${(o.ETag ?? '').replace(/"/g, '')}`,
          ...(source ? { sourceHint: source } : {}),
          open: async () => {
            const got = await call('GetObject', () => client.send(new GetObjectCommand({ Bucket: location.bucket, Key: key })));
            return got.Body as Readable;
          },
        });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  };

  // s3://bucket, s3://bucket/AWSLogs or s3://bucket/<path>/AWSLogs/: walk the layout, pruning.
  // Any other prefix (one account's folder, one day, a non-AWS layout): everything under it.
  const start = location.prefix;
  const at = start.indexOf('AWSLogs');
  const layoutRoot = start === '' ? 'AWSLogs/' : at >= 0 && /^AWSLogs\/?$/.test(start.slice(at)) ? `${start.slice(0, at)}AWSLogs/` : null;
  if (layoutRoot === null) {
    await objects(start, undefined);
  } else {
    for (const owner of await prefixes(layoutRoot)) {
      // Organization trails add a level: AWSLogs/o-xxxx/<account>/...
      const accounts = /\/o-[a-z0-9]+\/$/.test(owner) ? await prefixes(owner) : [owner];
      for (const accountPrefix of accounts) {
        const account = accountPrefix.split('/').at(-2)!;
        if (walk.accounts?.length && !walk.accounts.includes(account)) continue;
        for (const source of walk.sources) {
          for (const regionPrefix of await prefixes(`${accountPrefix}${SERVICE_FOLDER[source]}/`)) {
            const region = regionPrefix.split('/').at(-2)!;
            if (walk.regions?.length && !walk.regions.includes(region)) continue;
            for (const day of await days(regionPrefix, prefixes, walk.from, walk.to)) await objects(day, source);
          }
        }
      }
    }
  }
  if (inputs.length === 0) {
    throw new TrailhoundError(
      'S3_EMPTY',
      `No log objects under s3://${location.bucket}/${start}${walk.accounts?.length || walk.regions?.length || walk.from !== undefined ? ' for the accounts, regions and times asked' : ''}.`,
      'Check the prefix (CloudTrail writes under AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/) and the --accounts, --region and --since filters.',
    );
  }
  return { inputs, client };
}

/** The YYYY/MM/DD/ prefixes under a region that overlap [from, to]: years and months pruned first. */
async function days(regionPrefix: string, prefixes: (p: string) => Promise<string[]>, from = -Infinity, to = Infinity): Promise<string[]> {
  const dayStart = (y: number, m = 1, d = 1) => Date.UTC(y, m - 1, d);
  const out: string[] = [];
  for (const yearPrefix of await prefixes(regionPrefix)) {
    const year = Number(yearPrefix.split('/').at(-2));
    if (!Number.isInteger(year) || dayStart(year + 1) <= from || dayStart(year) > to) continue;
    for (const monthPrefix of await prefixes(yearPrefix)) {
      const month = Number(monthPrefix.split('/').at(-2));
      if (!Number.isInteger(month) || dayStart(year, month + 1) <= from || dayStart(year, month) > to) continue;
      for (const dayPrefix of await prefixes(monthPrefix)) {
        const day = Number(dayPrefix.split('/').at(-2));
        if (!Number.isInteger(day) || dayStart(year, month, day + 1) <= from || dayStart(year, month, day) > to) continue;
        out.push(dayPrefix);
      }
    }
  }
  return out;
}
