import { gunzipSync } from 'node:zlib';
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema, type Compressors } from 'hyparquet';
import { peek, withSpooledFile } from '../read/chunks';

/** "PAR1": the first (and last) four bytes of every Parquet file. */
export function isParquet(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31;
}

/**
 * Rows decoded per call. hyparquet reads a row group's column chunks whole on every call, so a
 * row group is read in one call when it is no larger than this, and in slices of this many rows
 * (its chunks read once per slice) when it is: memory stays bounded either way.
 */
const MAX_ROWS_AT_A_TIME = 100_000;

/**
 * Snappy is built into hyparquet; AWS writes flow logs in Parquet with GZIP, which Node has.
 * Other codecs fail with hyparquet's own message naming the codec.
 */
const COMPRESSORS: Compressors = {
  GZIP: (input) => new Uint8Array(gunzipSync(input)),
};

/**
 * A flow log delivered as Parquet, as the text the flow-log reader already knows: a header line
 * of its columns (AWS names them with underscores, account_id; the text format with hyphens,
 * account-id), then one line per row with "-" for a missing value. Every check, aggregate and
 * ledger rule of the text format then applies unchanged; a rejected record's "line" is its row
 * number plus one.
 *
 * Parquet is read from its end (the footer says where the columns are), so the bytes are first
 * spooled to a temporary file, removed afterwards whatever happens.
 */
export function parquetAsText(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  return withSpooledFile(chunks, 'flows.parquet', decodeFlows);
}

async function* decodeFlows(path: string): AsyncGenerator<Buffer> {
  try {
    const file = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(file);
    const columns = parquetSchema(metadata).children.map((child) => child.element.name);
    yield Buffer.from(`${columns.map((name) => name.replaceAll('_', '-')).join(' ')}\n`);
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const groupEnd = groupStart + Number(group.num_rows);
      for (let start = groupStart; start < groupEnd; start += MAX_ROWS_AT_A_TIME) {
        let text = '';
        await parquetRead({
          file,
          metadata,
          columns,
          rowStart: start,
          rowEnd: Math.min(groupEnd, start + MAX_ROWS_AT_A_TIME),
          compressors: COMPRESSORS,
          onComplete: (batch: unknown[][]) => {
            for (const row of batch) text += `${row.map(fieldText).join(' ')}\n`;
          },
        });
        yield Buffer.from(text);
      }
      groupStart = groupEnd;
    }
  } catch (error) {
    // A corrupt or cut-short file: the reader refuses it with hyparquet's reason.
    throw new UnreadableParquet(error instanceof Error ? error.message : String(error));
  }
}

/** The Parquet data could not be decoded (the file is refused, with this reason). */
export class UnreadableParquet extends Error {}

/**
 * The file's bytes as text: Parquet turned into flow-log lines, anything else as it is. The
 * input is closed however reading ends (a refused file stops early).
 */
export async function* flowLogText(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const { first, all } = await peek(chunks);
  if (first === null) return;
  yield* isParquet(first) ? parquetAsText(all) : all;
}

/** A value as the text format writes it: "-" when absent; never a space inside a field. */
function fieldText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  const text = typeof value === 'bigint' ? value.toString() : String(value);
  return /\s/.test(text) ? text.replace(/\s+/g, '_') : text;
}
