import { parentPort } from 'node:worker_threads';
import { UnreadableParquet } from '../vpcflow/parquet';
import { convertOcsfRow } from './convert';
import { parquetRecordTexts } from './parquetRecords';
import type { ToConverter } from './converter';

/**
 * The OCSF conversion thread: decodes Parquet files with DuckDB and converts their records, one
 * file at a time, for as long as the ingest runs (starting a thread costs more than a small
 * Security Lake file takes to convert). What each record becomes goes back a batch at a time, no
 * more than the reader has room for (`credit`), so memory stays bounded however far it lags.
 */
const port = parentPort!;
let job: { id: number; credit: number; cancelled: boolean } | null = null;
const waiting: { id: number; path: string }[] = [];
let wake: (() => void) | null = null;

port.on('message', (message: ToConverter) => {
  if (message.type === 'file') {
    waiting.push(message);
    if (!job) void next();
  } else if (job && message.id === job.id) {
    if (message.type === 'credit') job.credit += message.credit;
    else job.cancelled = true;
    wake?.();
  }
});

async function next(): Promise<void> {
  const file = waiting.shift();
  if (!file) return;
  const current = (job = { id: file.id, credit: 0, cancelled: false });
  try {
    for await (const rows of parquetRecordTexts(file.path)) {
      while (current.credit <= 0 && !current.cancelled) await new Promise<void>((resolve) => (wake = resolve));
      if (current.cancelled) break;
      current.credit -= 1;
      port.postMessage({ type: 'batch', id: current.id, out: rows.map(convertOcsfRow) });
    }
    port.postMessage({ type: 'end', id: current.id });
  } catch (error) {
    port.postMessage({ type: 'error', id: current.id, message: error instanceof Error ? error.message : String(error), unreadable: error instanceof UnreadableParquet });
  }
  job = null;
  void next();
}
