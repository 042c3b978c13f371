import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { neo4jSettingsFromEnv, type Neo4jSettings } from '../../graph/config';
import { Graph } from '../../graph/driver';
import { TrailhoundError } from '../../graph/errors';
import { RejectsLog } from '../../ingest/pipeline/rejectsLog';
import { DEFAULT_BATCH_SIZE, runIngest, type IngestProgress, type IngestSummary } from '../../ingest/pipeline/runIngest';
import { storeDirFrom } from '../../store/storeIdentity';
import type { LogSource } from '../../ingest/pipeline/types';
import { sources } from '../../ingest/sources';
import { enrichAddresses } from '../../ingest/enrich/enrichAddresses';
import { AUTO } from '../../ingest/autoSource';
import { FLOW_FIELDS, parseFieldList } from '../../ingest/vpcflow/fields';
import { bar, formatBytes, formatCount, formatDuration } from '../format';
import { revealHidden } from '../../export/visibleText';
import { DISK_FULL_HINT, isDiskFull } from '../errors';
import { ProgressLine } from '../progressLine';
import { isPull, runPullCommand, withPullOptions, type PullFlags } from './pull';
import { isS3, listS3Inputs, withAwsOptions, type S3Flags } from './s3Inputs';
import type { SourceName } from '../../ingest/detect';

export interface IngestFlags extends S3Flags {
  json?: boolean;
  allowRejects?: boolean;
  rejects?: string;
  batchSize?: string;
  store?: string;
  dryRun?: boolean;
  quiet?: boolean;
  fields?: string;
}

export function ingestCommand(): Command {
  const ingest = withCommonOptions(
    new Command('ingest')
      .description(
        'load logs into the graph (safe to rerun: nothing is counted twice). Name the source (cloudtrail, vpcflow, guardduty, ocsf) or let each file\'s content decide',
      )
      .argument('[paths...]', 'files, directories or s3://bucket/prefix; each file\'s source is detected from its content (S3: from its AWSLogs folder)')
      // The subcommands take the same options: let each command parse its own.
      .enablePositionalOptions(),
  ).action(async (paths: string[], flags: IngestFlags) => {
    if (paths.length === 0) {
      ingest.help({ error: true });
      return;
    }
    await runCommand(AUTO, paths, flags);
  });
  for (const source of Object.values(sources)) ingest.addCommand(sourceCommand(source));
  return ingest;
}

function withCommonOptions(command: Command): Command {
  return withAwsOptions(command)
    .option('--json', 'print one JSON summary object on stdout when done')
    .option('--allow-rejects', 'exit 0 even if some records were rejected')
    .addOption(new Option('--rejects <file>', 'where to write rejected records (JSON Lines) (default: ./trailhound-rejects-<time>.jsonl)'))
    .addOption(new Option('--store <dir>', 'the event store folder: raw events, beside the graph (default: TRAILHOUND_EVENTS_DIR, else .data/events)'))
    .addOption(new Option('--batch-size <n>', 'events per commit: their evidence goes to the graph in one transaction').default(String(DEFAULT_BATCH_SIZE)))
    .option('--dry-run', 'parse and check the files without a database')
    .option('-q, --quiet', 'no progress output');
}

const EXAMPLES: Record<string, string> = {
  cloudtrail: `  npx trailhound ingest cloudtrail ./AWSLogs/123456789012/CloudTrail
  npx trailhound ingest cloudtrail trail-2024-08-01.json.gz --json
  npx trailhound ingest cloudtrail --lookup --region us-east-1,eu-west-1 --since 2d
  npx trailhound ingest cloudtrail --lookup --region us-east-1 --since last --attribute Username=alice`,
  vpcflow: `  npx trailhound ingest vpcflow ./AWSLogs/123456789012/vpcflowlogs
  npx trailhound ingest vpcflow flows-2024-08-01.parquet
  npx trailhound ingest vpcflow flows.log --fields "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id"`,
  ocsf: `  npx trailhound ingest ocsf s3://aws-security-data-lake-us-east-1-abc123/aws/ --since 7d --accounts 111122223333
  npx trailhound ingest ocsf ./lake/aws/CLOUD_TRAIL_MGMT/2.0/region=us-east-1/
  npx trailhound ingest ocsf timeline.ocsf.jsonl`,
  guardduty: `  npx trailhound ingest guardduty findings-export.jsonl.gz
  aws guardduty get-findings ... > findings.json && npx trailhound ingest guardduty findings.json
  npx trailhound ingest guardduty --api --region us-east-1 --since last`,
};

const NOTES: Record<string, string> = {
  cloudtrail:
    'Each rejected record (malformed JSON, no eventID or time, truncated file) goes to the rejects\nfile with its file, position and reason; the rest of the file still loads. An event already in the\nevent store (the same eventID, from another file or a --lookup pull) is counted as a duplicate and\nskipped.',
  vpcflow:
    'Flows are aggregated (per pair of addresses for the graph; per hour, port, protocol and action for the\nevent store) in parts of up to 25,000 hourly aggregates; each part commits its records, volumes and edges\nwith a ledger entry for its lines, and the whole file gets one when done: a file already loaded is\nskipped, a crash mid-file loads only the parts not yet in the ledger, never twice. A truncated .gz\nloads its complete parts and says how many records; a complete copy later adds the rest. A malformed\nline goes to the rejects file; the rest of the file loads.',
  ocsf:
    'Reads OCSF as Amazon Security Lake stores it (Parquet, or JSON Lines such as Trailhound\'s OCSF export):\nCloudTrail\'s classes (API Activity, Authentication, Account Change...) load as the CloudTrail events\nthey came from, Network Activity as flows, Detection Findings (GuardDuty through Security Hub) as\nfindings; other classes are rejected with their name. In a lake bucket, only CLOUD_TRAIL_MGMT, S3_DATA,\nLAMBDA_EXECUTION, VPC_FLOW and SH_FINDINGS are listed, pruned by --accounts, --region and --since.\ndocs/ocsf.md says what OCSF cannot carry.',
  guardduty:
    'A finding that arrives again (an update) replaces the one node when its updatedAt is newer.\nSample findings load flagged (sample = true), apart from real entities.',
};

function sourceCommand(source: LogSource): Command {
  const pulls = source.name === 'cloudtrail' || source.name === 'guardduty';
  const command = withCommonOptions(
    new Command(source.name)
      .description(
        `load ${source.title} ${source.recordNoun} from files and directories (plain or .gz${source.name === 'vpcflow' || source.name === 'ocsf' ? ', or Parquet' : ''}; directories recursively)` +
          (source.name === 'cloudtrail' ? ', or from the LookupEvents API (--lookup)' : source.name === 'guardduty' ? ', or from the GuardDuty API (--api)' : ''),
      )
      .argument(pulls ? '[paths...]' : '<paths...>', 'files, directories or s3://bucket/prefix'),
  );
  if (pulls) withPullOptions(command, source.name as 'cloudtrail' | 'guardduty');
  if (source.name === 'vpcflow') {
    command.option('--fields <list>', 'the field list of files without a header line (custom formats), e.g. "version account-id interface-id srcaddr ..."');
  }
  return command
    .addHelpText(
      'after',
      `
${NOTES[source.name] ?? ''}
Exit status: 0 done; 2 something was rejected (unless --allow-rejects); 3 the database cannot be
reached or stopped answering (retried for TRAILHOUND_DB_RETRY_SECONDS, default 25; run the same
command again once it is back: nothing is lost or counted twice); 4 the database refused the
credentials; 1 any other error that stopped the run.

Examples:
${EXAMPLES[source.name] ?? ''}`,
    )
    .action(async (paths: string[], flags: IngestFlags & PullFlags) => {
      if (isPull(flags)) {
        if (paths.length > 0) throw new TrailhoundError('BAD_OPTION', `${flags.lookup ? '--lookup' : '--api'} pulls from AWS: give no paths with it.`);
        await runPullCommand(source.name as 'cloudtrail' | 'guardduty', flags);
        return;
      }
      if (paths.length === 0) {
        command.help({ error: true });
        return;
      }
      await runCommand(source, paths, flags);
    });
}

async function runCommand(source: LogSource | typeof AUTO, paths: string[], flags: IngestFlags): Promise<void> {
  if (flags.fields) {
    try {
      parseFieldList(flags.fields);
    } catch (error) {
      throw new TrailhoundError('BAD_OPTION', `--fields: ${(error as Error).message}.`, `Known fields: ${Object.keys(FLOW_FIELDS).join(' ')}`);
    }
  }
  const summary = await ingestWithProgress(source, paths, flags);
  if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stderr.write(describeSummary(summary, source === AUTO ? null : source));
  const problems = summary.rejected > 0 || summary.failedFiles.length > 0;
  process.exitCode = problems && !flags.allowRejects ? 2 : 0;
}

/** Ingests with a progress line and locates new addresses; `demo` runs the same. */
export async function ingestWithProgress(
  source: LogSource | typeof AUTO,
  paths: string[],
  flags: IngestFlags,
  settings: Neo4jSettings = neo4jSettingsFromEnv(),
): Promise<IngestSummary & { locatedAddresses: number }> {
  const batchSize = positiveInteger('--batch-size', flags.batchSize ?? String(DEFAULT_BATCH_SIZE));
  // Options are checked before the database is opened.
  const storeDir = storeDirFrom(flags.store);
  const graph = flags.dryRun ? null : await Graph.connect(settings);
  const rejects = new RejectsLog(flags.rejects ?? `trailhound-rejects-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
  const line = new ProgressLine(process.stderr, { enabled: !flags.quiet });
  // Said even with --quiet: a database that stops answering is not progress.
  graph?.onTrouble((message) => {
    line.done();
    process.stderr.write(`${message}\n`);
  });
  try {
    const inputs = isS3(paths) ? await listS3Inputs(paths, source === AUTO ? ['cloudtrail', 'vpcflow', 'guardduty', 'ocsf'] : [source.name as SourceName], flags, (message) => line.update(message, true)) : undefined;
    const summary = await runIngest({
      source,
      paths,
      ...(inputs ? { inputs } : {}),
      graph,
      storeDir,
      rejects,
      batchSize,
      sourceOptions: { fields: flags.fields },
      onProgress: (p) => line.update(describeProgress(p, source === AUTO ? null : source)),
      onNote: (message) => line.update(message, true),
    });
    // New public addresses get their country and network owner now (see `trailhound enrich`).
    let located = 0;
    if (graph && summary.loaded > 0) {
      const enriched = await enrichAddresses(graph, (n) => line.update(`locating new public addresses: ${formatCount(n)} looked up`));
      located = enriched.located;
    }
    line.done();
    return { ...summary, locatedAddresses: located };
  } catch (error) {
    line.done();
    // Node's ENOSPC names no file: say which folders this ingest writes to.
    if (isDiskFull(error)) {
      const message = error instanceof Error ? error.message : String(error);
      throw new TrailhoundError('DISK_FULL', `Out of disk space while loading (the event store is at ${storeDir}; rejected records go to ${rejects.path}): ${message}`, DISK_FULL_HINT, { cause: error });
    }
    throw error;
  } finally {
    await graph?.close();
  }
}

function describeProgress(p: IngestProgress, source: LogSource | null): string {
  const noun = source?.recordNoun ?? 'records';
  const fraction = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 0;
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? p.read / seconds : 0;
  const eta = fraction > 0.01 ? seconds / fraction - seconds : NaN;
  return (
    `${p.source} ${bar(fraction)} ${Math.floor(fraction * 100)}% ${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)} ` +
    `${formatCount(rate)} ${noun}/s  read ${formatCount(p.read)}  loaded ${formatCount(p.loaded)}  ` +
    `dup ${formatCount(p.duplicates)}  rejected ${formatCount(p.rejected)}  ETA ${formatDuration(eta)}  ` +
    `[${Math.min(p.filesDone + 1, p.filesTotal)}/${p.filesTotal}] ${p.currentFile ? basename(p.currentFile) : ''}`
  );
}

export function describeSummary(s: IngestSummary, source: LogSource | null): string {
  const noun = source?.recordNoun ?? 'records';
  const title = source?.title ?? 'log';
  const lines = [
    `${s.dryRun ? 'Checked (dry run, nothing written)' : 'Ingested'} ${formatCount(s.files)} file${s.files === 1 ? '' : 's'} ` +
      `(${formatBytes(s.bytes)}) in ${s.seconds.toFixed(1)} s: ${formatCount(s.read)} ${noun} read, ` +
      `${formatCount(s.loaded)} ${s.dryRun ? 'valid' : 'loaded'}, ${formatCount(s.duplicates)} duplicates, ${formatCount(s.rejected)} rejected ` +
      `(${formatCount(s.recordsPerSecond)} ${noun}/s, peak memory ${s.peakRssMb} MB).`,
  ];
  if (!source && Object.keys(s.filesBySource).length > 0) {
    lines.push(`  Detected: ${Object.entries(s.filesBySource).map(([name, n]) => `${formatCount(n)} ${name}`).join(', ')}.`);
  }
  if (s.alreadyIngestedFiles > 0) lines.push(`  ${formatCount(s.alreadyIngestedFiles)} file(s) were already in the ingest ledger and were skipped.`);
  if (s.skippedFiles > 0) lines.push(`  ${formatCount(s.skippedFiles)} file(s) in the directories were skipped: their names are not those of ${title} files.`);
  // File names (S3 keys) and reasons can quote log text: hidden characters are shown as markers.
  for (const failed of s.failedFiles.slice(0, 10)) {
    lines.push(`  ✗ ${revealHidden(failed.file)}: ${revealHidden(failed.reason)}`);
    if (failed.hint) lines.push(`    → ${revealHidden(failed.hint)}`);
  }
  if (s.failedFiles.length > 10) lines.push(`  … and ${s.failedFiles.length - 10} more refused files.`);
  if (s.rejectsFile) lines.push(`  Rejected records, with file, position and reason: ${s.rejectsFile}`);
  return `${lines.join('\n')}\n`;
}

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new TrailhoundError('BAD_OPTION', `${flag} must be a positive integer, got "${text}".`);
  }
  return value;
}
