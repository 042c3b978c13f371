import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from '../../store/sql';
import { UnreadableParquet } from '../vpcflow/parquet';
import { parquetMemory, ranOutOfMemory } from './parquetMemory';
import { ocsfRowsQuery, type OcsfRowText, type ParquetSchema } from './parquetProjection';

/**
 * OCSF records stored as Parquet (Amazon Security Lake: nested structs, lists, a map for
 * `unmapped`), each as JSON text: DuckDB decodes the row groups in native code and writes each
 * row as JSON (structs as objects, maps as objects, lists as arrays), a CloudTrail row as only
 * the fields its event is rebuilt from (parquetProjection.ts). Rows come a chunk (about 2,048
 * rows) at a time, so memory stays flat whatever the number of row groups (DuckDB holds one row
 * group while it decodes it).
 *
 * A streamed read that fails part way (a damaged row group, memory run out) ends in DuckDB's C
 * API exactly as a read that is done, and this binding cannot ask which it was: the rows read are
 * checked against the row count in the file's footer, and a read that stopped short is refused
 * with the reason a second, whole read gives, never taken for the whole file.
 */
export async function* parquetRecordTexts(path: string): AsyncGenerator<OcsfRowText[]> {
  let connection;
  try {
    connection = await (await decoder()).connect();
  } catch (error) {
    throw new UnreadableParquet(error instanceof Error ? error.message : String(error));
  }
  try {
    let result;
    let expected: number;
    try {
      const footer = await connection.runAndReadAll(`SELECT num_rows FROM parquet_file_metadata(${quoteLiteral(path)})`);
      expected = Number(footer.getRowObjectsJS()[0]?.num_rows ?? 0);
      const described = await connection.run(`SELECT * FROM read_parquet(${quoteLiteral(path)}) LIMIT 0`);
      const schema = JSON.parse(JSON.stringify(described.columnNamesAndTypesJson())) as ParquetSchema;
      result = await connection.stream(ocsfRowsQuery(path, schema));
    } catch (error) {
      throw new UnreadableParquet(error instanceof Error ? error.message : String(error));
    }
    let read = 0;
    for (;;) {
      let chunk;
      try {
        chunk = await result.fetchChunk();
      } catch (error) {
        throw new UnreadableParquet(error instanceof Error ? error.message : String(error));
      }
      if (!chunk || chunk.rowCount === 0) break;
      read += chunk.rowCount;
      const records = chunk.getColumnValues(0) as (string | null)[];
      const requests = chunk.getColumnValues(1) as (string | null)[];
      const responses = chunk.getColumnValues(2) as (string | null)[];
      // The chunk's strings are copied out: its native memory (about 3 MB of text) goes now,
      // not when V8 finalizes the chunk, which a small heap does rarely (30-50 MB less at peak).
      chunk.reset();
      const rows: OcsfRowText[] = [];
      for (let i = 0; i < records.length; i++) {
        const record = records[i];
        if (record != null) rows.push({ record, request: requests[i] ?? null, response: responses[i] ?? null });
      }
      yield rows;
    }
    if (read < expected) {
      const reason = await whyStopped(connection, path);
      // Memory that ran out part way is named as such (source.ts), like memory that ran out at once.
      throw new UnreadableParquet(ranOutOfMemory(reason) ? reason : `DuckDB stopped reading after row ${read} of ${expected}: ${reason}`);
    }
  } finally {
    connection.closeSync();
  }
}

/** Why a streamed read ended early: the error a whole read of every row and column raises. */
async function whyStopped(connection: DuckDBConnection, path: string): Promise<string> {
  try {
    await connection.run(`SELECT count(to_json(r)) FROM read_parquet(${quoteLiteral(path)}) r`);
    return 'the rest could not be decoded (a second read gave no reason)';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

let instance: Promise<DuckDBInstance> | null = null;

/**
 * DuckDB's allocator keeps what a decode freed for its next allocation, up to 128 MB after a
 * task and 512 MB after a bulk free by default: memory that this process, which holds one row
 * group at a time and then works on other things, never needs again. Given back at once, the
 * 100,000-row benchmark file decodes at a peak 35-40 MB lower, for no CPU measured.
 */
const GIVE_BACK = { allocator_flush_threshold: '0MB', allocator_bulk_deallocation_flush_threshold: '0MB' };

/**
 * One in-memory DuckDB for every file this thread decodes: opening one costs about 50 ms, more
 * than a small Security Lake file takes to read. One DuckDB thread: ingest runs its own work on
 * the other core. Its memory: parquetMemory.ts.
 */
function decoder(): Promise<DuckDBInstance> {
  instance ??= DuckDBInstance.create(':memory:', { threads: '1', memory_limit: parquetMemory(), autoinstall_known_extensions: 'false', ...GIVE_BACK }).catch((error: unknown) => {
    instance = null;
    throw error;
  });
  return instance;
}
