import type { S3Client } from '@aws-sdk/client-s3';
import { TrailhoundError } from '../../graph/errors';
import type { AwsLogsSource } from '../detect';
import type { InputFile } from '../pipeline/types';
import type { AwsOptions } from './awsClients';
import { LogBucket, type S3Location } from './bucket';

/** The AWSLogs service folder of each source. */
const SERVICE_FOLDER: Record<AwsLogsSource, string> = { cloudtrail: 'CloudTrail', vpcflow: 'vpcflowlogs', guardduty: 'GuardDuty' };

export type { S3Location };

export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) throw new TrailhoundError('BAD_PATH', `"${url.slice(0, 200)}" is not an S3 location.`, 'Write it as s3://bucket/prefix, e.g. s3://my-trail-bucket/AWSLogs/');
  return { bucket: match[1]!, prefix: match[2] ?? '' };
}

export interface S3Walk extends AwsOptions {
  /** The sources to read (their AWSLogs folders); all three when detecting. */
  readonly sources: readonly AwsLogsSource[];
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  readonly from?: number;
  readonly to?: number;
}

/**
 * The log objects under s3://bucket/prefix, listed by walking the AWSLogs layout
 * (AWSLogs/[o-org/]<account>/<Service>/<region>/YYYY/MM/DD/) and pruning accounts, services,
 * regions and days that are not wanted, instead of listing every object of the bucket. A
 * prefix inside the layout starts the walk at its level; under any other prefix every object
 * is listed. Each object carries its ledger key
 * (bucket, key and ETag: a rewritten object is read again) and how to stream it.
 */
export async function listS3Logs(location: S3Location, walk: S3Walk): Promise<{ inputs: InputFile[]; client: S3Client }> {
  const bucket = await LogBucket.open(location, walk);
  const inputs: InputFile[] = [];
  const prefixes = (prefix: string) => bucket.folders(prefix);
  const objects = async (prefix: string, source: AwsLogsSource | undefined) => {
    for (const o of await bucket.objects(prefix)) if (!/CloudTrail-Digest\//.test(o.key)) inputs.push(bucket.input(o, source));
  };

  // A prefix inside the AWSLogs layout (the bucket, AWSLogs/, one account's or service's or
  // region's folder, a year, a month, a day) is walked from its level, pruning below it; any
  // other prefix (a non-AWS layout, a partial folder name) is read whole.
  const start = location.prefix;
  const layout = layoutStart(start);
  if (layout === null) {
    await objects(start, undefined);
  } else {
    const orgPrefix = layout.org ? `${layout.root}${layout.org}/` : null;
    let accountPrefixes: string[];
    if (layout.account) accountPrefixes = [`${orgPrefix ?? layout.root}${layout.account}/`];
    else if (orgPrefix) accountPrefixes = await prefixes(orgPrefix);
    else {
      accountPrefixes = [];
      // Organization trails add a level: AWSLogs/o-xxxx/<account>/...
      for (const owner of await prefixes(layout.root)) accountPrefixes.push(...(/\/o-[a-z0-9]+\/$/.test(owner) ? await prefixes(owner) : [owner]));
    }
    for (const accountPrefix of accountPrefixes) {
      const account = accountPrefix.split('/').at(-2)!;
      if (walk.accounts?.length && !walk.accounts.includes(account)) continue;
      for (const source of walk.sources) {
        const serviceFolder = `${accountPrefix}${SERVICE_FOLDER[source]}/`;
        if (layout.service && layout.service !== SERVICE_FOLDER[source]) continue;
        for (const regionPrefix of layout.region ? [`${serviceFolder}${layout.region}/`] : await prefixes(serviceFolder)) {
          const region = regionPrefix.split('/').at(-2)!;
          if (walk.regions?.length && !walk.regions.includes(region)) continue;
          for (const day of await days(regionPrefix, prefixes, walk.from, walk.to, layout.date)) await objects(day, source);
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
  return { inputs, client: bucket.client };
}

/** Where a prefix sits in the AWSLogs layout: the layout's root and the levels the prefix names. */
interface LayoutStart {
  readonly root: string;
  readonly org?: string;
  readonly account?: string;
  readonly service?: string;
  readonly region?: string;
  /** Year, month and day folders the prefix names (none, some or all). */
  readonly date: readonly string[];
}

/**
 * The AWSLogs level a prefix names, or null when it is not a whole folder of that layout:
 * "" and ".../AWSLogs/" are its root; ".../AWSLogs/111122223333/CloudTrail/us-east-1/2026/"
 * names an account, a service, a region and a year.
 */
export function layoutStart(prefix: string): LayoutStart | null {
  if (prefix === '') return { root: 'AWSLogs/', date: [] };
  const path = prefix.endsWith('AWSLogs') ? `${prefix}/` : prefix;
  const at = path.indexOf('AWSLogs/');
  if (at < 0 || (at > 0 && path[at - 1] !== '/')) return null;
  const rest = path.slice(at + 'AWSLogs/'.length);
  // A partial name (".../AWSLogs/1111") is no folder of the layout: read whatever it matches.
  if (rest !== '' && !rest.endsWith('/')) return null;
  const parts = rest.split('/').filter(Boolean);
  const org = parts[0]?.startsWith('o-') ? parts.shift() : undefined;
  const [account, service, region, ...date] = parts;
  if (date.length > 3 || (account !== undefined && !/^\d{12}$/.test(account))) return null;
  if (service !== undefined && !Object.values(SERVICE_FOLDER).includes(service)) return null;
  if (date.some((part) => !/^\d{2,4}$/.test(part))) return null;
  return { root: path.slice(0, at + 'AWSLogs/'.length), ...(org ? { org } : {}), ...(account ? { account } : {}), ...(service ? { service } : {}), ...(region ? { region } : {}), date };
}

/**
 * The YYYY/MM/DD/ prefixes under a region that overlap [from, to]: years and months pruned
 * first; the levels `fixed` names (a prefix's year, month, day) are taken, not listed.
 */
async function days(regionPrefix: string, prefixes: (p: string) => Promise<string[]>, from = -Infinity, to = Infinity, fixed: readonly string[] = []): Promise<string[]> {
  const dayStart = (y: number, m = 1, d = 1) => Date.UTC(y, m - 1, d);
  const level = async (parent: string, name: string | undefined) => (name === undefined ? prefixes(parent) : [`${parent}${name}/`]);
  const out: string[] = [];
  for (const yearPrefix of await level(regionPrefix, fixed[0])) {
    const year = Number(yearPrefix.split('/').at(-2));
    if (!Number.isInteger(year) || dayStart(year + 1) <= from || dayStart(year) > to) continue;
    for (const monthPrefix of await level(yearPrefix, fixed[1])) {
      const month = Number(monthPrefix.split('/').at(-2));
      if (!Number.isInteger(month) || dayStart(year, month + 1) <= from || dayStart(year, month) > to) continue;
      for (const dayPrefix of await level(monthPrefix, fixed[2])) {
        const day = Number(dayPrefix.split('/').at(-2));
        if (!Number.isInteger(day) || dayStart(year, month, day + 1) <= from || dayStart(year, month, day) > to) continue;
        out.push(dayPrefix);
      }
    }
  }
  return out;
}
