import type { Graph } from '../../graph/driver';
import { migrate } from '../../graph/migrate';
import { withCommitted } from '../../graph/connectionWatch';
import { DEFAULT_WINDOW_EVENTS, Loader } from './loader';
import { listInputFiles } from './inputFiles';
import { AUTO, autoWalker, detectFileSource } from '../autoSource';
import { hashFile } from './hashFile';
import { openInput, openStream } from './openInput';
import { ledgerEntry } from './ledgerEntry';
import type { RejectsLog } from './rejectsLog';
import type { InputFile, LogSource, ParsedItem } from './types';
import { describeThrown } from '../read/nesting';
import { sources } from '../sources';
import { parquetMemory } from '../ocsf/parquetMemory';

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
  /** The event store folder the graph's events go to (storeDirFrom). */
  readonly storeDir: string;
  readonly rejects: RejectsLog;
  /** Events per commit: their evidence is written to the graph in one transaction. */
  readonly batchSize?: number;
  /** Source-specific options (e.g. vpcflow fields). */
  readonly sourceOptions?: Readonly<Record<string, string | undefined>>;
  readonly onProgress?: (progress: IngestProgress) => void;
  /** Hears what takes a while before reading starts (a schema upgrade, another ingest holding the store). */
  readonly onNote?: (message: string) => void;
  /** Who is writing, for the event store's lock ("ingest" by default). */
  readonly command?: string;
}

export const DEFAULT_BATCH_SIZE = DEFAULT_WINDOW_EVENTS;
/** S3 objects requested ahead of the one being read. */
const REMOTE_AHEAD = 4;

/**
 * Reads every file, parses each record, and hands it to the loader (deduplicate, store,
 * aggregate, write the graph; see loader.ts). Each file gets a ledger entry (the hash of its
 * bytes, or an S3 object's key and ETag) once its records are committed: a rerun skips it
 * unread. An interrupted run loses at most the commit in flight, and a rerun completes it exactly.
 */
export async function runIngest(options: IngestOptions): Promise<IngestSummary> {
  const started = Date.now();
  // Read by the OCSF conversion thread: a bad value is named now, before any work, not there.
  parquetMemory();
  const sourceName = options.source === AUTO ? AUTO : options.source.name;
  const { files, skipped } = options.inputs
    ? { files: [...options.inputs], skipped: [] as string[] }
    : await listInputFiles(options.paths, options.source === AUTO ? autoWalker : options.source);
  const filesBySource: Record<string, number> = {};
  if (options.graph) await migrate(options.graph, options.onNote);
  const counts = { read: 0, rejected: 0, bytesDone: 0, filesDone: 0 };
  let loader: Loader | null = null;
  const report = () =>
    options.onProgress?.({
      source: sourceName,
      filesDone: counts.filesDone,
      filesTotal: files.length,
      bytesDone: counts.bytesDone,
      bytesTotal,
      read: counts.read,
      loaded: loader?.counts.loaded ?? 0,
      duplicates: loader?.counts.duplicates ?? 0,
      rejected: counts.rejected,
      elapsedMs: Date.now() - started,
      currentFile,
    });
  loader = await Loader.open({
    graph: options.graph,
    storeDir: options.storeDir,
    command: options.command ?? 'ingest',
    windowEvents: options.batchSize ?? DEFAULT_BATCH_SIZE,
    ...(options.onNote ? { onNote: options.onNote } : {}),
    onCommit: report,
  });
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
      }, Number(process.env.TRAILHOUND_DEBUG_MEMORY) > 100 ? Number(process.env.TRAILHOUND_DEBUG_MEMORY) : 10_000)
    : null;

  // Remote objects (S3) are checked against the ledger and requested a few ahead, so the next
  // ones are already downloading while this one is parsed.
  const prepared = new Map<number, Promise<{ done: { records: number; source: string | null } | null; body: AsyncIterable<Buffer> | null }>>();
  const prepare = (from: number) => {
    for (let j = from; j < Math.min(files.length, from + REMOTE_AHEAD); j++) {
      const remote = files[j]!;
      if (!remote.open || prepared.has(j)) continue;
      const work = (async () => {
        const done = remote.ledgerKey ? await loader!.ledgerEntry(remote.ledgerKey) : null;
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
        // Every input has a ledger entry once its records are in: a local file by the hash of its
        // bytes (whatever its path), an S3 object by its key and ETag.
        const contentHash = file.ledgerKey ?? (await hashFile(file.path, file.size));
        {
          const done = remote ? (await remote).done : await loader.ledgerEntry(contentHash);
          // Loaded as this source before. (Named as another source, it is read and refused with
          // what it is: the user learns which command reads it.)
          if (done && done.source === source.name) {
            // Already in the ledger (this path or the same content elsewhere): nothing to do.
            counts.read += done.records;
            loader.counts.duplicates += done.records;
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
        const body = remote ? ((await remote).body ?? (file.open ? await file.open() : null)) : null;
        const input = body ? await openStream(body, onRead) : file.open ? await openStream(await file.open(), onRead) : await openInput(file.path, onRead, file.size);
        const readBefore = counts.read;
        const rejectedBefore = counts.rejected;
        let refused = false;
        const context = { options: options.sourceOptions ?? {}, contentHash, runStartedAt: started };
        // The reader's own failure (a bug some input reaches) ends this file, not the run: the
        // file is reported with where it stopped, and the next file is read. A failed commit is
        // the loader's, and stops the run (the catch below).
        const reader = source.read(file, input.chunks, context)[Symbol.asyncIterator]();
        for (;;) {
          let next: IteratorResult<ParsedItem[]>;
          try {
            next = await reader.next();
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            if (code === 'EACCES' || code === 'ENOENT' || code === 'EISDIR') throw error;
            refused = true;
            await loader.abandonPart();
            const reason = `reading stopped after ${counts.read - readBefore} records: ${describeThrown(error)}`;
            const hint = 'The records before it were loaded. Please report this with the file; a fixed version reads the rest when the same command runs again.';
            failedFiles.push({ file: file.path, reason, hint });
            await options.rejects.add({ file: file.path, scope: 'file', reason, hint });
            break;
          }
          if (next.done) break;
          for (const item of next.value) {
            switch (item.kind) {
              case 'event': {
                counts.read += 1;
                const outcome = await loader.event(item.event);
                if (typeof outcome === 'object') {
                  counts.rejected += 1;
                  await options.rejects.add({
                    file: file.path,
                    scope: 'record',
                    ...(item.position ? { record: item.position.index, line: item.position.line, byteOffset: item.position.byteOffset } : {}),
                    reason: outcome.rejected,
                    recordId: item.event.eventId,
                  });
                }
                break;
              }
              case 'facts':
                counts.read += item.facts.records ?? 1;
                await loader.facts(item.facts);
                break;
              case 'flowRecord': {
                const committing = loader.flowRecord(item.row);
                if (committing) await committing;
                break;
              }
              case 'flowPart':
                counts.read += item.part.facts.records ?? 1;
                await loader.flowPart(item.part);
                break;
              case 'reject':
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
                break;
              case 'refuseFile':
                refused = true;
                await loader.abandonPart();
                failedFiles.push({ file: file.path, reason: item.reason, ...(item.hint ? { hint: item.hint } : {}) });
                await options.rejects.add({ file: file.path, scope: 'file', reason: item.reason, ...(item.hint ? { hint: item.hint } : {}) });
                break;
            }
          }
        }
        // The file's ledger entry vouches for all of its records: it commits after (or with) the
        // last of them. A file with rejected records gets none: a rerun (after a fix, a newer
        // version) reads it again, and what was loaded is recognised and not counted twice.
        if (!refused && counts.rejected === rejectedBefore) {
          await loader.facts(ledgerEntry({ key: contentHash, source: source.name, location: file.path, size: file.size, records: counts.read - readBefore, ingestedAt: started }));
        }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // A failed commit (the store, the graph) stops the run; only the file's own errors are the file's.
        if (loader.failed || (code !== 'EACCES' && code !== 'ENOENT' && code !== 'EISDIR')) throw error;
        const reason = code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'the file disappeared while reading' : 'is a directory';
        await loader.abandonPart();
        failedFiles.push({ file: file.path, reason });
        await options.rejects.add({ file: file.path, scope: 'file', reason });
      }
      // Count the file's full size even if it was refused early, so progress reaches 100%.
      counts.bytesDone = bytesBefore + file.size;
      counts.filesDone += 1;
      report();
    }
    await loader.finish();
  } catch (error) {
    const l = loader.counts;
    throw withCommitted(
      error,
      `${l.loaded.toLocaleString('en-US')} records loaded and ${l.duplicates.toLocaleString('en-US')} found already in, of ${counts.read.toLocaleString('en-US')} read; ${counts.filesDone} of ${files.length} files read to the end`,
    );
  } finally {
    if (memoryTimer) clearInterval(memoryTimer);
    await loader.close();
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
    loaded: loader.counts.loaded,
    duplicates: loader.counts.duplicates,
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
