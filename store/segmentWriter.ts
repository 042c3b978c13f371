import { renameSync, statSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RowOf } from './rows';
import { ColumnBuffer } from './columnBuffer';
import type { TableName } from './tables';
import { quoteIdentifier, quoteLiteral } from './sql';

/** What a written segment holds (for the manifest). */
export interface WrittenSegment {
  readonly rows: number;
  readonly minTime: number;
  readonly maxTime: number;
  readonly bytes: number;
}

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
    for (const [i, chunk] of rows.takeChunks().entries()) {
      appender.appendDataChunk(chunk);
      rows.release(chunk);
      // Let the event loop breathe between chunks: parsing goes on meanwhile.
      if (i % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
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
