import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { syncFile } from './fsync';
import { TrailhoundError } from '../graph/errors';
import { MANIFEST_FILE } from './layout';
import { tables, type TableName } from './tables';

/** One committed segment: a Parquet file of one table and one day. */
export interface Segment {
  /** Relative to the store, with "/" (layout.ts segmentPath). */
  readonly path: string;
  readonly table: TableName;
  readonly day: string;
  readonly rows: number;
  /** The earliest and latest time in it (the table's time column), epoch ms: readers skip files outside a query's range. */
  readonly minTime: number;
  readonly maxTime: number;
  /** The commit that wrote it (a graph ledger entry vouches for it), or the merge (store/compact.ts) that wrote it from committed segments. */
  readonly commit: string;
  /** Bytes on disk. */
  readonly bytes: number;
}

/** A segment merged into a larger one: left in place a while for readers that are still on it. */
export interface RetiredSegment {
  readonly path: string;
  readonly retiredAt: number;
}

/**
 * What is in the store: the committed segments, and nothing else. Readers read exactly these
 * files (never a directory listing), so a segment being written, staged or merged is invisible
 * until the manifest names it, and a merge never shows rows twice. Replaced atomically (write,
 * fsync, rename), only by the ingest holding the lock.
 */
export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly version: 1;
  readonly segments: readonly Segment[];
  readonly retired: readonly RetiredSegment[];
}

export const MANIFEST_FORMAT = 'trailhound-event-store-manifest';

export const EMPTY_MANIFEST: Manifest = { format: MANIFEST_FORMAT, version: 1, segments: [], retired: [] };

/** The manifest as on disk; an empty one when the store has none yet. */
export function readManifest(root: string): Manifest {
  let text: string;
  try {
    text = readFileSync(join(root, MANIFEST_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_MANIFEST;
    throw error;
  }
  let value: Partial<Manifest>;
  try {
    value = JSON.parse(text) as Partial<Manifest>;
  } catch {
    throw damaged(root, `${MANIFEST_FILE} is not JSON`);
  }
  if (value.format !== MANIFEST_FORMAT || value.version !== 1 || !Array.isArray(value.segments) || !Array.isArray(value.retired)) {
    throw damaged(root, `${MANIFEST_FILE} is not a manifest this version reads`);
  }
  for (const s of value.segments) checkSegment(root, s, join(root, MANIFEST_FILE));
  // Retired paths are deleted in time: only a segment path of this store's own form ever is.
  for (const r of value.retired as Partial<RetiredSegment>[]) {
    if (typeof r.path !== 'string' || !SEGMENT_PATH.test(r.path) || !Number.isSafeInteger(r.retiredAt)) {
      throw damaged(root, `${MANIFEST_FILE} retires a path this store does not write (${JSON.stringify(r.path ?? null).slice(0, 80)})`);
    }
  }
  return value as Manifest;
}

/**
 * A segment entry must name a file this store writes, in its own table's and day's folder: the
 * path becomes part of a query's file list and of renames, so nothing else (a path out of the
 * store, a glob, a table that does not exist) is ever taken from a file on disk.
 */
const SEGMENT_PATH = /^source=([a-z_]+)\/day=(\d{4}-\d{2}-\d{2})\/part-[0-9a-f]{16}-\d{1,9}\.parquet$/;

export function checkSegment(root: string, segment: Partial<Segment>, where: string): void {
  const match = typeof segment.path === 'string' ? SEGMENT_PATH.exec(segment.path) : null;
  const ok =
    match !== null &&
    typeof segment.table === 'string' &&
    Object.hasOwn(tables, segment.table) &&
    match[1] === segment.table &&
    match[2] === segment.day &&
    Number.isSafeInteger(segment.rows) &&
    Number.isSafeInteger(segment.minTime) &&
    Number.isSafeInteger(segment.maxTime);
  if (!ok) throw damaged(root, `${where} names a segment this store does not write (${JSON.stringify(segment.path ?? null).slice(0, 80)})`);
}

/** A cheap token that changes whenever the manifest is replaced (readers poll it). */
export function manifestVersionToken(root: string): string {
  try {
    const stat = statSync(join(root, MANIFEST_FILE), { bigint: true });
    return `${stat.mtimeNs}:${stat.ino}:${stat.size}`;
  } catch {
    return 'none';
  }
}

/** Replaces the manifest atomically: a reader sees the old one or the new one, never a mix. */
export function writeManifest(root: string, manifest: Manifest): void {
  const path = join(root, MANIFEST_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, JSON.stringify(manifest));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  // The rename is durable once the folder is: a manifest that readers saw must not come back older.
  syncFile(dirname(path));
}

function damaged(root: string, why: string): TrailhoundError {
  return new TrailhoundError(
    'STORE_DAMAGED',
    `The event store at ${root} cannot be read: ${why}.`,
    'Restore the folder from a backup, or start over: an empty graph and store, then ingest the logs again.',
  );
}
