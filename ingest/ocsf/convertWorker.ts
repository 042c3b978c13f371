import { parentPort, workerData } from 'node:worker_threads';
import { UnreadableParquet } from '../vpcflow/parquet';
import { convertOcsfRow } from './convert';
import { parquetRecordTexts } from './parquetRecords';

/**
 * The OCSF conversion thread: decodes a Parquet file with DuckDB and converts its records,
 * sending what each becomes back a batch at a time, no more than the reader has room for
 * (`credit`), so that memory stays bounded however far the reader lags.
 */
const port = parentPort!;
let credit = 0;
let wake: (() => void) | null = null;
port.on('message', (message: { credit: number }) => {
  credit += message.credit;
  wake?.();
});

try {
  for await (const rows of parquetRecordTexts((workerData as { path: string }).path)) {
    while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
    credit -= 1;
    port.postMessage({ type: 'batch', out: rows.map(convertOcsfRow) });
  }
  port.postMessage({ type: 'end' });
} catch (error) {
  port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error), unreadable: error instanceof UnreadableParquet });
}
