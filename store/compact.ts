import { renameSync, statSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Segment } from './manifest';
import { quoteIdentifier, quoteLiteral } from './sql';
import { ROW_GROUP, ZSTD_LEVEL } from './segmentWriter';
import { columnsOf, SEGMENT_ROWS, tables, type TableName } from './tables';

/**
 * Compaction: a day's small segments merged into a few large ones. Each commit writes its own
 * segments (10,000 CloudTrail rows at most, fewer at a window's end), and a store fed by
 * scheduled pulls or small files gathers thousands of them; every query opens each file in its
 * time range. Merging keeps every row exactly once and changes nothing a reader sees but the
 * file count and the order of rows inside a file.
 */

/**
 * Rows a merged segment holds at most. CloudTrail rows carry the whole record (about 150 bytes
 * each compressed): 100,000 make a file of about 15 MB, and a day of a million events ten files
 * instead of a hundred. Flow rows are small.
 */
export const MERGED_ROWS: Record<TableName, number> = { cloudtrail: 100_000, vpcflow: 500_000, vpcflow_hours: 500_000 };

/** Which segments a compaction merges. */
export interface CompactionPolicy {
  /** A segment with fewer rows than this is merged (per table). */
  readonly smallerThan: (table: TableName) => number;
  /** A table's day is merged only when it holds at least this many such segments. */
  readonly atLeast: number;
  /**
   * Whether merged files are sorted by the table's `sortedBy`. Sorting needs memory (DuckDB spills
   * only part of it); without it, a merge streams its inputs in time order through a few MB.
   */
  readonly sorted: boolean;
}

/** `trailhound compact`: every day with two or more segments below the merged size. */
export const MERGE_ALL: CompactionPolicy = { smallerThan: (table) => MERGED_ROWS[table], atLeast: 2, sorted: true };

/**
 * After every ingest: only days that gathered many tiny segments, under a quarter of a commit's
 * (2,500 CloudTrail rows, 6,250 flow rows; a pull every few minutes writes one per run), so that a store fed that way stays fast without anyone running `compact`,
 * while a bulk load (segments of 10,000 rows) is left alone and costs nothing more. Not sorted:
 * the ingest keeps its memory bound (a later `compact` sorts what is still below the merged size).
 */
export const MERGE_TINY: CompactionPolicy = { smallerThan: (table) => SEGMENT_ROWS[table] / 4, atLeast: 32, sorted: false };

/** Segments of one table and day merged into one. */
export interface MergeGroup {
  readonly table: TableName;
  /** Whether the merged file is to be sorted (the policy's). */
  readonly sorted: boolean;
  readonly day: string;
  readonly inputs: readonly Segment[];
  readonly rows: number;
}

/** Narrows a compaction to some tables or days (undefined: all). */
export interface CompactionScope {
  readonly tables?: readonly TableName[] | undefined;
  readonly days?: readonly string[] | undefined;
}

/**
 * The merges a policy asks for, from the manifest alone (nothing is read). A day's candidates are
 * taken in time order and packed into groups of at most MERGED_ROWS, so each merged file covers a
 * stretch of the day and readers still skip files by time; a group of one is left as it is.
 */
export function planMerges(segments: readonly Segment[], policy: CompactionPolicy, scope: CompactionScope = {}): MergeGroup[] {
  const byDay = new Map<string, Segment[]>();
  for (const segment of segments) {
    if (scope.tables && !scope.tables.includes(segment.table)) continue;
    if (scope.days && !scope.days.includes(segment.day)) continue;
    if (segment.rows >= policy.smallerThan(segment.table)) continue;
    const key = `${segment.table}/${segment.day}`;
    let list = byDay.get(key);
    if (!list) byDay.set(key, (list = []));
    list.push(segment);
  }
  const groups: MergeGroup[] = [];
  for (const candidates of byDay.values()) {
    if (candidates.length < policy.atLeast) continue;
    candidates.sort((a, b) => a.minTime - b.minTime || a.maxTime - b.maxTime || (a.path < b.path ? -1 : 1));
    const { table, day } = candidates[0]!;
    let inputs: Segment[] = [];
    let rows = 0;
    const close = () => {
      if (inputs.length > 1) groups.push({ table, day, inputs, rows, sorted: policy.sorted });
      inputs = [];
      rows = 0;
    };
    for (const segment of candidates) {
      if (rows + segment.rows > MERGED_ROWS[table]) close();
      inputs.push(segment);
      rows += segment.rows;
    }
    close();
  }
  return groups.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.table < b.table ? -1 : 1));
}

/**
 * Writes the rows of `files` (one table's segments) into one segment at `path`, in the ingest's
 * format (ZSTD, row groups of ROW_GROUP). Sorted: by the table's `sortedBy` (a principal's calls,
 * an address's flows, in a few row groups that readers find by their statistics); else in the
 * order of `files`, each file's rows as they are. Returns the rows written, read back from the new
 * file's footer: the caller compares them with the inputs'.
 */
export async function mergeInto(connection: DuckDBConnection, table: TableName, files: readonly string[], path: string, sorted: boolean): Promise<{ rows: number; bytes: number }> {
  const columns = columnsOf(table)
    .map(([name]) => quoteIdentifier(name))
    .join(', ');
  const order = sorted ? ` ORDER BY ${tables[table].sortedBy.map(quoteIdentifier).join(', ')}` : '';
  const temporary = `${path}.tmp`;
  // hive_partitioning off: the folder names are not columns of the rows.
  const source = `read_parquet([${files.map(quoteLiteral).join(', ')}], hive_partitioning = false)`;
  await connection.run(
    `COPY (SELECT ${columns} FROM ${source}${order}) TO ${quoteLiteral(temporary)} ` +
      `(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL ${ZSTD_LEVEL}, ROW_GROUP_SIZE ${ROW_GROUP})`,
  );
  const counted = await connection.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM read_parquet(${quoteLiteral(temporary)})`);
  const rows = Number(counted.getRowObjectsJS()[0]!.n);
  renameSync(temporary, path);
  return { rows, bytes: statSync(path).size };
}
