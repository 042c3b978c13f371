import { Worker } from 'node:worker_threads';
import { UnreadableParquet } from '../vpcflow/parquet';
import { convertOcsfRow, type Converted } from './convert';
import { parquetRecordTexts } from './parquetRecords';

/** Batches the conversion thread may have ready ahead of the reader. */
const BATCHES_AHEAD = 2;

/**
 * A Parquet file's OCSF records, converted (convert.ts), in order, a batch at a time. The work
 * runs on a second thread: decoding (DuckDB, a CloudTrail row as only the fields its event is
 * rebuilt from, parquetProjection.ts), rebuilding each CloudTrail event and serialising it cost
 * about what reading a raw event does, and off the main thread they overlap its own work
 * (normalising, aggregating, writing). Only the converted text crosses over. Where
 * a worker cannot start, the same work runs on this thread.
 */
export async function* convertedParquet(path: string): AsyncGenerator<Converted[]> {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./workerBoot.mjs', import.meta.url), { workerData: { entry: new URL('./convertWorker.ts', import.meta.url).href, path } });
  } catch {
    for await (const rows of parquetRecordTexts(path)) yield rows.map(convertOcsfRow);
    return;
  }
  type Message = { type: 'batch'; out: Converted[] } | { type: 'end' } | { type: 'error'; message: string; unreadable: boolean };
  const inbox: Message[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  worker.on('message', (message: Message) => {
    inbox.push(message);
    wake?.();
  });
  worker.on('error', (error) => {
    failure = error;
    wake?.();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`the OCSF conversion thread stopped (exit code ${code})`);
    wake?.();
  });
  try {
    worker.postMessage({ credit: BATCHES_AHEAD });
    for (;;) {
      while (inbox.length === 0 && !failure) await new Promise<void>((resolve) => (wake = resolve));
      const message = inbox.shift();
      if (!message) throw failure!;
      if (message.type === 'end') return;
      if (message.type === 'error') throw message.unreadable ? new UnreadableParquet(message.message) : new Error(message.message);
      worker.postMessage({ credit: 1 });
      yield message.out;
    }
  } finally {
    await worker.terminate();
  }
}
