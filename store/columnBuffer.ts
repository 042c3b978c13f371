import type { RowOf } from './rows';
import { columnsOf, tables, type ColumnDeclaration, type TableName } from './tables';

/**
 * Rows of one table waiting for their segment, kept column by column: numbers (and booleans, as
 * 0 and 1) in one typed array a column, text and lists as arrays of values. A row object dies as
 * soon as it is copied in, so the collector never carries (and promotes) thousands of them while a
 * segment fills (100,000 CloudTrail events: about 4% less CPU; docs/benchmarks.md). Missing
 * numbers are NaN.
 */
export class ColumnBuffer<T extends TableName> {
  readonly columns: readonly [string, ColumnDeclaration][];
  /** Per column: its numbers (numeric columns) or null. */
  numbers: (Float64Array | null)[];
  /** Per column: its values (text and list columns) or null. */
  readonly values: (unknown[] | null)[];
  /** Rows the typed arrays have room for now: they grow, doubling, up to `capacity`. */
  private room: number;
  private readonly timeIndex: number;
  length = 0;
  minTime = Number.POSITIVE_INFINITY;
  maxTime = Number.NEGATIVE_INFINITY;

  constructor(
    readonly table: T,
    readonly capacity: number,
  ) {
    this.columns = columnsOf(table);
    const numeric = (c: ColumnDeclaration) => c.type === 'BIGINT' || c.type === 'INTEGER' || c.type === 'BOOLEAN';
    // A window can touch many days with a few rows each: start small.
    this.room = Math.min(capacity, 1024);
    this.numbers = this.columns.map(([, c]) => (numeric(c) ? new Float64Array(this.room) : null));
    this.values = this.columns.map(([, c]) => (numeric(c) ? null : []));
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
    const at = this.length;
    if (at === this.room) this.grow();
    const values = row as Record<string, unknown>;
    for (let i = 0; i < this.columns.length; i++) {
      const value = values[this.columns[i]![0]];
      const numbers = this.numbers[i];
      if (numbers) numbers[at] = value === null || value === undefined ? Number.NaN : typeof value === 'boolean' ? (value ? 1 : 0) : (value as number);
      else this.values[i]!.push(value ?? null);
    }
    const time = this.numbers[this.timeIndex]![at]!;
    if (time < this.minTime) this.minTime = time;
    if (time > this.maxTime) this.maxTime = time;
    this.length = at + 1;
  }

  private grow(): void {
    this.room = Math.min(this.capacity, this.room * 2);
    this.numbers = this.numbers.map((numbers) => {
      if (!numbers) return null;
      const larger = new Float64Array(this.room);
      larger.set(numbers);
      return larger;
    });
  }
}
