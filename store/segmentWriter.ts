import { renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BIGINT, BOOLEAN, DuckDBDataChunk, INTEGER, LIST, VARCHAR, listValue, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { RowOf } from './rows';
import { columnsOf, tables, type ColumnDeclaration, type ColumnType, type TableName } from './tables';
import { quoteIdentifier, quoteLiteral } from './sql';

// The C API's vector calls, to hand DuckDB whole typed arrays instead of one value at a time.
const bindings = createRequire(import.meta.url)('@duckdb/node-bindings') as typeof import('@duckdb/node-bindings');

/** What a written segment holds (for the manifest). */
export interface WrittenSegment {
  readonly rows: number;
  readonly minTime: number;
  readonly maxTime: number;
  readonly bytes: number;
}

const DUCK_TYPES: Record<ColumnType, DuckDBType> = { BIGINT, INTEGER, BOOLEAN, VARCHAR, 'VARCHAR[]': LIST(VARCHAR) };
const NUMERIC = new Set<ColumnType>(['BIGINT', 'INTEGER', 'BOOLEAN']);
/** Rows handed to DuckDB at a time (its vectors hold 2048 rows; strings go 10,240 at a time). */
const CHUNK = 2048;
const STRING_BATCH = 5 * CHUNK;
/** Row groups of a segment: small enough that a reader skips most of them by their statistics. */
const ROW_GROUP = 10_000;

// Strings travel joined by control characters (one parameter per column per batch: one call into
// DuckDB instead of one per value, measured 2-3 times cheaper on the main thread). A value that
// holds one of them takes the exact, slower way (DuckDB's chunk values).
const NULL_MARK = '\u001d';
const VALUE_SEPARATOR = '\u001e';
const LIST_SEPARATOR = '\u001f';
const SEPARATORS = /[\u001d-\u001f]/;

let tableNumber = 0;

/**
 * Writes rows of one table into one Parquet segment at `path` (written under a temporary name,
 * then renamed: nothing ever reads half a file), sorted as the table declares, ZSTD-compressed,
 * in row groups of 10,000. The work runs on DuckDB's threads; the main thread only packs values.
 */
export async function writeSegment<T extends TableName>(connection: DuckDBConnection, table: T, rows: readonly RowOf<T>[], path: string): Promise<WrittenSegment> {
  const columns = columnsOf(table);
  const numeric = columns.filter(([, c]) => NUMERIC.has(c.type));
  const strings = columns.filter(([, c]) => !NUMERIC.has(c.type));
  const id = `${table}_${process.pid}_${(tableNumber += 1)}`;
  const numbers = quoteIdentifier(`n_${id}`);
  const texts = quoteIdentifier(`s_${id}`);
  const timeColumn = tables[table].timeColumn;
  let minTime = Number.POSITIVE_INFINITY;
  let maxTime = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    const t = (row as Record<string, unknown>)[timeColumn] as number;
    if (t < minTime) minTime = t;
    if (t > maxTime) maxTime = t;
  }

  await connection.run(`CREATE TEMP TABLE ${numbers} (${numeric.map(([name, c]) => `${quoteIdentifier(name)} ${c.type}`).join(', ')})`);
  await connection.run(`CREATE TEMP TABLE ${texts} (${strings.map(([name, c]) => `${quoteIdentifier(name)} ${c.type}`).join(', ')})`);
  try {
    const appender = await connection.createAppender(`n_${id}`, 'main', 'temp');
    for (let start = 0; start < rows.length; start += CHUNK) appender.appendDataChunk(numericChunk(numeric, rows, start, Math.min(CHUNK, rows.length - start)));
    appender.closeSync();

    const names = strings.map(([name]) => name);
    const json = new Set(strings.filter(([, c]) => c.json).map(([name]) => name));
    if (rows.every((row) => names.every((name) => json.has(name) || separatorFree((row as Record<string, unknown>)[name])))) {
      await insertJoined(connection, texts, strings, rows);
    } else {
      await insertExact(connection, `s_${id}`, strings, rows);
    }

    const order = tables[table].sortedBy.map(quoteIdentifier).join(', ');
    const temporary = `${path}.tmp`;
    await connection.run(
      `COPY (SELECT ${columns.map(([name]) => quoteIdentifier(name)).join(', ')} FROM ${numbers} POSITIONAL JOIN ${texts} ORDER BY ${order}) ` +
        `TO ${quoteLiteral(temporary)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP})`,
    );
    renameSync(temporary, path);
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${numbers}`);
    await connection.run(`DROP TABLE IF EXISTS ${texts}`);
  }
  return { rows: rows.length, minTime, maxTime, bytes: statSync(path).size };
}

/** The numeric columns of rows [start, start + n) as one DuckDB chunk, column by column from typed arrays. */
function numericChunk(columns: readonly [string, ColumnDeclaration][], rows: readonly object[], start: number, n: number): DuckDBDataChunk {
  const chunk = DuckDBDataChunk.create(
    columns.map(([, c]) => DUCK_TYPES[c.type]),
    n,
  );
  columns.forEach(([name, c], index) => {
    const vector = bindings.data_chunk_get_vector(chunk.chunk, index);
    let valid: Uint8Array | null = null;
    const missing = (k: number) => {
      valid ??= new Uint8Array(CHUNK / 8).fill(255);
      valid[k >> 3]! &= ~(1 << (k & 7));
    };
    let data: Uint32Array | Int32Array | Uint8Array;
    if (c.type === 'BIGINT') {
      // 64-bit integers as their low and high 32 bits: no BigInt per value.
      data = new Uint32Array(n * 2);
      for (let k = 0; k < n; k++) {
        const v = (rows[start + k] as Record<string, unknown>)[name];
        if (typeof v !== 'number') missing(k);
        else {
          data[2 * k] = v >>> 0;
          data[2 * k + 1] = Math.floor(v / 4_294_967_296);
        }
      }
    } else {
      data = c.type === 'INTEGER' ? new Int32Array(n) : new Uint8Array(n);
      for (let k = 0; k < n; k++) {
        const v = (rows[start + k] as Record<string, unknown>)[name];
        if (v === null || v === undefined) missing(k);
        else data[k] = typeof v === 'boolean' ? (v ? 1 : 0) : (v as number);
      }
    }
    bindings.copy_data_to_vector(vector, 0, data.buffer as ArrayBuffer, 0, data.byteLength);
    if (valid) {
      bindings.vector_ensure_validity_writable(vector);
      bindings.copy_data_to_vector_validity(vector, 0, (valid as Uint8Array).buffer as ArrayBuffer, 0, Math.ceil(n / 64) * 8);
    }
  });
  return chunk;
}

/** Strings column by column, each batch's values joined into one parameter and split by DuckDB. */
async function insertJoined(connection: DuckDBConnection, texts: string, strings: readonly [string, ColumnDeclaration][], rows: readonly object[]): Promise<void> {
  const split = strings.map((_, i) => `unnest(string_split($${i + 1}, chr(30))) AS c${i}`).join(', ');
  const values = strings
    .map(([, c], i) =>
      c.type === 'VARCHAR[]' ? `CASE WHEN c${i} = chr(29) THEN NULL WHEN c${i} = '' THEN []::VARCHAR[] ELSE string_split(c${i}, chr(31)) END` : `nullif(c${i}, chr(29))`,
    )
    .join(', ');
  const insert = await connection.prepare(`INSERT INTO ${texts} SELECT ${values} FROM (SELECT ${split})`);
  for (let start = 0; start < rows.length; start += STRING_BATCH) {
    const batch = rows.slice(start, start + STRING_BATCH);
    strings.forEach(([name, c], i) => {
      const joined =
        c.type === 'VARCHAR[]'
          ? batch.map((row) => {
              const list = (row as Record<string, unknown>)[name] as readonly string[] | null;
              return list ? list.join(LIST_SEPARATOR) : NULL_MARK;
            })
          : batch.map((row) => ((row as Record<string, unknown>)[name] as string | null) ?? NULL_MARK);
      insert.bindVarchar(i + 1, joined.join(VALUE_SEPARATOR));
    });
    const result = await insert.run();
    // A stray separator would shift the columns: every row must have arrived as one row.
    if (result.rowsChanged !== batch.length) throw new Error(`segment write: ${result.rowsChanged} rows arrived of ${batch.length}`);
  }
}

/** The exact way, for a file with a value holding a separator: DuckDB's chunk values, one by one. */
async function insertExact(connection: DuckDBConnection, table: string, strings: readonly [string, ColumnDeclaration][], rows: readonly object[]): Promise<void> {
  const appender = await connection.createAppender(table, 'main', 'temp');
  for (let start = 0; start < rows.length; start += CHUNK) {
    const n = Math.min(CHUNK, rows.length - start);
    const chunk = DuckDBDataChunk.create(
      strings.map(([, c]) => DUCK_TYPES[c.type]),
      n,
    );
    strings.forEach(([name, c], index) => {
      const values: DuckDBValue[] = [];
      for (let k = 0; k < n; k++) {
        const v = (rows[start + k] as Record<string, unknown>)[name];
        values.push(v === null || v === undefined ? null : c.type === 'VARCHAR[]' ? listValue([...(v as string[])]) : (v as string));
      }
      chunk.setColumnValues(index, values);
    });
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
}

/** Whether a value can travel joined. (JSON text never holds a raw control character: not checked.) */
function separatorFree(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string' && !SEPARATORS.test(v));
  return typeof value === 'string' && !SEPARATORS.test(value);
}
