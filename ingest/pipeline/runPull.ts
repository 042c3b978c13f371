import type { Graph } from '../../graph/driver';
import type { RecordFacts } from '../../graph/facts';
import { migrate } from '../../graph/migrate';
import { GraphWriter } from '../../graph/writer';
import type { RejectsLog } from './rejectsLog';
import type { IngestProgress, IngestSummary } from './runIngest';

/** One page from an AWS API: its records, and where they came from (for rejects and errors). */
export interface PulledPage {
  readonly where: string;
  readonly records: readonly Record<string, unknown>[];
}

export type Normalize = (record: Record<string, unknown>) => { ok: true; facts: RecordFacts } | { ok: false; reason: string };

export interface PullOptions {
  readonly source: string;
  readonly pages: AsyncIterable<PulledPage>;
  readonly normalize: Normalize;
  /** null: a dry run. */
  readonly graph: Graph | null;
  readonly rejects: RejectsLog;
  readonly batchSize?: number;
  readonly onProgress?: (progress: IngestProgress) => void;
}

/**
 * Loads records pulled from an AWS API through the same normaliser, batch writer and rejects
 * log as file ingest, and returns the same summary. APIs are slow (LookupEvents: 100 events a
 * second at best), so batches are written one at a time as pages arrive.
 */
export async function runPull(options: PullOptions): Promise<IngestSummary> {
  const started = Date.now();
  const writer = options.graph ? new GraphWriter(options.graph) : null;
  if (options.graph) await migrate(options.graph);
  const batchSize = options.batchSize ?? 1000;
  const counts = { read: 0, loaded: 0, duplicates: 0, rejected: 0, pages: 0 };
  let batch: RecordFacts[] = [];
  let where: string | null = null;
  const report = () =>
    options.onProgress?.({
      source: options.source,
      filesDone: counts.pages,
      filesTotal: 0,
      bytesDone: 0,
      bytesTotal: 0,
      read: counts.read,
      loaded: counts.loaded,
      duplicates: counts.duplicates,
      rejected: counts.rejected,
      elapsedMs: Date.now() - started,
      currentFile: where,
    });
  const flush = async () => {
    const toWrite = batch;
    batch = [];
    if (toWrite.length === 0) return;
    if (!writer) {
      counts.loaded += toWrite.length;
      return;
    }
    const outcome = await writer.write(toWrite);
    counts.loaded += outcome.created;
    counts.duplicates += outcome.duplicates;
  };
  try {
    for await (const page of options.pages) {
      where = page.where;
      counts.pages += 1;
      for (const [index, record] of page.records.entries()) {
        counts.read += 1;
        const result = options.normalize(record);
        if (result.ok) batch.push(result.facts);
        else {
          counts.rejected += 1;
          await options.rejects.add({ file: page.where, scope: 'record', record: index + 1, reason: result.reason });
        }
      }
      if (batch.length >= batchSize) await flush();
      report();
    }
    await flush();
    report();
  } finally {
    await options.rejects.close();
  }
  const seconds = (Date.now() - started) / 1000;
  return {
    source: options.source,
    filesBySource: {},
    dryRun: options.graph === null,
    files: counts.pages,
    bytes: 0,
    read: counts.read,
    loaded: counts.loaded,
    duplicates: counts.duplicates,
    rejected: counts.rejected,
    failedFiles: [],
    skippedFiles: 0,
    alreadyIngestedFiles: 0,
    rejectsFile: options.rejects.file,
    seconds: Math.round(seconds * 100) / 100,
    recordsPerSecond: seconds > 0 ? Math.round(counts.read / seconds) : counts.read,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
