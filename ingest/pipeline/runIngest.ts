import type { Graph } from '../../graph/driver';
import type { RecordFacts } from '../../graph/facts';
import { migrate } from '../../graph/migrate';
import { GraphWriter } from '../../graph/writer';
import { listInputFiles } from './inputFiles';
import { AUTO, autoWalker, detectFileSource } from '../autoSource';
import { hashFile } from './hashFile';
import { openInput, openStream } from './openInput';
import { ledgerEntry } from './ledgerEntry';
import type { RejectsLog } from './rejectsLog';
import type { InputFile, LogSource } from './types';
import { sources } from '../sources';

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
  /** How many files each source read (useful when the source was detected per file). */
  readonly filesBySource: Readonly<Record<string, number>>;
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
  /** Files the ledger already had (sources with a ledger): skipped whole. */
  readonly alreadyIngestedFiles: number;
  readonly rejectsFile: string | null;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly peakRssMb: number;
}

export interface IngestOptions {
  /** The source of every file, or AUTO to detect it per file from its content. */
  readonly source: LogSource | typeof AUTO;
  readonly paths: readonly string[];
  /** Inputs listed elsewhere (S3 objects); `paths` is then ignored. */
  readonly inputs?: readonly InputFile[];
  /** null: parse and normalise only (a dry run, and the parsing ceiling of benchmarks). */
  readonly graph: Graph | null;
  readonly rejects: RejectsLog;
  readonly batchSize?: number;
  /** Source-specific options (e.g. vpcflow fields). */
  readonly sourceOptions?: Readonly<Record<string, string | undefined>>;
  /** Write transactions in flight at once. */
  readonly writers?: number;
  readonly onProgress?: (progress: IngestProgress) => void;
  /** Hears what takes a while before reading starts (a schema upgrade). */
  readonly onNote?: (message: string) => void;
}

export const DEFAULT_BATCH_SIZE = 1000;
/** S3 objects requested ahead of the one being read. */
const REMOTE_AHEAD = 4;
export const DEFAULT_WRITERS = 2;
/** Nodes + edges per batch: a whole flow-log file's aggregates can be far more than 1000 records' worth. */
const MAX_BATCH_WEIGHT = 50_000;

/**
 * Reads every file, parses and normalises each record, and loads the facts in batches. One
 * batch is written while the next is parsed (Neo4j and Node each keep a core busy); each batch
 * commits atomically, so an interrupted run loses at most the batches in flight and a rerun
 * completes it exactly.
 */
export async function runIngest(options: IngestOptions): Promise<IngestSummary> {
  const started = Date.now();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const sourceName = options.source === AUTO ? AUTO : options.source.name;
  const { files, skipped } = options.inputs
    ? { files: [...options.inputs], skipped: [] as string[] }
    : await listInputFiles(options.paths, options.source === AUTO ? autoWalker : options.source);
  const filesBySource: Record<string, number> = {};
  if (options.graph) await migrate(options.graph, options.onNote);
  const writer = options.graph ? new GraphWriter(options.graph) : null;

  const counts = { read: 0, loaded: 0, duplicates: 0, rejected: 0, bytesDone: 0, filesDone: 0 };
  const failedFiles: IngestSummary['failedFiles'] = [];
  let skippedAsIngested = 0;
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
      source: sourceName,
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
  let batchWeight = 0;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  const flush = async (final = false) => {
    const toWrite = batch;
    const heavy = batchWeight >= MAX_BATCH_WEIGHT;
    batch = [];
    batchWeight = 0;
    if (toWrite.length > 0) {
      if (!writer) {
        counts.loaded += toWrite.reduce((sum, f) => sum + (f.records ?? 1), 0);
      } else {
        while (inFlight.size >= writers) await Promise.race(inFlight);
        // A ledger entry vouches for its file's earlier batches: they must commit first.
        if (toWrite.some((f) => f.afterEarlierBatches)) await Promise.all(inFlight);
        // Heavy batches (a part of a flow-log file: 50,000 aggregates, about 70 MB of heap while
        // written) go one at a time. Two at once lock the same busy addresses and were no faster
        // (1M flow lines: 93 s with one, 96 s with two), but the process's live heap peaked at
        // 250 MB instead of 182 MB.
        if (heavy) await Promise.all(inFlight);
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

  // Remote objects (S3) are checked against the ledger and requested a few ahead, so the next
  // ones are already downloading while this one is parsed.
  const prepared = new Map<number, Promise<{ done: { records: number } | null; body: AsyncIterable<Buffer> | null }>>();
  const prepare = (from: number) => {
    for (let j = from; j < Math.min(files.length, from + REMOTE_AHEAD); j++) {
      const remote = files[j]!;
      if (!remote.open || prepared.has(j)) continue;
      const work = (async () => {
        const done = remote.ledgerKey && writer ? await writer.ledgerEntry(remote.ledgerKey) : null;
        return { done, body: done ? null : await remote.open!() };
      })();
      work.catch(() => {}); // reported when its turn comes
      prepared.set(j, work);
    }
  };

  try {
    for (const [index, file] of files.entries()) {
      currentFile = file.path;
      prepare(index);
      const remote = prepared.get(index);
      prepared.delete(index);
      const bytesBefore = counts.bytesDone;
      try {
        let source: LogSource;
        if (options.source === AUTO && file.sourceHint) {
          source = sources[file.sourceHint]!;
        } else if (options.source === AUTO && file.open) {
          void remote?.then((r) => (r.body as { destroy?: () => void } | null)?.destroy?.(), () => {});
          const reason = 'not in an AWSLogs folder that says what it holds: name the source (ingest cloudtrail|vpcflow|guardduty s3://…)';
          failedFiles.push({ file: file.path, reason });
          await options.rejects.add({ file: file.path, scope: 'file', reason });
          counts.bytesDone = bytesBefore + file.size;
          counts.filesDone += 1;
          continue;
        } else if (options.source === AUTO) {
          const detected = await detectFileSource(file.path, file.size);
          if (!detected.source) {
            const reason = `not a log Trailhound reads: this looks like ${detected.looksLike}`;
            failedFiles.push({ file: file.path, reason });
            await options.rejects.add({ file: file.path, scope: 'file', reason });
            counts.bytesDone = bytesBefore + file.size;
            counts.filesDone += 1;
            continue;
          }
          source = detected.source;
        } else {
          source = options.source;
        }
        filesBySource[source.name] = (filesBySource[source.name] ?? 0) + 1;
        let contentHash: string | null = null;
        if (source.ledger || file.ledgerKey) {
          const key = file.ledgerKey ?? (await hashFile(file.path, file.size));
          contentHash = key;
          const done = remote ? (await remote).done : writer ? await writer.ledgerEntry(key) : null;
          if (done) {
            // Already in the ledger (this path or the same content elsewhere): nothing to do.
            counts.read += done.records;
            counts.duplicates += done.records;
            skippedAsIngested += 1;
            counts.bytesDone = bytesBefore + file.size;
            counts.filesDone += 1;
            report();
            continue;
          }
        }
        const onRead = (n: number) => {
          counts.bytesDone += n;
          report();
        };
        const body = remote ? (await remote).body : null;
        const input = body ? await openStream(body, onRead) : file.open ? await openStream(await file.open(), onRead) : await openInput(file.path, onRead, file.size);
        const readBefore = counts.read;
        let refused = false;
        const context = { options: options.sourceOptions ?? {}, contentHash, runStartedAt: started };
        for await (const items of source.read(file, input.chunks, context)) {
          for (const item of items) {
            if (item.kind === 'facts') {
              counts.read += item.facts.records ?? 1;
              batch.push(item.facts);
              batchWeight += item.facts.nodes.length + item.facts.edges.length;
              if (batch.length >= batchSize || batchWeight >= MAX_BATCH_WEIGHT) await flush();
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
              refused = true;
              failedFiles.push({ file: file.path, reason: item.reason, ...(item.hint ? { hint: item.hint } : {}) });
              await options.rejects.add({ file: file.path, scope: 'file', reason: item.reason, ...(item.hint ? { hint: item.hint } : {}) });
            }
          }
        }
        // An S3 object of a source without its own ledger (CloudTrail, GuardDuty) is recorded
        // once its records are in, so a rerun does not download it again.
        if (file.ledgerKey && !source.ledger && !refused) {
          batch.push(ledgerEntry({ key: file.ledgerKey, source: source.name, location: file.path, size: file.size, records: counts.read - readBefore, ingestedAt: started }));
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
    source: sourceName,
    filesBySource,
    dryRun: options.graph === null,
    files: files.length,
    bytes: bytesTotal,
    read: counts.read,
    loaded: counts.loaded,
    duplicates: counts.duplicates,
    rejected: counts.rejected,
    failedFiles,
    skippedFiles: skipped.length,
    alreadyIngestedFiles: skippedAsIngested,
    rejectsFile: options.rejects.file,
    seconds: Math.round(seconds * 100) / 100,
    recordsPerSecond: seconds > 0 ? Math.round(counts.read / seconds) : counts.read,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
