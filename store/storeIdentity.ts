import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TrailhoundError } from '../graph/errors';
import { STORE_FILE } from './layout';

export const STORE_FORMAT = 'trailhound-event-store';

/** What store.json says: which store this is. The graph records the id of its own store. */
export interface StoreIdentity {
  readonly format: typeof STORE_FORMAT;
  readonly version: 1;
  readonly storeId: string;
  readonly createdAt: number;
}

/** The default folder, beside the local database's (.data/neo4j). */
export const DEFAULT_STORE_DIR = join('.data', 'events');

/** Where the event store is: --store, else TRAILHOUND_EVENTS_DIR, else .data/events (relative to the working directory). */
export function storeDirFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const dir = resolve(flag?.trim() || env.TRAILHOUND_EVENTS_DIR?.trim() || DEFAULT_STORE_DIR);
  // DuckDB reads a file list's entries as glob patterns: a folder named with them would read other files.
  if (/[*?[\]{}]/.test(dir)) {
    throw new TrailhoundError('BAD_OPTION', `The event store folder ${dir} has a character that file patterns use (* ? [ ] { }).`, 'Give the store a folder whose path has none of them.');
  }
  return dir;
}

/** The store's identity, or null when the folder holds no store yet. */
export function readStoreIdentity(root: string): StoreIdentity | null {
  const path = join(root, STORE_FILE);
  if (!existsSync(path)) return null;
  let value: Partial<StoreIdentity>;
  try {
    value = JSON.parse(readFileSync(path, 'utf8')) as Partial<StoreIdentity>;
  } catch {
    value = {};
  }
  if (value.format !== STORE_FORMAT || value.version !== 1 || typeof value.storeId !== 'string') {
    throw new TrailhoundError('NOT_A_STORE', `${root} is not a Trailhound event store (${STORE_FILE} is not one this version reads).`, 'Point --store (or TRAILHOUND_EVENTS_DIR) at the folder the ingest wrote.');
  }
  return value as StoreIdentity;
}

/** Creates the folder and its identity (idempotent: an existing store keeps its own). */
export function createStore(root: string): StoreIdentity {
  const existing = readStoreIdentity(root);
  if (existing) return existing;
  mkdirSync(root, { recursive: true });
  const identity: StoreIdentity = { format: STORE_FORMAT, version: 1, storeId: randomUUID(), createdAt: Date.now() };
  writeFileSync(join(root, STORE_FILE), `${JSON.stringify(identity, null, 2)}\n`, { flag: 'wx' });
  return identity;
}
