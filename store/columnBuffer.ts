import { createRequire } from 'node:module';
import { BIGINT, BOOLEAN, DuckDBDataChunk, INTEGER, LIST, VARCHAR, type DuckDBType } from '@duckdb/node-api';
import type { RowOf } from './rows';
import { columnsOf, tables, type ColumnDeclaration, type ColumnType, type TableName } from './tables';

// The C API's vector calls, to hand DuckDB a numeric column as one typed array and a text value
// straight into its vector (the node-api's vector wrapper keeps a copy of every value and a flag
// per row first: a tenth of a load's main thread went there).
const bindings = createRequire(import.meta.url)('@duckdb/node-bindings') as typeof import('@duckdb/node-bindings');

const DUCK_TYPES: Record<ColumnType, DuckDBType> = { BIGINT, INTEGER, BOOLEAN, VARCHAR, 'VARCHAR[]': LIST(VARCHAR) };
/** Rows of one DuckDB chunk: its vectors hold 2,048. */
export const CHUNK = 2048;
/**
 * Rows a buffer keeps as JavaScript values before its text goes into DuckDB's vectors as it
 * arrives. A chunk costs its full size (2,048 rows of every column) whatever it holds, and a
 * window can touch many days with a few rows each.
 */
const NATIVE_FROM = 256;
/**
 * Chunks a commit's buffers may have open in DuckDB at once (each about half a megabyte whatever it
 * holds): past that, a buffer keeps its text as values until its chunk is full. Rows spread over
 * hundreds of days in one window (a hostile file) would otherwise cost a chunk each.
 */
export const OPEN_NATIVE_CHUNKS = 32;
/** Rows a chunk's numbers have room for at first: they grow, doubling, up to CHUNK. */
const FIRST_ROOM = 256;

/** What the buffers of one commit share: how many native chunks they have open. */
export interface NativeBudget {
  open: number;
}
/**
 * Text longer than this is never compared with the row before's: a stored record or a long
 * message does not repeat, and two of the same length would be compared character by character.
 */
const REPEATS_UP_TO = 256;
/** Emptied chunks kept for reuse, per table: a chunk's memory is freed only by the collector otherwise. */
const SPARE_CHUNKS = 8;
const spare = new Map<TableName, DuckDBDataChunk[]>();

type Kind = 'number' | 'text' | 'list';

/** The chunk being filled: numbers and lists in JavaScript until it is sealed, text in DuckDB once the buffer is large. */
interface OpenChunk {
  /** Per column: its numbers (numeric columns), NaN for missing; room for `room` rows. */
  numbers: (Float64Array | null)[];
  room: number;
  /** Per column: its values (list columns; text columns while the chunk is not native). */
  readonly values: (unknown[] | null)[];
  /** Per text column: rows whose text is missing (bit clear), made when the first is. */
  readonly valid: (Uint8Array | null)[];
  /** The DuckDB chunk that holds the text, once native. */
  native: { chunk: DuckDBDataChunk; vectors: (unknown | null)[] } | null;
  /** Per text column: the text of the last row assigned, once native. */
  readonly last: (string | null)[];
  /** Per text column: rows whose text is the row before's (1), copied when the chunk is sealed; made when the first is. */
  readonly repeats: (Uint8Array | null)[];
  n: number;
}

/**
 * Rows of one table waiting for their segment, as DuckDB chunks of 2,048 rows. Text goes into
 * DuckDB's vectors (outside the JavaScript heap) as each row arrives, so a stored record's text
 * dies young instead of waiting for its segment and being promoted and copied by the collector
 * (the text is most of what a load keeps between segments; docs/benchmarks.md). Numbers (and
 * booleans, as 0 and 1) wait in a typed array per column, lists as values, until their chunk is
 * sealed. A small buffer (a day touched by a few rows) keeps its text as values until it grows.
 * A row object dies as soon as it is copied in. Missing numbers are NaN.
 */
export class ColumnBuffer<T extends TableName> {
  readonly columns: readonly [string, ColumnDeclaration][];
  private readonly kinds: readonly Kind[];
  private readonly types: readonly DuckDBType[];
  /** Full chunks, in order. */
  private readonly sealed: DuckDBDataChunk[] = [];
  private open: OpenChunk | null = null;
  private readonly timeIndex: number;
  length = 0;
  minTime = Number.POSITIVE_INFINITY;
  maxTime = Number.NEGATIVE_INFINITY;

  constructor(
    readonly table: T,
    readonly capacity: number,
    /** Shared by the buffers of one commit (StagedCommit); a buffer alone has its own. */
    private readonly budget: NativeBudget = { open: 0 },
  ) {
    this.columns = columnsOf(table);
    this.kinds = this.columns.map(([, c]) => (c.type === 'VARCHAR' ? 'text' : c.type === 'VARCHAR[]' ? 'list' : 'number'));
    this.types = this.columns.map(([, c]) => DUCK_TYPES[c.type]);
    this.timeIndex = this.columns.findIndex(([name]) => name === tables[table].timeColumn);
  }

  /** The rows of an array, in order (for writers that have them all at once). */
  static of<T extends TableName>(table: T, rows: readonly RowOf<T>[]): ColumnBuffer<T> {
    const buffer = new ColumnBuffer(table, rows.length);
    for (const row of rows) buffer.push(row);
    return buffer;
  }

  get full(): boolean {
    return this.length >= this.capacity;
  }

  /** Copies a row in (the row itself is not kept). */
  push(row: RowOf<T>): void {
    if (this.length >= this.capacity) throw new Error(`a ${this.table} segment holds at most ${this.capacity} rows`);
    const open = (this.open ??= this.openChunk());
    const at = open.n;
    if (at === open.room) this.grow(open);
    if (open.native === null && this.length >= NATIVE_FROM && this.budget.open < OPEN_NATIVE_CHUNKS) this.goNative(open);
    const values = row as Record<string, unknown>;
    for (let i = 0; i < this.columns.length; i++) {
      const value = values[this.columns[i]![0]];
      const numbers = open.numbers[i];
      if (numbers) {
        numbers[at] = value === null || value === undefined ? Number.NaN : typeof value === 'boolean' ? (value ? 1 : 0) : (value as number);
      } else if (this.kinds[i] === 'text' && open.native) {
        if (value === null || value === undefined) {
          missing(open, i, at);
          open.last[i] = null;
        } else if ((value as string).length <= REPEATS_UP_TO && value === open.last[i]) (open.repeats[i] ??= new Uint8Array(CHUNK))[at] = 1;
        else {
          bindings.vector_assign_string_element(open.native.vectors[i] as never, at, value as string);
          open.last[i] = value as string;
        }
      } else open.values[i]!.push(value ?? null);
    }
    const time = open.numbers[this.timeIndex]![at]!;
    if (time < this.minTime) this.minTime = time;
    if (time > this.maxTime) this.maxTime = time;
    open.n = at + 1;
    this.length += 1;
    if (open.n === CHUNK) {
      this.sealed.push(this.seal(open));
      this.open = null;
    }
  }

  /**
   * Every row as DuckDB chunks, in order, handed over once: the caller appends them and gives
   * each back (`release`).
   */
  takeChunks(): DuckDBDataChunk[] {
    if (this.open && this.open.n > 0) this.sealed.push(this.seal(this.open));
    this.open = null;
    return this.sealed.splice(0);
  }

  /** A chunk appended, emptied and kept for the next buffer of this table. */
  release(chunk: DuckDBDataChunk): void {
    const kept = spare.get(this.table) ?? [];
    spare.set(this.table, kept);
    if (kept.length >= SPARE_CHUNKS) return;
    // Frees the strings' memory now; the vectors stay for reuse.
    chunk.reset();
    kept.push(chunk);
  }

  private openChunk(): OpenChunk {
    // A buffer past its first rows fills whole chunks: room for all of it at once.
    const room = this.length >= NATIVE_FROM ? CHUNK : FIRST_ROOM;
    return {
      numbers: this.kinds.map((kind) => (kind === 'number' ? new Float64Array(room) : null)),
      room,
      values: this.kinds.map((kind) => (kind === 'number' ? null : [])),
      valid: this.kinds.map(() => null),
      native: null,
      last: this.kinds.map(() => null),
      repeats: this.kinds.map(() => null),
      n: 0,
    };
  }

  private grow(open: OpenChunk): void {
    open.room = Math.min(CHUNK, open.room * 2);
    open.numbers = open.numbers.map((numbers) => {
      if (!numbers) return null;
      const larger = new Float64Array(open.room);
      larger.set(numbers);
      return larger;
    });
  }

  /** Moves the open chunk's text into a DuckDB chunk; the rest of its rows' text goes there directly. */
  private goNative(open: OpenChunk): void {
    this.budget.open += 1;
    const chunk = spare.get(this.table)?.pop() ?? DuckDBDataChunk.create(this.types);
    const vectors = this.kinds.map((kind, i) => (kind === 'text' ? bindings.data_chunk_get_vector(chunk.chunk, i) : null));
    open.native = { chunk, vectors };
    this.kinds.forEach((kind, i) => {
      if (kind !== 'text') return;
      const values = open.values[i]!;
      for (let k = 0; k < values.length; k++) {
        const value = values[k];
        if (value === null || value === undefined) missing(open, i, k);
        else bindings.vector_assign_string_element(vectors[i] as never, k, value as string);
      }
      open.values[i] = null;
    });
  }

  /** The open chunk as a DuckDB chunk of its rows: text, numbers, lists and what is missing. */
  private seal(open: OpenChunk): DuckDBDataChunk {
    if (!open.native) this.goNative(open);
    this.budget.open -= 1;
    const { chunk, vectors } = open.native!;
    const n = open.n;
    chunk.rowCount = n;
    this.kinds.forEach((kind, index) => {
      const vector = vectors[index] ?? bindings.data_chunk_get_vector(chunk.chunk, index);
      const repeats = open.repeats[index];
      if (repeats) copyRepeats(vector, repeats, n);
      if (kind === 'list') {
        fillTextLists(vector, open.values[index] as (readonly (string | null)[] | null | undefined)[], n, (k) => missing(open, index, k));
      }
      if (kind === 'number') {
        const type = this.columns[index]![1].type;
        const numbers = open.numbers[index]!;
        let data: Uint32Array | Int32Array | Uint8Array;
        if (type === 'BIGINT') {
          // 64-bit integers as their low and high 32 bits: no BigInt per value.
          data = new Uint32Array(n * 2);
          for (let k = 0; k < n; k++) {
            const v = numbers[k]!;
            if (Number.isNaN(v)) missing(open, index, k);
            else {
              data[2 * k] = v >>> 0;
              data[2 * k + 1] = Math.floor(v / 4_294_967_296);
            }
          }
        } else {
          data = type === 'INTEGER' ? new Int32Array(n) : new Uint8Array(n);
          for (let k = 0; k < n; k++) {
            const v = numbers[k]!;
            if (Number.isNaN(v)) missing(open, index, k);
            else data[k] = v;
          }
        }
        bindings.copy_data_to_vector(vector as never, 0, data.buffer as ArrayBuffer, 0, data.byteLength);
      }
      const valid = open.valid[index];
      if (valid) {
        bindings.vector_ensure_validity_writable(vector as never);
        bindings.copy_data_to_vector_validity(vector as never, 0, valid.buffer as ArrayBuffer, 0, Math.ceil(n / 64) * 8);
      }
    });
    return chunk;
  }
}

/**
 * Gives each row marked in `repeats` the row before's text: its 16-byte string record (length,
 * then the text itself or a pointer into the vector's own string heap) copied within the vector
 * in one read and one write, instead of a call into DuckDB for every row. Logs repeat themselves
 * row after row (a flow log's interface, account, VPC and action; CloudTrail's service, region
 * and caller): most text values of a flow-log load were such repeats.
 */
function copyRepeats(vector: unknown, repeats: Uint8Array, n: number): void {
  const records = bindings.vector_get_data(vector as never, n * 16);
  for (let k = 1; k < n; k++) if (repeats[k] === 1) records.copyWithin(k * 16, (k - 1) * 16, k * 16);
  bindings.copy_data_to_vector(vector as never, 0, records.buffer as ArrayBuffer, records.byteOffset, n * 16);
}

/** Marks a row's value of a column missing. */
function missing(open: OpenChunk, column: number, row: number): void {
  const valid = (open.valid[column] ??= new Uint8Array(CHUNK / 8).fill(255));
  valid[row >> 3]! &= ~(1 << (row & 7));
}

/**
 * A LIST(VARCHAR) column written into its vector directly: each row's entry (offset and length
 * into the child vector, as two 64-bit integers) in one copy, and the elements into the child
 * one by one. node-api's list values cost a wrapper object per list and per element, and a
 * validity flag per row (for flow records, a tenth of what a load allocated).
 */
function fillTextLists(vector: unknown, lists: readonly (readonly (string | null)[] | null | undefined)[], n: number, missingRow: (row: number) => void): void {
  let total = 0;
  for (let k = 0; k < n; k++) total += lists[k]?.length ?? 0;
  const target = vector as never;
  bindings.list_vector_reserve(target, total);
  bindings.list_vector_set_size(target, total);
  const child = bindings.list_vector_get_child(target) as never;
  // list_entry_t: offset, then length, each as its low and high 32 bits.
  const entries = new Uint32Array(n * 4);
  let childValid: Uint8Array | null = null;
  let at = 0;
  for (let k = 0; k < n; k++) {
    const list = lists[k];
    if (list === null || list === undefined) {
      missingRow(k);
      continue;
    }
    entries[4 * k] = at;
    entries[4 * k + 2] = list.length;
    for (let j = 0; j < list.length; j++, at++) {
      const element = list[j];
      if (element === null || element === undefined) {
        childValid ??= new Uint8Array(Math.ceil(total / 64) * 8).fill(255);
        childValid[at >> 3]! &= ~(1 << (at & 7));
      } else bindings.vector_assign_string_element(child, at, element);
    }
  }
  bindings.copy_data_to_vector(target, 0, entries.buffer as ArrayBuffer, 0, entries.byteLength);
  if (childValid) {
    bindings.vector_ensure_validity_writable(child);
    bindings.copy_data_to_vector_validity(child, 0, (childValid as Uint8Array).buffer as ArrayBuffer, 0, childValid.byteLength);
  }
}
