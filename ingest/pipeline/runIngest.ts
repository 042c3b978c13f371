import type { Graph } from '../../graph/driver';
import type { RecordFacts } from '../../graph/facts';
import { migrate } from '../../graph/migrate';
import { GraphWriter } from '../../graph/writer';
import { listInputFiles } from './inputFiles';
import { openInput } from './openInput';
import type { RejectsLog } from './rejectsLog';
import type { LogSource } from './types';

export interface IngestProgress {
  readonly source: string;
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly read: number;
  readonly loaded: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly elapsedMs: number;
  readonly currentFile: string | null;
}

export interface IngestSummary {
  readonly source: string;
  readonly dryRun: boolean;
  readonly files: number;
  readonly bytes: number;
  /** Records read from the files: loaded + duplicates + rejected. */
  readonly read: number;
  /** New to the graph (in a dry run: parsed without error). */
  readonly loaded: number;
  /** Already in the graph or repeated in this run (same id): skipped, counted once. */
  readonly duplicates: number;
  readonly rejected: number;
  readonly failedFiles: { file: string; reason: string; hint?: string }[];
  readonly skippedFiles: number;
  readonly rejectsFile: string | null;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly peakRssMb: number;
}

export interface IngestOptions {
  readonly source: LogSource;
  readonly paths: readonly string[];
  /** null: parse and normalise only (a dry run, and the parsing ceiling of benchmarks). */
  readonly graph: Graph | null;
  readonly rejects: RejectsLog;
  readonly batchSize?: number;
  /** Write transactions in flight at once. */
  readonly writers?: number;
  readonly onProgress?: (progress: IngestProgress) => void;
}

export const DEFAULT_BATCH_SIZE = 1000;
export const DEFAULT_WRITERS = 2;

/**
 * Reads every file, parses and normalises each record, and loads the facts in batches. One
 * batch is written while the next is parsed (Neo4j and Node each keep a core busy); each batch
 * commits atomically, so an interrupted run loses at most the batches in flight and a rerun
 * completes it exactly.
 */
export async function runIngest(options: IngestOptions): Promise<IngestSummary> {
  const started = Date.now();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const { files, skipped } = await listInputFiles(options.paths, options.source);
  if (options.graph) await migrate(options.graph);
  const writer = options.graph ? new GraphWriter(options.graph) : null;

  const counts = { read: 0, loaded: 0, duplicates: 0, rejected: 0, bytesDone: 0, filesDone: 0 };
  const failedFiles: IngestSummary['failedFiles'] = [];
  const bytesTotal = files.reduce((sum, f) => sum + f.size, 0);
  let currentFile: string | null = null;
  // TRAILHOUND_DEBUG_MEMORY=1: a memory line every 10 s, to check memory stays flat.
  const memoryTimer = process.env.TRAILHOUND_DEBUG_MEMORY
    ? setInterval(() => {
        const m = process.memoryUsage();
        const mb = (n: number) => Math.round(n / 1024 / 1024);
        process.stderr.write(`[memory] read=${counts.read} rss=${mb(m.rss)} heapUsed=${mb(m.heapUsed)} heapTotal=${mb(m.heapTotal)} external=${mb(m.external)} arrayBuffers=${mb(m.arrayBuffers)}\n`);
      }, 10_000)
    : null;
  const report = () =>
    options.onProgress?.({
      source: options.source.name,
      filesDone: counts.filesDone,
      filesTotal: files.length,
      bytesDone: counts.bytesDone,
      bytesTotal,
      read: counts.read,
      loaded: counts.loaded,
      duplicates: counts.duplicates,
      rejected: counts.rejected,
      elapsedMs: Date.now() - started,
      currentFile,
    });

  // Up to `writers` batches are written at once while the next one is parsed: the Event part
  // of one transaction (no lock contention) overlaps the aggregate part of the other.
  const writers = Math.max(1, options.writers ?? DEFAULT_WRITERS);
  let batch: RecordFacts[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  const flush = async (final = false) => {
    const toWrite = batch;
    batch = [];
    if (toWrite.length > 0) {
      if (!writer) {
        counts.loaded += toWrite.length;
      } else {
        while (inFlight.size >= writers) await Promise.race(inFlight);
        if (failure) throw failure;
        const write: Promise<void> = writer
          .write(toWrite)
          .then((outcome) => {
            counts.loaded += outcome.created;
            counts.duplicates += outcome.duplicates;
            report();
          })
          .catch((error: unknown) => {
            failure ??= error;
          })
          .finally(() => inFlight.delete(write));
        inFlight.add(write);
      }
    }
    if (final) await Promise.all(inFlight);
    if (failure) throw failure;
  };

  try {
    for (const file of files) {
      currentFile = file.path;
      const bytesBefore = counts.bytesDone;
      try {
        const input = await openInput(file.path, (n) => {
          counts.bytesDone += n;
          report();
        });
        for await (const items of options.source.read(file, input.chunks)) {
          for (const item of items) {
            if (item.kind === 'facts') {
              counts.read += 1;
              batch.push(item.facts);
              if (batch.length >= batchSize) await flush();
            } else if (item.kind === 'reject') {
              counts.read += 1;
              counts.rejected += 1;
              await options.rejects.add({
                file: file.path,
                scope: 'record',
                ...(item.position.index > 0 ? { record: item.position.index, line: item.position.line, byteOffset: item.position.byteOffset } : {}),
                reason: item.reason,
                ...(item.recordId ? { recordId: item.recordId } : {}),
                ...(item.excerpt ? { excerpt: item.excerpt } : {}),
              });
            } else {
              failedFiles.push({ file: file.path, reason: item.reason, ...(item.hint ? { hint: item.hint } : {}) });
              await options.rejects.add({ file: file.path, scope: 'file', reason: item.reason, ...(item.hint ? { hint: item.hint } : {}) });
            }
          }
        }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EACCES' && code !== 'ENOENT' && code !== 'EISDIR') throw error;
        const reason = code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'the file disappeared while reading' : 'is a directory';
        failedFiles.push({ file: file.path, reason });
        await options.rejects.add({ file: file.path, scope: 'file', reason });
      }
      // Count the file's full size even if it was refused early, so progress reaches 100%.
      counts.bytesDone = bytesBefore + file.size;
      counts.filesDone += 1;
      report();
    }
    await flush(true);
  } finally {
    if (memoryTimer) clearInterval(memoryTimer);
    await options.rejects.close();
  }

  const seconds = (Date.now() - started) / 1000;
  return {
    source: options.source.name,
    dryRun: options.graph === null,
    files: files.length,
    bytes: bytesTotal,
    read: counts.read,
    loaded: counts.loaded,
    duplicates: counts.duplicates,
    rejected: counts.rejected,
    failedFiles,
    skippedFiles: skipped.length,
    rejectsFile: options.rejects.file,
    seconds: Math.round(seconds * 100) / 100,
    recordsPerSecond: seconds > 0 ? Math.round(counts.read / seconds) : counts.read,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
