import { Option, type Command } from 'commander';
import { TrailhoundError } from '../../graph/errors';
import { defaultRegion, listOption, regionsOption } from '../../ingest/aws/awsClients';
import { listS3Logs, parseS3Url, type S3Location } from '../../ingest/aws/s3Objects';
import { isSecurityLakePrefix, listSecurityLake } from '../../ingest/aws/securityLakeObjects';
import { parseTimeArg } from '../../ingest/aws/timeArgs';
import type { AwsLogsSource, SourceName } from '../../ingest/detect';
import type { InputFile } from '../../ingest/pipeline/types';

export interface S3Flags {
  accounts?: string;
  region?: string;
  regions?: string;
  since?: string;
  until?: string;
  profile?: string;
  endpointUrl?: string;
}

/** The AWS options every ingest command takes: for s3:// locations, and for API pulls. */
export function withAwsOptions(command: Command): Command {
  return command
    .option('--region <regions>', 'AWS region(s), comma-separated: the regions to pull (--lookup, --api); with s3://, the region folders to read (default: the AWS configuration\'s region for pulls, every region folder for s3://)')
    .option('--regions <regions>', 'the same as --region')
    .option('--accounts <ids>', 'with s3://: only these accounts\' folders (comma-separated)')
    .option('--since <time>', 'from when: 30m, 12h, 2d or an ISO time (with s3://: days from then); "last" continues the previous pull (--lookup, --api)')
    .option('--until <time>', 'until when (default: now)')
    .addOption(new Option('--profile <name>', 'AWS profile (default: the SDK chain: environment, AWS_PROFILE, SSO, instance role)').env('AWS_PROFILE'))
    .addOption(new Option('--endpoint-url <url>', 'another endpoint: an S3-compatible store, a local emulator').env('TRAILHOUND_AWS_ENDPOINT_URL'));
}

export function isS3(paths: readonly string[]): boolean {
  const remote = paths.filter((p) => p.startsWith('s3://'));
  if (remote.length > 0 && remote.length < paths.length) throw new TrailhoundError('BAD_PATH', 'Give either local paths or s3:// locations, not both in one run.');
  return remote.length > 0;
}

/**
 * The objects under each s3:// location: an AWSLogs layout pruned by --accounts, --region and
 * --since/--until, or a Security Lake bucket's aws/<SOURCE>/<version>/region=…/accountId=…/
 * eventDay=…/ layout pruned the same way (for `ingest ocsf`, for a prefix inside that layout, and
 * for a bucket root without AWSLogs when detecting). The client starts in the AWS
 * configuration's region (AWS_REGION, the profile's; us-east-1 when there is none) and follows
 * the bucket's region redirect; --region only chooses region folders.
 */
export async function listS3Inputs(paths: readonly string[], sources: readonly SourceName[], flags: S3Flags, onNote?: (message: string) => void): Promise<InputFile[]> {
  const regions = regionsOption(flags);
  const clientRegion = (await defaultRegion(flags.profile)) ?? 'us-east-1';
  const since = flags.since ? parseTimeArg('--since', flags.since) : undefined;
  if (since === 'last') throw new TrailhoundError('BAD_OPTION', '--since last continues an API pull; S3 objects already read are skipped by the ledger anyway.', 'Give a time (2d, an ISO time) or leave --since out.');
  const until = flags.until ? parseTimeArg('--until', flags.until) : undefined;
  const walk = {
    region: clientRegion,
    profile: flags.profile,
    endpointUrl: flags.endpointUrl,
    ...(flags.accounts ? { accounts: listOption(flags.accounts) } : {}),
    ...(regions.length ? { regions } : {}),
    ...(typeof since === 'number' ? { from: since } : {}),
    ...(typeof until === 'number' ? { to: until } : {}),
  };
  const awsLogs = sources.filter((s): s is AwsLogsSource => s !== 'ocsf');
  const inputs: InputFile[] = [];
  const lake = async (location: S3Location) => {
    const listed = await listSecurityLake(location, walk);
    if (listed.skippedSources.length > 0) onNote?.(`Security Lake sources Trailhound does not read, left out: ${listed.skippedSources.join(', ')}`);
    inputs.push(...listed.inputs);
  };
  for (const path of paths) {
    const location = parseS3Url(path);
    if (awsLogs.length === 0 || (sources.includes('ocsf') && isSecurityLakePrefix(location.prefix))) {
      await lake(location);
      continue;
    }
    try {
      inputs.push(...(await listS3Logs(location, { ...walk, sources: awsLogs })).inputs);
    } catch (error) {
      // A bucket root with no AWSLogs folder may be a Security Lake bucket.
      if (!(error instanceof TrailhoundError && error.code === 'S3_EMPTY' && sources.includes('ocsf') && location.prefix === '')) throw error;
      await lake(location);
    }
  }
  return inputs;
}
