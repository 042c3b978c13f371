import type { Command } from 'commander';
import { neo4jSettingsFromEnv } from '../../graph/config';
import { Graph } from '../../graph/driver';
import { TrailhoundError } from '../../graph/errors';
import { advanceCheckpoint, readCheckpoints, type PullCheckpoint } from '../../graph/pullCheckpoints';
import { defaultRegion, regionsOption } from '../../ingest/aws/awsClients';
import { guardDutyFindings } from '../../ingest/aws/guardDutyApi';
import { LOOKUP_MAX_AGE_MS, lookupEvents, parseLookupAttribute } from '../../ingest/aws/lookupEvents';
import { parseTimeArg } from '../../ingest/aws/timeArgs';
import { readCloudTrailRecord } from '../../ingest/cloudtrail/normalize';
import { enrichAddresses } from '../../ingest/enrich/enrichAddresses';
import { readFindingRecord } from '../../ingest/guardduty/normalize';
import { RejectsLog } from '../../ingest/pipeline/rejectsLog';
import { runPull, type ReadPulledRecord, type PulledPage } from '../../ingest/pipeline/runPull';
import { storeDirFrom } from '../../store/storeIdentity';
import type { IngestSummary } from '../../ingest/pipeline/runIngest';
import { formatCount } from '../format';
import { ProgressLine } from '../progressLine';

export interface PullFlags {
  lookup?: boolean;
  api?: boolean;
  region?: string;
  regions?: string;
  since?: string;
  until?: string;
  attribute?: string;
  account?: string;
  profile?: string;
  endpointUrl?: string;
  json?: boolean;
  allowRejects?: boolean;
  rejects?: string;
  dryRun?: boolean;
  quiet?: boolean;
  store?: string;
}

/** The options of pulling from AWS APIs, added to `ingest cloudtrail` and `ingest guardduty` (region, times, profile and endpoint are every ingest command's). */
export function withPullOptions(command: Command, source: 'cloudtrail' | 'guardduty'): Command {
  if (source === 'cloudtrail') command.option('--lookup', 'pull management events with the CloudTrail LookupEvents API instead of reading files');
  else command.option('--api', 'pull findings with the GuardDuty API (ListDetectors, ListFindings, GetFindings) instead of reading files');
  command.option('--account <id>', 'with --since last: the account whose checkpoint to continue from, when several were pulled');
  if (source === 'cloudtrail') command.option('--attribute <Key=value>', 'one LookupEvents attribute, e.g. Username=alice or EventName=ConsoleLogin');
  return command;
}

/** Whether the flags ask for an API pull (then no paths are needed). */
export function isPull(flags: PullFlags): boolean {
  return Boolean(flags.lookup || flags.api);
}

export async function runPullCommand(source: 'cloudtrail' | 'guardduty', flags: PullFlags): Promise<void> {
  const named = regionsOption(flags);
  const fallback = named.length === 0 ? await defaultRegion(flags.profile) : undefined;
  const regions = fallback ? [fallback] : named;
  if (regions.length === 0) {
    throw new TrailhoundError('BAD_OPTION', `${source === 'cloudtrail' ? '--lookup' : '--api'} needs a region: none was named and the AWS configuration has none.`, 'Pass --region us-east-1,eu-west-1, or set AWS_REGION or a region in your AWS profile.');
  }
  const now = Date.now();
  const since = parseTimeArg('--since', flags.since ?? (source === 'cloudtrail' ? '1d' : '3650d'), now);
  const until = flags.until ? (parseTimeArg('--until', flags.until, now) as number) : now;
  const attribute = flags.attribute ? parseLookupAttribute(flags.attribute) : undefined;
  const checkpointSource = source === 'cloudtrail' ? 'cloudtrail-lookup' : 'guardduty-api';

  const graph = flags.dryRun ? null : await Graph.connect(neo4jSettingsFromEnv());
  const line = new ProgressLine(process.stderr, { enabled: !flags.quiet });
  graph?.onTrouble((message) => {
    line.done();
    process.stderr.write(`${message}\n`);
  });
  const summaries: IngestSummary[] = [];
  try {
    for (const region of regions) {
      // CloudTrail: one checkpoint per account (LookupEvents answers for the caller's account).
      // GuardDuty: one per detector, resolved once the detectors are listed.
      const from = since === 'last' && source === 'cloudtrail' ? await fromCheckpoint(graph, checkpointSource, region, flags.account) : since === 'last' ? null : since;
      const seen = new Map<string, number>();
      const note = (account: string, time: number) => seen.set(account, Math.max(seen.get(account) ?? 0, time));
      const aws = { region, profile: flags.profile, endpointUrl: flags.endpointUrl };
      let pages: AsyncIterable<PulledPage>;
      let read: ReadPulledRecord;
      if (source === 'cloudtrail') {
        if (from !== null && now - from > LOOKUP_MAX_AGE_MS) line.done(`note: LookupEvents keeps 90 days; events before ${new Date(now - LOOKUP_MAX_AGE_MS).toISOString()} are not there (read the S3 trail instead).`);
        pages = lookupEvents({ ...aws, from: from ?? now - 86_400_000, to: until, ...(attribute ? { attribute } : {}), onEvent: note });
        read = (record) => (typeof record.unreadable === 'string' ? { ok: false, reason: record.unreadable } : readCloudTrailRecord(record));
      } else {
        const updatedSince = async (detectorId: string) => {
          if (since !== 'last') return from;
          const checkpoint = graph ? (await readCheckpoints(graph, checkpointSource, region)).find((c) => c.accountId === detectorId) : undefined;
          if (!checkpoint) throw new TrailhoundError('NO_CHECKPOINT', `No previous pull of GuardDuty detector ${detectorId} in ${region} to continue from.`, 'Run it once without --since (all findings) or with --since 30d; later runs can use --since last.');
          return checkpoint.lastEventTime;
        };
        pages = guardDutyFindings({ ...aws, updatedSince, onFinding: note });
        read = readFindingRecord;
      }
      const summary = await runPull({
        source,
        pages,
        read,
        graph,
        storeDir: storeDirFrom(flags.store),
        rejects: new RejectsLog(flags.rejects ?? `trailhound-rejects-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`),
        onNote: (message) => line.update(message, true),
        onProgress: (p) => line.update(`${region}: ${formatCount(p.read)} read, ${formatCount(p.loaded)} loaded, ${formatCount(p.duplicates)} duplicates, ${formatCount(p.rejected)} rejected  [${p.currentFile ?? ''}]`),
      });
      // Only a complete pull moves the checkpoints: LookupEvents answers newest first, so an
      // interrupted one has a gap below what it loaded. A pull narrowed by --attribute saw only
      // some of the account's events: it moves nothing, or --since last would skip the rest.
      if (graph && !attribute) for (const [accountId, time] of seen) await advanceCheckpoint(graph, { source: checkpointSource, accountId, region, lastEventTime: time });
      summaries.push(summary);
      line.done(`${region}: ${formatCount(summary.read)} ${source === 'cloudtrail' ? 'events' : 'findings'} pulled from ${since === 'last' ? 'the last checkpoint' : new Date(from ?? 0).toISOString()} in ${summary.seconds.toFixed(1)} s: ${formatCount(summary.loaded)} loaded, ${formatCount(summary.duplicates)} duplicates, ${formatCount(summary.rejected)} rejected.`);
    }
    if (graph && summaries.some((s) => s.loaded > 0)) await enrichAddresses(graph);
  } finally {
    line.done();
    await graph?.close();
  }
  // The same summary as a file ingest (pages stand for files), with the regions pulled.
  const merged = mergeSummaries(source, Boolean(flags.dryRun), summaries);
  const total = { ...merged, regions, pages: merged.files };
  if (flags.json) process.stdout.write(`${JSON.stringify(total)}\n`);
  else if (total.rejectsFile) process.stderr.write(`  Rejected records, with page and reason: ${total.rejectsFile}\n`);
  process.exitCode = total.rejected > 0 && !flags.allowRejects ? 2 : 0;
}

async function fromCheckpoint(graph: Graph | null, source: string, region: string, account: string | undefined): Promise<number | null> {
  if (!graph) throw new TrailhoundError('BAD_OPTION', '--since last reads the checkpoint from the graph: it cannot be a dry run.');
  const checkpoints: PullCheckpoint[] = (await readCheckpoints(graph, source, region)).filter((c) => !account || c.accountId === account);
  if (checkpoints.length === 0) {
    throw new TrailhoundError('NO_CHECKPOINT', `No previous pull from ${region}${account ? ` for account ${account}` : ''} to continue from.`, 'Run it once with --since 2d (or an ISO time); later runs can use --since last.');
  }
  if (checkpoints.length > 1) {
    throw new TrailhoundError('AMBIGUOUS_CHECKPOINT', `Pulls from ${region} were made for several accounts (${checkpoints.map((c) => c.accountId).join(', ')}).`, 'Say which with --account <id>.');
  }
  // CloudTrail delivers most events to LookupEvents within minutes, some later: start a little
  // before the newest event seen, so late ones are not skipped (those already loaded count as duplicates).
  return checkpoints[0]!.lastEventTime - LATE_ARRIVAL_MS;
}

/** How late an event may reach LookupEvents after its eventTime (CloudTrail: typically within 5 minutes, 15 at most). */
export const LATE_ARRIVAL_MS = 15 * 60_000;

/** Per-region summaries as one, in the shape of a file ingest's. */
function mergeSummaries(source: string, dryRun: boolean, summaries: readonly IngestSummary[]): IngestSummary {
  const sum = (key: 'files' | 'bytes' | 'read' | 'loaded' | 'duplicates' | 'rejected' | 'skippedFiles' | 'alreadyIngestedFiles' | 'seconds') => summaries.reduce((total, s) => total + s[key], 0);
  const filesBySource: Record<string, number> = {};
  for (const s of summaries) for (const [name, count] of Object.entries(s.filesBySource)) filesBySource[name] = (filesBySource[name] ?? 0) + count;
  const seconds = sum('seconds');
  return {
    source,
    filesBySource,
    dryRun,
    files: sum('files'),
    bytes: sum('bytes'),
    read: sum('read'),
    loaded: sum('loaded'),
    duplicates: sum('duplicates'),
    rejected: sum('rejected'),
    failedFiles: summaries.flatMap((s) => s.failedFiles),
    skippedFiles: sum('skippedFiles'),
    alreadyIngestedFiles: sum('alreadyIngestedFiles'),
    rejectsFile: summaries.find((s) => s.rejected > 0)?.rejectsFile ?? null,
    seconds,
    recordsPerSecond: seconds > 0 ? Math.round(sum('read') / seconds) : 0,
    peakRssMb: Math.max(0, ...summaries.map((s) => s.peakRssMb)),
  };
}
