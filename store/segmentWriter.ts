import { renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BIGINT, BOOLEAN, DuckDBDataChunk, INTEGER, LIST, VARCHAR, listValue, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { RowOf } from './rows';
import { ColumnBuffer } from './columnBuffer';
import { type ColumnType, type TableName } from './tables';
import { quoteIdentifier, quoteLiteral } from './sql';

// The C API's vector calls, to hand DuckDB a numeric column as one typed array instead of a
// value at a time.
const bindings = createRequire(import.meta.url)('@duckdb/node-bindings') as typeof import('@duckdb/node-bindings');

/** What a written segment holds (for the manifest). */
export interface WrittenSegment {
  readonly rows: number;
  readonly minTime: number;
  readonly maxTime: number;
  readonly bytes: number;
}

const DUCK_TYPES: Record<ColumnType, DuckDBType> = { BIGINT, INTEGER, BOOLEAN, VARCHAR, 'VARCHAR[]': LIST(VARCHAR) };
/** Rows handed to DuckDB at a time: its vectors hold 2,048. */
const CHUNK = 2048;
/**
 * ZSTD level 1: on 50,000 stored CloudTrail events it wrote 7.82 MB with 174 ms of CPU
 * against 7.89 MB and 223-230 ms at DuckDB's default (3), read back as fast (docs/benchmarks.md).
 */
export const ZSTD_LEVEL = 1;
/** Row groups of a segment: small enough that a reader skips most of them by their statistics. */
export const ROW_GROUP = 10_000;

let tableNumber = 0;

/**
 * Writes rows of one table into one Parquet segment at `path` (written under a temporary name,
 * then renamed: nothing ever reads half a file), in the order given, ZSTD-compressed, in row
 * groups of 10,000. Rows go into a temporary table a chunk at a time (numbers as typed arrays,
 * text value by value); DuckDB writes the file on its own thread.
 *
 * Measured (docs/benchmarks.md): joining a text column's values into one parameter for DuckDB to
 * split took less of the main thread alone, but its large strings held 200 MB more in DuckDB and
 * made the whole load slower; sorting a segment cost DuckDB 80 MB more. Rows go in as they came:
 * logs arrive roughly in time order, so a row group covers a short time range and readers skip
 * the others by their statistics.
 */
export async function writeSegment<T extends TableName>(connection: DuckDBConnection, table: T, given: readonly RowOf<T>[] | ColumnBuffer<T>, path: string): Promise<WrittenSegment> {
  const rows = given instanceof ColumnBuffer ? given : ColumnBuffer.of(table, given);
  const columns = rows.columns;
  const name = `segment_${process.pid}_${(tableNumber += 1)}`;

  await connection.run(`CREATE TEMP TABLE ${quoteIdentifier(name)} (${columns.map(([column, c]) => `${quoteIdentifier(column)} ${c.type}`).join(', ')})`);
  try {
    const appender = await connection.createAppender(name, 'main', 'temp');
    for (let start = 0; start < rows.length; start += CHUNK) {
      appender.appendDataChunk(chunkOf(rows, start, Math.min(CHUNK, rows.length - start)));
      // Let the event loop breathe between chunks: parsing goes on meanwhile.
      if (start % (8 * CHUNK) === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    appender.closeSync();
    const temporary = `${path}.tmp`;
    await connection.run(`COPY ${quoteIdentifier(name)} TO ${quoteLiteral(temporary)} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL ${ZSTD_LEVEL}, ROW_GROUP_SIZE ${ROW_GROUP})`);
    renameSync(temporary, path);
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${quoteIdentifier(name)}`);
  }
  return { rows: rows.length, minTime: rows.minTime, maxTime: rows.maxTime, bytes: statSync(path).size };
}

/** Rows [start, start + n) as one DuckDB chunk, column by column. */
function chunkOf(rows: ColumnBuffer<TableName>, start: number, n: number): DuckDBDataChunk {
  const chunk = DuckDBDataChunk.create(
    rows.columns.map(([, c]) => DUCK_TYPES[c.type]),
    n,
  );
  rows.columns.forEach(([, c], index) => {
    const values = rows.values[index];
    if (c.type === 'VARCHAR[]') {
      const lists: DuckDBValue[] = new Array(n);
      for (let k = 0; k < n; k++) {
        const v = values![start + k];
        lists[k] = v === null || v === undefined ? null : listValue([...(v as string[])]);
      }
      chunk.setColumnValues(index, lists);
      return;
    }
    const vector = bindings.data_chunk_get_vector(chunk.chunk, index);
    let valid: Uint8Array | null = null;
    const missing = (k: number) => {
      valid ??= new Uint8Array(CHUNK / 8).fill(255);
      valid[k >> 3]! &= ~(1 << (k & 7));
    };
    const markMissing = () => {
      if (!valid) return;
      bindings.vector_ensure_validity_writable(vector);
      bindings.copy_data_to_vector_validity(vector, 0, (valid as Uint8Array).buffer as ArrayBuffer, 0, Math.ceil(n / 64) * 8);
    };
    if (c.type === 'VARCHAR') {
      // Straight into the vector, a call per value: the node-api's vector wrapper keeps a copy of
      // every value and a flag per row first (a tenth of a load's main thread went there).
      for (let k = 0; k < n; k++) {
        const v = values![start + k];
        if (v === null || v === undefined) missing(k);
        else bindings.vector_assign_string_element(vector, k, v as string);
      }
      markMissing();
      return;
    }
    const numbers = rows.numbers[index]!;
    let data: Uint32Array | Int32Array | Uint8Array;
    if (c.type === 'BIGINT') {
      // 64-bit integers as their low and high 32 bits: no BigInt per value.
      data = new Uint32Array(n * 2);
      for (let k = 0; k < n; k++) {
        const v = numbers[start + k]!;
        if (Number.isNaN(v)) missing(k);
        else {
          data[2 * k] = v >>> 0;
          data[2 * k + 1] = Math.floor(v / 4_294_967_296);
        }
      }
    } else {
      data = c.type === 'INTEGER' ? new Int32Array(n) : new Uint8Array(n);
      for (let k = 0; k < n; k++) {
        const v = numbers[start + k]!;
        if (Number.isNaN(v)) missing(k);
        else data[k] = v;
      }
    }
    bindings.copy_data_to_vector(vector, 0, data.buffer as ArrayBuffer, 0, data.byteLength);
    markMissing();
  });
  return chunk;
}
