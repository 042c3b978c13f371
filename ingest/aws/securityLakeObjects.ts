import type { S3Client } from '@aws-sdk/client-s3';
import { TrailhoundError } from '../../graph/errors';
import type { InputFile } from '../pipeline/types';
import type { AwsOptions } from './awsClients';
import { LogBucket, type S3Location } from './bucket';

/**
 * The Security Lake sources Trailhound reads: CloudTrail management, S3 data and Lambda data
 * events, VPC flows and Security Hub findings. Route 53, EKS audit, WAF and custom sources are
 * listed by name only, so that the CLI can say what it left out.
 */
const READ_SOURCES: ReadonlySet<string> = new Set(['CLOUD_TRAIL_MGMT', 'S3_DATA', 'LAMBDA_EXECUTION', 'VPC_FLOW', 'SH_FINDINGS']);

/** Where a prefix sits in the Security Lake layout: the lake's `aws/` folder and the levels the prefix names. */
export interface LakeStart {
  /** The `aws/` folder with whatever comes before it: "aws/", "lake/aws/". */
  readonly root: string;
  readonly source?: string;
  readonly version?: string;
  readonly region?: string;
  readonly account?: string;
  /** YYYYMMDD, as the eventDay= folder names it (UTC). */
  readonly day?: string;
}

type LevelField = Exclude<keyof LakeStart, 'root'>;

interface Level {
  readonly field: LevelField;
  /** What comes before the value in the folder's name. */
  readonly key: string;
  readonly value: RegExp;
}

/** The folder levels under `aws/`, in order: each folder is `<key><value>`, e.g. `region=us-east-1`. */
const LEVELS: readonly Level[] = [
  { field: 'source', key: '', value: /^[A-Z][A-Z0-9_]*$/ },
  { field: 'version', key: '', value: /^\d+(?:\.\d+)*$/ },
  { field: 'region', key: 'region=', value: /^[a-z]{2}(?:-[a-z]+)+-\d+$/ },
  { field: 'account', key: 'accountId=', value: /^\d{12}$/ },
  { field: 'day', key: 'eventDay=', value: /^\d{8}$/ },
];

export interface LakeWalk extends AwsOptions {
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  /** Epoch ms: an eventDay= folder is kept when its UTC day overlaps [from, to]. */
  readonly from?: number;
  readonly to?: number;
}

const DAY_MS = 86_400_000;
/** Listings in flight at once: an organisation's lake has a folder per source, region, account and day. */
const LIST_CONCURRENCY = 8;

/** The value a folder name holds at a level (`region=us-east-1` -> `us-east-1`), or undefined when it is not that level's folder. */
function levelValue(level: Level, folder: string): string | undefined {
  if (!folder.startsWith(level.key)) return undefined;
  const value = folder.slice(level.key.length);
  return level.value.test(value) ? value : undefined;
}

/**
 * The Security Lake level a prefix names, or null when it is not a whole folder of the layout
 * `[<any prefix>/]aws/<SOURCE>/<version>/region=<region>/accountId=<account>/eventDay=<YYYYMMDD>/`:
 * "" and ".../aws/" are its root; ".../aws/VPC_FLOW/2.0/region=us-east-1/" names a source, a
 * version and a region. A partial name ("aws/VPC_F") is null: the caller reads whatever it matches.
 */
export function lakeLayoutStart(prefix: string): LakeStart | null {
  if (prefix === '') return { root: 'aws/' };
  const path = prefix === 'aws' || prefix.endsWith('/aws') ? `${prefix}/` : prefix;
  if (!path.endsWith('/')) return null;
  const folders = path.split('/').slice(0, -1);
  // A bucket may hold other folders called "aws" above the lake's: the first one the rest of
  // the prefix fits is the lake's root.
  for (let at = folders.indexOf('aws'); at >= 0; at = folders.indexOf('aws', at + 1)) {
    const named = placeOf(folders.slice(at + 1));
    if (named) return { root: `${folders.slice(0, at + 1).join('/')}/`, ...named };
  }
  return null;
}

/** The levels the folders below `aws/` name, or null when one is not its level's folder. */
function placeOf(folders: readonly string[]): Partial<Record<LevelField, string>> | null {
  if (folders.length > LEVELS.length) return null;
  const place: Partial<Record<LevelField, string>> = {};
  for (const [i, folder] of folders.entries()) {
    const level = LEVELS[i]!;
    const value = levelValue(level, folder);
    if (value === undefined) return null;
    place[level.field] = value;
  }
  return place;
}

/** True for a prefix at or below a Security Lake `aws/` folder (not for the bucket's root, which any layout shares). */
export function isSecurityLakePrefix(prefix: string): boolean {
  return prefix !== '' && lakeLayoutStart(prefix) !== null;
}

/**
 * The Security Lake objects Trailhound reads under s3://bucket/prefix, listed by walking the
 * layout one level at a time (sources, versions, regions, accounts, days) and pruning the
 * sources it does not read and the regions, accounts and days not asked for, so that only the
 * kept eventDay= folders have their objects listed. A prefix inside the layout starts the walk at
 * its level; under any other prefix every object is listed, and those whose key places them in
 * the layout are filtered the same way. `skippedSources` names the sources left out (custom
 * sources as `ext/<name>`).
 */
export async function listSecurityLake(location: S3Location, walk: LakeWalk): Promise<{ inputs: InputFile[]; client: S3Client; skippedSources: string[] }> {
  const bucket = await LogBucket.open(location, walk);

  const skipped = new Set<string>();
  /** Whether a folder's value at a level is read: a source Trailhound reads, a region, account and day asked for. */
  const wanted = (field: LevelField, value: string): boolean => {
    if (field === 'source') {
      if (!READ_SOURCES.has(value)) skipped.add(value);
      return READ_SOURCES.has(value);
    }
    if (field === 'region') return !walk.regions?.length || walk.regions.includes(value);
    if (field === 'account') return !walk.accounts?.length || walk.accounts.includes(value);
    if (field === 'day') {
      const dayStart = Date.UTC(Number(value.slice(0, 4)), Number(value.slice(4, 6)) - 1, Number(value.slice(6, 8)));
      return dayStart + DAY_MS > (walk.from ?? -Infinity) && dayStart <= (walk.to ?? Infinity);
    }
    return true;
  };

  const prefixes = (prefix: string) => bucket.folders(prefix);
  /** The objects under a prefix; `inDayFolder`: the walk found it, so they are Security Lake's. */
  const objects = async (prefix: string, inDayFolder: boolean): Promise<InputFile[]> => {
    const out: InputFile[] = [];
    for (const o of await bucket.objects(prefix)) {
      // Under a prefix outside the layout, a key in a day folder is filtered as the walk would
      // filter it; any other key is left to detection by its content.
      const place = inDayFolder ? null : lakeLayoutStart(o.key.slice(0, o.key.lastIndexOf('/') + 1));
      if (place?.day !== undefined && !LEVELS.every((level) => wanted(level.field, place[level.field]!))) continue;
      out.push(bucket.input(o, inDayFolder || place?.day !== undefined ? 'ocsf' : undefined));
    }
    return out;
  };

  let inputs: InputFile[];
  const start = lakeLayoutStart(location.prefix);
  if (start === null) {
    inputs = await objects(location.prefix, false);
  } else {
    // Custom sources sit beside aws/ in ext/<name>/: named as skipped, never listed further.
    if (start.source === undefined) {
      for (const custom of await prefixes(`${start.root.slice(0, -'aws/'.length)}ext/`)) skipped.add(`ext/${folderName(custom)}`);
    }
    // One level at a time: a level the prefix names is taken, not listed; every folder found
    // or named must be wanted (a prefix's own region, say, still meets --regions).
    let folders = [start.root];
    for (const level of LEVELS) {
      const named = start[level.field];
      const children = await inTurns(folders, async (parent) => (named === undefined ? prefixes(parent) : [`${parent}${level.key}${named}/`]));
      folders = children.flat().filter((folder) => {
        const value = levelValue(level, folderName(folder));
        return value !== undefined && wanted(level.field, value);
      });
    }
    inputs = (await inTurns(folders, (day) => objects(day, true))).flat();
  }

  if (inputs.length === 0) {
    bucket.client.destroy();
    const filtered = walk.accounts?.length || walk.regions?.length || walk.from !== undefined || walk.to !== undefined;
    throw new TrailhoundError(
      'S3_EMPTY',
      `No Security Lake objects Trailhound reads under s3://${location.bucket}/${location.prefix}${filtered ? ' for the accounts, regions and times asked' : ''}${skipped.size ? ` (sources skipped: ${[...skipped].sort().join(', ')})` : ''}.`,
      'Check the prefix (Security Lake writes under aws/<SOURCE>/<version>/region=<region>/accountId=<account>/eventDay=<YYYYMMDD>/) and the --accounts, --region and --since filters.',
    );
  }
  return { inputs, client: bucket.client, skippedSources: [...skipped].sort() };
}

/** The last folder of a prefix: `aws/VPC_FLOW/` -> `VPC_FLOW`. */
function folderName(prefix: string): string {
  return prefix.split('/').at(-2) ?? '';
}

/** `task` over every item, a few at a time, results in the items' order. */
async function inTurns<T, R>(items: readonly T[], task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LIST_CONCURRENCY, items.length) }, worker));
  return results;
}
