import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { quoteLiteral } from '../../store/sql';
import { UnreadableParquet } from '../vpcflow/parquet';

/**
 * OCSF records stored as Parquet (Amazon Security Lake: nested structs, lists, a map for
 * `unmapped`), as JSON Lines: DuckDB decodes the row groups in native code and writes each row as
 * JSON (structs as objects, maps as objects, lists as arrays), which the JSON record reader then
 * reads as it reads any OCSF JSON Lines. Rows are pulled a chunk (about 2,048 rows) at a time,
 * so memory stays flat whatever the file's size.
 *
 * Parquet is read from its end, so the bytes are first spooled to a temporary file, removed
 * afterwards whatever happens.
 */
const ROWS_PER_SLICE = 128;

export async function* parquetAsJsonLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'trailhound-ocsf-'));
  let instance: DuckDBInstance | null = null;
  try {
    const path = join(dir, 'records.parquet');
    await pipeline(chunks, createWriteStream(path));
    // One thread: ingest runs its own work on the other core.
    instance = await DuckDBInstance.create(':memory:', { threads: '1', memory_limit: '512MB', autoinstall_known_extensions: 'false' });
    const connection = await instance.connect();
    let result;
    try {
      result = await connection.stream(`SELECT to_json(r)::VARCHAR FROM read_parquet(${quoteLiteral(path)}) r`);
    } catch (error) {
      throw new UnreadableParquet(error instanceof Error ? error.message : String(error));
    }
    for (;;) {
      let chunk;
      try {
        chunk = await result.fetchChunk();
      } catch (error) {
        throw new UnreadableParquet(error instanceof Error ? error.message : String(error));
      }
      if (!chunk || chunk.rowCount === 0) break;
      const column = (chunk.getColumnValues(0) as (string | null)[]).filter((line): line is string => line !== null);
      // In slices: a batch of records the size of a text file's chunk, not DuckDB's 2,048 rows
      // of kilobyte records at once (the reader holds a batch's parsed records).
      for (let start = 0; start < column.length; start += ROWS_PER_SLICE) yield Buffer.from(`${column.slice(start, start + ROWS_PER_SLICE).join('\n')}\n`);
    }
    connection.closeSync();
  } finally {
    instance?.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}
