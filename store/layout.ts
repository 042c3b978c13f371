import { join, relative, sep } from 'node:path';
import type { TableName } from './tables';

/**
 * Where things live in an event store folder (docs/event-store.md):
 *
 *   store.json                        which store this is (its id, which the graph records)
 *   manifest.json                     the committed segments: readers read these and nothing else
 *   ingest.lock                       held by the one ingest writing
 *   staging/<commit>/...              segments written but not yet committed
 *   source=<table>/day=<YYYY-MM-DD>/part-<commit>-<n>.parquet
 */
export const STORE_FILE = 'store.json';
export const MANIFEST_FILE = 'manifest.json';
export const LOCK_FILE = 'ingest.lock';
export const STAGING_DIR = 'staging';

const DAY = 86_400_000;

/** The UTC day of an epoch-ms time, as the partition names it (YYYY-MM-DD). */
export function dayOf(time: number): string {
  const day = dayNumber(time);
  let name = DAY_NAMES.get(day);
  if (name === undefined) {
    if (DAY_NAMES.size >= 4096) DAY_NAMES.clear();
    name = new Date(day * DAY).toISOString().slice(0, 10);
    DAY_NAMES.set(day, name);
  }
  return name;
}

/**
 * Day names already made, by day number: every stored row asks for its day, and building the
 * name through a Date each time was a twentieth of a flow load's main thread. The same string
 * each time also keeps its hash, for the maps keyed by it.
 */
const DAY_NAMES = new Map<number, string>();

/** Days since 1970-01-01 (UTC) of an epoch-ms time: a cheap key for per-day structures. */
export function dayNumber(time: number): number {
  return Math.floor(time / DAY);
}

/** The first and last epoch ms of a partition day. */
export function daySpan(day: string): { from: number; to: number } {
  const from = Date.parse(`${day}T00:00:00.000Z`);
  return { from, to: from + DAY - 1 };
}

/** A segment's path relative to the store: how the manifest names it (always with "/"). */
export function segmentPath(table: TableName, day: string, commit: string, index: number): string {
  return `source=${table}/day=${day}/part-${commit}-${index}.parquet`;
}

/** The staging copy of a segment, before its commit. */
export function stagingPath(root: string, commit: string, segment: string): string {
  return join(root, STAGING_DIR, commit, ...segment.split('/'));
}

/** An absolute path for a manifest path. */
export function absolute(root: string, segment: string): string {
  return join(root, ...segment.split('/'));
}

/** The manifest form of a path under the store (for tests and tools). */
export function manifestForm(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}
