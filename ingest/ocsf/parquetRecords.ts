import { DuckDBInstance } from '@duckdb/node-api';
import { quoteLiteral } from '../../store/sql';
import { UnreadableParquet } from '../vpcflow/parquet';

/**
 * OCSF records stored as Parquet (Amazon Security Lake: nested structs, lists, a map for
 * `unmapped`), each as JSON text: DuckDB decodes the row groups in native code and writes each
 * row as JSON (structs as objects, maps as objects, lists as arrays). Rows come a chunk (about
 * 2,048 rows) at a time, so memory stays flat whatever the number of row groups (DuckDB holds
 * one row group while it decodes it).
 */
export async function* parquetRecordTexts(path: string): AsyncGenerator<string[]> {
  // One thread: ingest runs its own work on the other core.
  const instance = await DuckDBInstance.create(':memory:', { threads: '1', memory_limit: '512MB', autoinstall_known_extensions: 'false' });
  try {
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
      yield (chunk.getColumnValues(0) as (string | null)[]).filter((line): line is string => line !== null);
    }
    connection.closeSync();
  } finally {
    instance.closeSync();
  }
}
