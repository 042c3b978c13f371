import type { Graph } from '../../graph/driver';
import { migrate } from '../../graph/migrate';
import { withCommitted } from '../../graph/connectionWatch';
import { Loader } from './loader';
import type { RejectsLog } from './rejectsLog';
import type { IngestProgress, IngestSummary } from './runIngest';
import type { ReadRecord } from './types';
import { describeThrown, nestsDeeperThan, TOO_DEEP } from '../read/nesting';

/** One page from an AWS API: its records, and where they came from (for rejects and errors). */
export interface PulledPage {
  readonly where: string;
  readonly records: readonly Record<string, unknown>[];
}

export type ReadPulledRecord = (record: Record<string, unknown>) => ReadRecord;

export interface PullOptions {
  readonly source: string;
  readonly pages: AsyncIterable<PulledPage>;
  readonly read: ReadPulledRecord;
  /** null: a dry run. */
  readonly graph: Graph | null;
  /** The event store folder (storeDirFrom). */
  readonly storeDir: string;
  readonly rejects: RejectsLog;
  readonly batchSize?: number;
  readonly onProgress?: (progress: IngestProgress) => void;
  readonly onNote?: (message: string) => void;
}

/**
 * Loads records pulled from an AWS API through the same reader, loader and rejects log as file
 * ingest, and returns the same summary. APIs are slow (LookupEvents: 100 events a second at
 * best), so each page is committed as it arrives: what was pulled is in even if the pull stops.
 */
export async function runPull(options: PullOptions): Promise<IngestSummary> {
  const started = Date.now();
  if (options.graph) await migrate(options.graph, options.onNote);
  const counts = { read: 0, rejected: 0, pages: 0 };
  let where: string | null = null;
  const loader = await Loader.open({
    graph: options.graph,
    storeDir: options.storeDir,
    command: `pull ${options.source}`,
    ...(options.batchSize ? { windowEvents: options.batchSize } : {}),
    ...(options.onNote ? { onNote: options.onNote } : {}),
  });
  const report = () =>
    options.onProgress?.({
      source: options.source,
      filesDone: counts.pages,
      filesTotal: 0,
      bytesDone: 0,
      bytesTotal: 0,
      read: counts.read,
      loaded: loader.counts.loaded,
      duplicates: loader.counts.duplicates,
      rejected: counts.rejected,
      elapsedMs: Date.now() - started,
      currentFile: where,
    });
  try {
    for await (const page of options.pages) {
      where = page.where;
      counts.pages += 1;
      for (const [index, record] of page.records.entries()) {
        counts.read += 1;
        const result = readOne(options.read, record);
        if (!result.ok) {
          counts.rejected += 1;
          await options.rejects.add({ file: page.where, scope: 'record', record: index + 1, reason: result.reason });
        } else if (result.item.kind === 'event') {
          const outcome = await loader.event(result.item.event);
          if (typeof outcome === 'object') {
            counts.rejected += 1;
            await options.rejects.add({ file: page.where, scope: 'record', record: index + 1, reason: outcome.rejected, recordId: result.item.event.eventId });
          }
        } else {
          await loader.facts(result.item.facts);
        }
      }
      await loader.flush();
      report();
    }
    await loader.finish();
    report();
  } catch (error) {
    throw withCommitted(error, `${loader.counts.loaded.toLocaleString('en-US')} records loaded of ${counts.read.toLocaleString('en-US')} read, from ${counts.pages} pages`);
  } finally {
    await loader.close();
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
    loaded: loader.counts.loaded,
    duplicates: loader.counts.duplicates,
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

/** A pulled record, read as a file's would be: too deep a record, or anything its reading throws, rejects it alone. */
function readOne(read: ReadPulledRecord, record: Record<string, unknown>): ReadRecord {
  if (nestsDeeperThan(record)) return { ok: false, reason: TOO_DEEP };
  try {
    return read(record);
  } catch (error) {
    return { ok: false, reason: `could not be read: ${describeThrown(error)}` };
  }
}
