import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { neo4jSettingsFromEnv } from '../../graph/config';
import { Graph } from '../../graph/driver';
import { TrailhoundError } from '../../graph/errors';
import { RejectsLog } from '../../ingest/pipeline/rejectsLog';
import { DEFAULT_BATCH_SIZE, DEFAULT_WRITERS, runIngest, type IngestProgress, type IngestSummary } from '../../ingest/pipeline/runIngest';
import type { LogSource } from '../../ingest/pipeline/types';
import { sources } from '../../ingest/sources';
import { bar, formatBytes, formatCount, formatDuration } from '../format';
import { ProgressLine } from '../progressLine';

interface IngestFlags {
  json?: boolean;
  allowRejects?: boolean;
  rejects?: string;
  batchSize?: string;
  writers?: string;
  dryRun?: boolean;
  quiet?: boolean;
}

export function ingestCommand(): Command {
  const ingest = new Command('ingest').description('load logs into the graph (safe to rerun: nothing is counted twice)');
  for (const source of Object.values(sources)) ingest.addCommand(sourceCommand(source));
  return ingest;
}

function sourceCommand(source: LogSource): Command {
  return new Command(source.name)
    .description(`load ${source.title} ${source.recordNoun} from files and directories (.json, .json.gz, JSON Lines; directories recursively)`)
    .argument('<paths...>', 'files or directories, e.g. ./AWSLogs/123456789012/CloudTrail')
    .option('--json', 'print one JSON summary object on stdout when done')
    .option('--allow-rejects', 'exit 0 even if some records were rejected')
    .addOption(new Option('--rejects <file>', 'where to write rejected records (JSON Lines)').default(undefined, './trailhound-rejects-<time>.jsonl'))
    .addOption(new Option('--batch-size <n>', 'records per write transaction').default(String(DEFAULT_BATCH_SIZE)))
    .addOption(new Option('--writers <n>', 'write transactions in flight at once').default(String(DEFAULT_WRITERS)))
    .option('--dry-run', 'parse and check the files without a database')
    .option('-q, --quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Each rejected record (malformed JSON, no eventID or time, truncated file) goes to the rejects
file with its file, position and reason; the rest of the file still loads. The exit status is 2
when anything was rejected (unless --allow-rejects), 1 on an error that stopped the run.

Examples:
  npx trailhound ingest ${source.name} ./AWSLogs/
  npx trailhound ingest ${source.name} trail-2024-08-01.json.gz --json`,
    )
    .action(async (paths: string[], flags: IngestFlags) => {
      const summary = await ingestWithProgress(source, paths, flags);
      if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else process.stderr.write(describeSummary(summary, source));
      const problems = summary.rejected > 0 || summary.failedFiles.length > 0;
      process.exitCode = problems && !flags.allowRejects ? 2 : 0;
    });
}

async function ingestWithProgress(source: LogSource, paths: string[], flags: IngestFlags): Promise<IngestSummary> {
  const batchSize = positiveInteger('--batch-size', flags.batchSize ?? String(DEFAULT_BATCH_SIZE));
  const writers = positiveInteger('--writers', flags.writers ?? String(DEFAULT_WRITERS));
  const graph = flags.dryRun ? null : await Graph.connect(neo4jSettingsFromEnv());
  const rejects = new RejectsLog(flags.rejects ?? `trailhound-rejects-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
  const line = new ProgressLine(process.stderr, { enabled: !flags.quiet });
  try {
    const summary = await runIngest({
      source,
      paths,
      graph,
      rejects,
      batchSize,
      writers,
      onProgress: (p) => line.update(describeProgress(p, source)),
    });
    line.done();
    return summary;
  } catch (error) {
    line.done();
    throw error;
  } finally {
    await graph?.close();
  }
}

function describeProgress(p: IngestProgress, source: LogSource): string {
  const fraction = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 0;
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? p.read / seconds : 0;
  const eta = fraction > 0.01 ? seconds / fraction - seconds : NaN;
  return (
    `${source.name} ${bar(fraction)} ${Math.floor(fraction * 100)}% ${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)} ` +
    `${formatCount(rate)} ${source.recordNoun}/s  read ${formatCount(p.read)}  loaded ${formatCount(p.loaded)}  ` +
    `dup ${formatCount(p.duplicates)}  rejected ${formatCount(p.rejected)}  ETA ${formatDuration(eta)}  ` +
    `[${Math.min(p.filesDone + 1, p.filesTotal)}/${p.filesTotal}] ${p.currentFile ? basename(p.currentFile) : ''}`
  );
}

export function describeSummary(s: IngestSummary, source: LogSource): string {
  const lines = [
    `${s.dryRun ? 'Checked (dry run, nothing written)' : 'Ingested'} ${formatCount(s.files)} file${s.files === 1 ? '' : 's'} ` +
      `(${formatBytes(s.bytes)}) in ${s.seconds.toFixed(1)} s: ${formatCount(s.read)} ${source.recordNoun} read, ` +
      `${formatCount(s.loaded)} ${s.dryRun ? 'valid' : 'loaded'}, ${formatCount(s.duplicates)} duplicates, ${formatCount(s.rejected)} rejected ` +
      `(${formatCount(s.recordsPerSecond)} ${source.recordNoun}/s, peak memory ${s.peakRssMb} MB).`,
  ];
  if (s.skippedFiles > 0) lines.push(`  ${formatCount(s.skippedFiles)} file(s) in the directories were not ${source.title} logs by name and were skipped.`);
  for (const failed of s.failedFiles.slice(0, 10)) {
    lines.push(`  ✗ ${failed.file}: ${failed.reason}`);
    if (failed.hint) lines.push(`    → ${failed.hint}`);
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
