import { parentPort } from 'node:worker_threads';
import { ConversionQueue } from './conversionQueue';
import { convertOcsfRow } from './convert';
import { packBatch } from './packedBatch';
import { parquetRecordTexts } from './parquetRecords';
import type { ToConverter } from './converter';

/**
 * The OCSF conversion thread: decodes Parquet files with DuckDB and converts their records, one
 * file at a time, for as long as the ingest runs (starting a thread costs more than a small
 * Security Lake file takes to convert). What each record becomes goes back a batch at a time, no
 * more than the reader has room for (`credit`), so memory stays bounded however far it lags.
 */
const port = parentPort!;

async function* converted(path: string) {
  for await (const rows of parquetRecordTexts(path)) yield packBatch(rows.map(convertOcsfRow));
}

// A batch's bytes are handed over, not copied (packedBatch.ts).
const queue = new ConversionQueue(converted, (message) => port.postMessage(message, message.type === 'batch' ? [message.out.bytes.buffer as ArrayBuffer] : []));
port.on('message', (message: ToConverter) => queue.receive(message));
