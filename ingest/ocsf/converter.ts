import { Worker } from 'node:worker_threads';
import { UnreadableParquet } from '../vpcflow/parquet';
import type { ConversionReport } from './conversionQueue';
import { convertOcsfRow, type Converted } from './convert';
import { unpackBatch, type PackedBatch } from './packedBatch';
import { parquetRecordTexts } from './parquetRecords';

/**
 * Batches (about 2,048 records each) the conversion thread may have ready ahead of the reader.
 * The reader stops for a while at each commit; with 2 the thread had stopped too, and the reader
 * then waited for it (100,000 events: 10.4 s against 11.1 s at the median of three loads).
 */
const BATCHES_AHEAD = 8;

/** What the reader tells the conversion thread (convertWorker.ts). */
export type ToConverter =
  | { readonly type: 'file'; readonly id: number; readonly path: string }
  | { readonly type: 'credit'; readonly id: number; readonly credit: number }
  | { readonly type: 'cancel'; readonly id: number };

type FromConverter = ConversionReport<PackedBatch>;

/**
 * A Parquet file's OCSF records, converted (convert.ts), in order, a batch at a time. The work
 * runs on a second thread: decoding (DuckDB, a CloudTrail row as only the fields its event is
 * rebuilt from, parquetProjection.ts), rebuilding each CloudTrail event and serialising it cost
 * about what reading a raw event does, and off the main thread they overlap its own work
 * (normalising, aggregating, writing). Only the converted text crosses over. The thread is kept
 * between files: Security Lake writes many small files (one per few minutes, account and region),
 * and starting a thread for each cost 0.35 s, more than converting a thousand records. Where a
 * thread cannot start, the same work runs on this thread.
 */
export async function* convertedParquet(path: string): AsyncGenerator<Converted[]> {
  const thread = ConversionThread.take();
  if (!thread) {
    for await (const rows of parquetRecordTexts(path)) yield rows.map(convertOcsfRow);
    return;
  }
  try {
    for await (const batch of thread.convert(path)) yield batch;
  } finally {
    // Also after a file left half read: the thread is told to stop that file (convert's
    // `cancel`) and takes the next in turn. Terminating a thread while DuckDB still works for it
    // can abort the whole process, so only a failed thread is stopped (release).
    thread.release();
  }
}

/** How many conversion threads this process has started: one per ingest, unless one failed. */
export function conversionThreadsStarted(): number {
  return ConversionThread.started;
}

/** Ends the idle conversion thread, as if it had died between two files (tests). */
export async function endIdleConversionThread(): Promise<void> {
  await ConversionThread.endIdle();
}

/** The conversion thread, one file at a time; an idle one waits (not keeping the process alive) for the next file. */
class ConversionThread {
  static started = 0;
  private static idle: ConversionThread | null = null;
  private static nextId = 1;
  private readonly inbox: FromConverter[] = [];
  private wake: (() => void) | null = null;
  private failure: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromConverter) => this.notify(() => this.inbox.push(message)));
    worker.on('error', (error) => this.notify(() => (this.failure ??= error)));
    worker.on('exit', (code) => this.notify(() => (this.failure ??= new Error(`the OCSF conversion thread stopped (exit code ${code})`))));
  }

  /** The idle thread, else a new one; null when no thread can start. */
  static take(): ConversionThread | null {
    const idle = ConversionThread.idle;
    // A failed idle thread is let go too: left as `idle`, it made every later release() stop the
    // healthy thread that replaced it, and every file start a thread of its own.
    ConversionThread.idle = null;
    if (idle && !idle.failure) {
      idle.worker.ref();
      return idle;
    }
    try {
      ConversionThread.started += 1;
      return new ConversionThread(new Worker(new URL('./workerBoot.mjs', import.meta.url), { workerData: { entry: new URL('./convertWorker.ts', import.meta.url).href } }));
    } catch {
      return null;
    }
  }

  static async endIdle(): Promise<void> {
    await ConversionThread.idle?.stop();
  }

  async *convert(path: string): AsyncGenerator<Converted[]> {
    const id = ConversionThread.nextId++;
    this.send({ type: 'file', id, path });
    this.send({ type: 'credit', id, credit: BATCHES_AHEAD });
    try {
      for (;;) {
        while (this.inbox.length === 0 && !this.failure) await new Promise<void>((resolve) => (this.wake = resolve));
        const message = this.inbox.shift();
        if (!message) throw this.failure!;
        if (message.id !== id) continue;
        if (message.type === 'end') return;
        if (message.type === 'error') throw message.unreadable ? new UnreadableParquet(message.message) : new Error(message.message);
        this.send({ type: 'credit', id, credit: 1 });
        yield unpackBatch(message.out);
      }
    } finally {
      this.send({ type: 'cancel', id });
    }
  }

  /** Kept for the next file: unreferenced, so an idle thread never keeps the process from exiting. */
  release(): void {
    if (this.failure || ConversionThread.idle) {
      void this.stop();
      return;
    }
    this.inbox.length = 0;
    this.worker.unref();
    ConversionThread.idle = this;
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }

  private send(message: ToConverter): void {
    if (!this.failure) this.worker.postMessage(message);
  }

  private notify(change: () => void): void {
    change();
    this.wake?.();
  }
}
