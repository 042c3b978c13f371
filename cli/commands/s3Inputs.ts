import { Option, type Command } from 'commander';
import { TrailhoundError } from '../../graph/errors';
import { defaultRegion, listOption, regionsOption } from '../../ingest/aws/awsClients';
import { listS3Logs, parseS3Url } from '../../ingest/aws/s3Objects';
import { parseTimeArg } from '../../ingest/aws/timeArgs';
import type { SourceName } from '../../ingest/detect';
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
 * The objects under each s3:// location, the AWSLogs layout pruned by --accounts, --region and
 * --since/--until. The client starts in the AWS configuration's region (AWS_REGION, the
 * profile's; us-east-1 when there is none) and follows the bucket's region redirect; --region
 * only chooses region folders.
 */
export async function listS3Inputs(paths: readonly string[], sources: readonly SourceName[], flags: S3Flags): Promise<InputFile[]> {
  const regions = regionsOption(flags);
  const clientRegion = (await defaultRegion(flags.profile)) ?? 'us-east-1';
  const since = flags.since ? parseTimeArg('--since', flags.since) : undefined;
  if (since === 'last') throw new TrailhoundError('BAD_OPTION', '--since last continues an API pull; S3 objects already read are skipped by the ledger anyway.', 'Give a time (2d, an ISO time) or leave --since out.');
  const until = flags.until ? parseTimeArg('--until', flags.until) : undefined;
  const inputs: InputFile[] = [];
  for (const path of paths) {
    const listed = await listS3Logs(parseS3Url(path), {
      region: clientRegion,
      profile: flags.profile,
      endpointUrl: flags.endpointUrl,
      sources,
      ...(flags.accounts ? { accounts: listOption(flags.accounts) } : {}),
      ...(regions.length ? { regions } : {}),
      ...(typeof since === 'number' ? { from: since } : {}),
      ...(typeof until === 'number' ? { to: until } : {}),
    });
    inputs.push(...listed.inputs);
  }
  return inputs;
}
