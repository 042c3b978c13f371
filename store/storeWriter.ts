import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { foldersUpTo, syncFile, syncFileAsync } from './fsync';
import { dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Graph } from '../graph/driver';
import { EventIdIndex } from './eventIdIndex';
import { checkStoreBinding } from './graphBinding';
import { acquireIngestLock, type LockHolder } from './ingestLock';
import { absolute, dayOf, segmentPath, STAGING_DIR, stagingPath } from './layout';
import { checkSegment, readManifest, writeManifest, type Manifest, type RetiredSegment, type Segment } from './manifest';
import { TrailhoundError } from '../graph/errors';
import { committedMarkers, commitMarkerKey } from './commitMarkers';
import type { RowOf } from './rows';
import { ColumnBuffer, type NativeBudget } from './columnBuffer';
import type { IdSet } from './idSet';
import { quoteLiteral } from './sql';
import { createStore, readStoreIdentity } from './storeIdentity';
import { SEGMENT_ROWS, tables, type TableName } from './tables';
import { writeSegment } from './segmentWriter';
import { MERGE_TINY, mergeInto, planMerges, type MergeGroup } from './compact';


/**
 * When DuckDB's allocator hands what a segment's write freed at once back to the system
 * (`allocator_bulk_deallocation_flush_threshold`). A CloudTrail segment carries whole records:
 * its temporary table and the COPY's row group buffers, kept by the allocator after the write,
 * were about 80 MB of native memory that stayed (1M-event loads in pairs: 454 and 471 MB with them
 * kept, 389 and 403 MB with them returned, in the same time). Flow segments are numbers and short text, and returning their
 * memory after each write cost more than it saved: loading 5M flow lines took 9.4-10.9 s of system
 * CPU against 5.2-5.9, and in two pairs of three 87 s of user CPU against 72-83 (docs/benchmarks.md).
 */
const DUCKDB_DEFAULT_BULK_FLUSH = '512MB';
const BULK_FLUSH: Record<TableName, string> = { cloudtrail: '0MB', vpcflow: DUCKDB_DEFAULT_BULK_FLUSH, vpcflow_hours: DUCKDB_DEFAULT_BULK_FLUSH };

export interface StoreWriterOptions {
  /** Who is writing, for the lock file ("ingest", "demo", ...). */
  readonly command: string;
  /** Hears what takes a while or waits: another ingest holding the store, a recovery. */
  readonly onNote?: (message: string) => void;
}

/** What a compaction did. */
export interface CompactionSummary {
  /** Segments merged away (retired). */
  merged: number;
  /** Merged segments written. */
  written: number;
  rows: number;
  bytesBefore: number;
  bytesAfter: number;
  /** Days that had segments merged. */
  days: number;
  /** Merged files that were to be sorted and are in time order instead (their rows did not fit DuckDB's memory to sort). */
  unsorted: number;
}

/**
 * How long a merged-away segment stays on disk: a server moves to a new manifest within a second,
 * but an export started before may read the old one's files for minutes.
 */
export const KEEP_RETIRED_MS = 60 * 60_000;

/** DuckDB's memory while an ingest writes segments (see EventStoreWriter.open). */
const INGEST_MEMORY = '64MB';
/**
 * While `compact` sorts: DuckDB spills part of a sort, not all of it. 128MB failed on a day of the
 * API benchmark's store (1.24M events), 256MB peaked at 263 MB RSS (TRAILHOUND_COMPACT_MEMORY to tune).
 */
const COMPACT_MEMORY = '256MB';

/** A merge's listing in its staging folder (a commit's is commit.json). */
const MERGE_LISTING = 'merge.json';

/**
 * An ingest's hold on the event store: the only writer (it holds the lock), the eventId index,
 * and the commits. A commit stages its segments, the graph transaction that counts their
 * evidence writes the commit's marker, and only then are the segments published in the manifest.
 * A run killed at any point leaves either a marker-less staging folder (discarded by the next
 * ingest: the graph never counted it) or a marked one (published by the next ingest), never
 * events counted and missing, or stored and uncounted.
 */
export class EventStoreWriter {
  private manifest: Manifest;
  readonly index: EventIdIndex;
  private writes: Promise<void> = Promise.resolve();
  /** The allocator setting in force (BULK_FLUSH). */
  private bulkFlush = DUCKDB_DEFAULT_BULK_FLUSH;

  private constructor(
    readonly root: string,
    private readonly instance: DuckDBInstance,
    private readonly writing: DuckDBConnection,
    private readonly reading: DuckDBConnection,
    private readonly release: () => void,
    manifest: Manifest,
    settle: () => Promise<void>,
  ) {
    this.manifest = manifest;
    this.index = new EventIdIndex((day, into) => this.loadEventIds(day, into), settle);
  }

  /**
   * Takes the store at `root` for an ingest into `graph`: waits for any other ingest to finish,
   * checks that the store is this graph's (binding a new one), and recovers what a killed run
   * left staged. `settle` waits for this run's commits in flight (see EventIdIndex).
   */
  static async open(root: string, graph: Graph, options: StoreWriterOptions & { settle: () => Promise<void> }): Promise<EventStoreWriter> {
    mkdirSync(root, { recursive: true });
    const release = await acquireIngestLock(root, {
      command: options.command,
      onWait: (holder: LockHolder) =>
        options.onNote?.(`waiting for another ingest (pid ${holder.pid}, ${holder.command}, since ${new Date(holder.since).toISOString()}) to finish with the event store at ${root}`),
    });
    try {
      // The binding is checked before anything is created or recovered: a folder that is not this
      // graph's store is left as it was.
      await checkStoreBinding(graph, root, readStoreIdentity(root), readManifest(root), true);
      const identity = readStoreIdentity(root) ?? createStore(root);
      await checkStoreBinding(graph, root, identity, readManifest(root), true);
      const manifest = await recoverStaged(root, graph, readManifest(root), options.onNote);
      // One thread: the other core is Neo4j's. A memory limit with somewhere to spill keeps the
      // ingest's memory flat; the staging folder is removed with the commit. Freed memory goes back
      // to the system at once (flush threshold 0, returned by DuckDB's background thread): with the
      // 8MB threshold a 1M-event load peaked at 562 MB RSS, with this at 512 MB (median over the
      // first 40 s: 454 -> 368 MB; docs/benchmarks.md). A lower memory_limit does not help: temporary
      // tables of a window do not spill, and 32-48MB failed with "Out of Memory Error".
      // What a CloudTrail segment's write frees at once goes back too: see BULK_FLUSH.
      const spill = join(root, STAGING_DIR, 'duckdb-spill');
      const instance = await DuckDBInstance.create(':memory:', {
        threads: '1',
        memory_limit: INGEST_MEMORY,
        allocator_flush_threshold: '0MB',
        allocator_background_threads: 'true',
        temp_directory: spill,
        preserve_insertion_order: 'true',
        autoinstall_known_extensions: 'false',
      });
      const writing = await instance.connect();
      const reading = await instance.connect();
      return new EventStoreWriter(root, instance, writing, reading, release, manifest, options.settle);
    } catch (error) {
      release();
      throw error;
    }
  }

  /** A new commit: its segments are staged until `publish`. */
  begin(): StagedCommit {
    return new StagedCommit(this, randomUUID().replaceAll('-', '').slice(0, 16));
  }

  /**
   * The commits' segments join the manifest: readers see them from now on. The commits of one
   * graph transaction (a flow window's parts) are published with one manifest write.
   */
  publish(commits: readonly StagedCommit[]): void {
    const published = commits.filter((c) => c.segments.length > 0);
    if (published.length === 0) return;
    const made = new Set<string>();
    for (const commit of published) {
      for (const segment of commit.segments) {
        const target = absolute(this.root, segment.path);
        const folder = dirname(target);
        if (!made.has(folder)) {
          mkdirSync(folder, { recursive: true });
          made.add(folder);
        }
        renameSync(stagingPath(this.root, commit.id, segment.path), target);
      }
    }
    // The renames are durable before the manifest names their files, and the manifest (which
    // syncs its own folder) before the staged folders go: a power cut at any point leaves each
    // file in one place that some manifest or staged listing names.
    for (const folder of new Set([...made].flatMap((leaf) => foldersUpTo(this.root, leaf)))) syncFile(folder);
    this.manifest = { ...this.manifest, segments: [...this.manifest.segments, ...published.flatMap((c) => c.segments)] };
    writeManifest(this.root, this.manifest);
    for (const commit of published) rmSync(join(this.root, STAGING_DIR, commit.id), { recursive: true, force: true });
  }

  /**
   * A commit whose graph transaction did not count it (a part already loaded, a part cut short):
   * its segments go, once those already queued are written (else a write would recreate them).
   */
  async discard(commit: StagedCommit): Promise<void> {
    await commit.settled();
    rmSync(join(this.root, STAGING_DIR, commit.id), { recursive: true, force: true });
  }

  get segments(): readonly Segment[] {
    return this.manifest.segments;
  }

  async close(): Promise<void> {
    try {
      await this.writes;
      this.writing.closeSync();
      this.reading.closeSync();
      this.instance.closeSync();
      rmSync(join(this.root, STAGING_DIR, 'duckdb-spill'), { recursive: true, force: true });
    } finally {
      this.release();
    }
  }

  /** Writes one staged segment. One at a time, whichever commit asks: one connection, one DuckDB thread. */
  stageSegment<T extends TableName>(commit: StagedCommit, table: T, day: string, rows: ColumnBuffer<T>, index: number): Promise<Segment> {
    const path = segmentPath(table, day, commit.id, index);
    const file = stagingPath(this.root, commit.id, path);
    const write = this.writes.then(async (): Promise<Segment> => {
      mkdirSync(dirname(file), { recursive: true });
      await this.useBulkFlushOf(table);
      const written = await writeSegment(this.writing, table, rows, file);
      await syncFileAsync(file);
      return { path, table, day, commit: commit.id, ...written };
    });
    this.writes = write.then(
      () => undefined,
      () => undefined,
    );
    return write;
  }

  /**
   * Merges the groups planned by store/compact.ts, one at a time. Each merged segment is written
   * in staging and checked (it must hold exactly its inputs' rows), moved into place, and swapped
   * into the manifest for its inputs in one replacement: a reader sees the inputs or the merged
   * segment, never both and never neither. The inputs are retired, not deleted: a reader still on
   * the old manifest (an export in progress) finds them until removeRetired lets them go. A run
   * killed part-way keeps the merges it swapped in; the next writer's recovery removes a merged
   * file that no manifest named.
   */
  async compact(groups: readonly MergeGroup[], onMerged?: (group: MergeGroup, merged: Segment) => void): Promise<CompactionSummary> {
    await this.writes;
    // Only a sort needs more than an ingest's memory.
    const sorting = groups.some((g) => g.sorted);
    if (sorting) await this.writing.run(`SET memory_limit = ${quoteLiteral(process.env.TRAILHOUND_COMPACT_MEMORY ?? COMPACT_MEMORY)}`);
    try {
      return await this.mergeGroups(groups, onMerged);
    } finally {
      if (sorting) await this.writing.run(`SET memory_limit = ${quoteLiteral(INGEST_MEMORY)}`);
    }
  }

  private async mergeGroups(groups: readonly MergeGroup[], onMerged?: (group: MergeGroup, merged: Segment) => void): Promise<CompactionSummary> {
    const summary: CompactionSummary = { merged: 0, written: 0, rows: 0, bytesBefore: 0, bytesAfter: 0, days: 0, unsorted: 0 };
    const days = new Set<string>();
    for (const group of groups) {
      const listed = new Set(this.manifest.segments.map((s) => s.path));
      if (!group.inputs.every((s) => listed.has(s.path))) continue; // planned from an older manifest
      const id = randomUUID().replaceAll('-', '').slice(0, 16);
      const path = segmentPath(group.table, group.day, id, 1);
      const staged = stagingPath(this.root, id, path);
      const folder = join(this.root, STAGING_DIR, id);
      const target = absolute(this.root, path);
      let inPlace = false;
      let swapped = false;
      mkdirSync(dirname(staged), { recursive: true });
      try {
        await this.useBulkFlushOf(group.table);
        const files = group.inputs.map((s) => absolute(this.root, s.path));
        let written: { rows: number; bytes: number };
        try {
          written = await mergeInto(this.writing, group.table, files, staged, group.sorted);
        } catch (error) {
          // Rows too large to sort within DuckDB's memory (a day of huge records): merged in time
          // order instead, which streams. The files are still merged; only the sort is given up.
          if (!group.sorted || !/out of memory/i.test(String((error as Error).message))) throw error;
          rmSync(`${staged}.tmp`, { force: true });
          written = await mergeInto(this.writing, group.table, files, staged, false);
          summary.unsorted += 1;
        }
        if (written.rows !== group.rows) {
          throw new TrailhoundError(
            'STORE_DAMAGED',
            `Merging ${group.inputs.length} segments of ${group.table} for ${group.day} in ${this.root} wrote ${written.rows} rows, where the manifest lists ${group.rows}: nothing was changed.`,
            'Check the segments with another Parquet reader; the store is as it was before the merge.',
          );
        }
        const merged: Segment = {
          path,
          table: group.table,
          day: group.day,
          rows: written.rows,
          minTime: Math.min(...group.inputs.map((s) => s.minTime)),
          maxTime: Math.max(...group.inputs.map((s) => s.maxTime)),
          commit: id,
          bytes: written.bytes,
        };
        syncFile(staged);
        // What recovery needs to undo a merge that never reached the manifest.
        const listing = join(folder, MERGE_LISTING);
        writeFileSync(listing, JSON.stringify({ id, merged, inputs: group.inputs.map((s) => s.path) }));
        syncFile(listing);
        syncFile(folder);
        renameSync(staged, target);
        inPlace = true;
        syncFile(dirname(target));
        const gone = new Set(group.inputs.map((s) => s.path));
        const retiredAt = Date.now();
        this.manifest = {
          ...this.manifest,
          segments: [...this.manifest.segments.filter((s) => !gone.has(s.path)), merged],
          retired: [...this.manifest.retired, ...group.inputs.map((s): RetiredSegment => ({ path: s.path, retiredAt }))],
        };
        writeManifest(this.root, this.manifest);
        swapped = true;
        summary.merged += group.inputs.length;
        summary.written += 1;
        summary.rows += merged.rows;
        summary.bytesBefore += group.inputs.reduce((n, s) => n + s.bytes, 0);
        summary.bytesAfter += merged.bytes;
        days.add(group.day);
        onMerged?.(group, merged);
      } catch (error) {
        // A merged file in place that no manifest names (the swap failed: a full disk) goes with
        // its listing; the manifest, in memory and on disk, still lists the inputs.
        if (inPlace && !swapped) {
          rmSync(target, { force: true });
          this.manifest = readManifest(this.root);
        }
        throw error;
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    }
    summary.days = days.size;
    return summary;
  }

  /**
   * Deletes the segments retired at least `keepMs` ago (readers moved to the newer manifest
   * within a second; an export may read an older one for minutes). Files first, then the
   * manifest: a run killed between the two leaves names of files already gone, which the next
   * removal drops, never a file no manifest names.
   */
  removeRetired(keepMs: number, now = Date.now()): number {
    const due = this.manifest.retired.filter((r) => now - r.retiredAt >= keepMs);
    if (due.length === 0) return 0;
    for (const retired of due) rmSync(absolute(this.root, retired.path), { force: true });
    const dueSet = new Set(due);
    this.manifest = { ...this.manifest, retired: this.manifest.retired.filter((r) => !dueSet.has(r)) };
    writeManifest(this.root, this.manifest);
    return due.length;
  }

  /**
   * What every ingest does once its commits are in: segments retired more than KEEP_RETIRED_MS ago
   * go, and days that gathered many tiny segments are merged (MERGE_TINY), so a store fed by
   * frequent small pulls stays quick to read without anyone running `trailhound compact`.
   */
  async tidy(onNote?: (message: string) => void): Promise<void> {
    this.removeRetired(KEEP_RETIRED_MS);
    const groups = planMerges(this.manifest.segments, MERGE_TINY);
    if (groups.length === 0) return;
    const done = await this.compact(groups);
    onNote?.(`merged ${done.merged.toLocaleString('en-US')} small segments of the event store into ${done.written.toLocaleString('en-US')}`);
  }

  /** Segments merged away and not deleted yet. */
  get retired(): readonly RetiredSegment[] {
    return this.manifest.retired;
  }

  /** The allocator setting for writing `table`'s files (BULK_FLUSH), set only when it changes. */
  private async useBulkFlushOf(table: TableName): Promise<void> {
    if (BULK_FLUSH[table] === this.bulkFlush) return;
    await this.writing.run(`SET GLOBAL allocator_bulk_deallocation_flush_threshold = ${quoteLiteral(BULK_FLUSH[table])}`);
    this.bulkFlush = BULK_FLUSH[table];
  }

  /** The eventIds the store holds for a day (CloudTrail), into the index's set for the day. */
  private async loadEventIds(dayNumber: number, into: IdSet): Promise<void> {
    const day = dayOf(dayNumber * 86_400_000);
    const files = this.manifest.segments.filter((s) => s.table === 'cloudtrail' && s.day === day).map((s) => quoteLiteral(absolute(this.root, s.path)));
    if (files.length === 0) return;
    const list = `read_parquet([${files.join(', ')}])`;
    // Joined 100,000 at a time (one value to cross into JavaScript, not one per id); an id that
    // holds the separator itself comes alone.
    const result = await this.reading.stream(
      `SELECT string_agg(eventId, chr(30)) AS ids FROM (SELECT eventId, row_number() OVER () // 100000 AS part FROM ${list} WHERE NOT contains(eventId, chr(30))) GROUP BY part`,
    );
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const [text] of chunk.getRows()) for (const id of String(text).split('\u001e')) into.add(id);
    }
    const odd = await this.reading.runAndReadAll(`SELECT eventId FROM ${list} WHERE contains(eventId, chr(30))`);
    for (const row of odd.getRowObjectsJS()) into.add(String(row.eventId));
  }
}

/**
 * The segments of one commit, staged as rows arrive (a commit's rows never wait in memory whole:
 * each table's rows are written out per day every SEGMENT_ROWS).
 */
export class StagedCommit {
  readonly segments: Segment[] = [];
  private readonly pending = new Map<string, { table: TableName; day: string; rows: ColumnBuffer<TableName> }>();
  private readonly keys = new Map<TableName, Map<string, string>>();
  /** The DuckDB chunks this commit's buffers have open (ColumnBuffer's budget). */
  private readonly native: NativeBudget = { open: 0 };
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private counter = 0;

  constructor(
    private readonly store: EventStoreWriter,
    readonly id: string,
  ) {}

  /** The marker the commit's graph transaction writes (commitMarkers.ts). */
  get markerKey(): string {
    return commitMarkerKey(this.id);
  }

  /** Adds a row; full segments are written in the background (`staged()` waits for them). */
  add<T extends TableName>(table: T, row: RowOf<T>): void {
    const time = (row as Record<string, unknown>)[tables[table].timeColumn] as number;
    const day = dayOf(time);
    const key = this.keyOf(table, day);
    let bucket = this.pending.get(key);
    if (!bucket) {
      bucket = { table, day, rows: new ColumnBuffer<TableName>(table, SEGMENT_ROWS[table], this.native) };
      this.pending.set(key, bucket);
    }
    bucket.rows.push(row as RowOf<TableName>);
    if (bucket.rows.full) this.writeOut(key);
  }

  /** `table/day`, the same string for every row of a table and day (made once, its hash kept). */
  private keyOf(table: TableName, day: string): string {
    let ofTable = this.keys.get(table);
    if (!ofTable) this.keys.set(table, (ofTable = new Map()));
    let key = ofTable.get(day);
    if (key === undefined) ofTable.set(day, (key = `${table}/${day}`));
    return key;
  }

  /** Whether segments were handed to the writer (written or still being written). */
  get writing(): boolean {
    return this.counter > 0;
  }

  /** Rows not yet written out. */
  get buffered(): number {
    let n = 0;
    for (const bucket of this.pending.values()) n += bucket.rows.length;
    return n;
  }

  /**
   * Writes what is left and waits for every segment; then lists them in the staging folder. All
   * of it is on disk (fsynced, folders too) when this resolves: the graph transaction that counts
   * the commit commits only then, and a recovery after a power cut must find what it counted.
   */
  async staged(): Promise<void> {
    for (const key of [...this.pending.keys()]) this.writeOut(key);
    await this.queue;
    if (this.failure) throw this.failure;
    if (this.segments.length > 0) {
      const folder = join(this.store.root, STAGING_DIR, this.id);
      const listing = join(folder, 'commit.json');
      await writeFile(listing, JSON.stringify({ id: this.id, segments: this.segments }));
      // The listing and every folder that gained an entry (each segment's and those above it, the
      // staging folder), off the main thread and at once: a small flow-log file's part made seven
      // fsyncs in a row, a third of the main thread's time for 500 small files (docs/benchmarks.md).
      const folders = new Set([listing, folder, join(this.store.root, STAGING_DIR)]);
      for (const segment of this.segments) for (const at of foldersUpTo(folder, dirname(stagingPath(this.store.root, this.id, segment.path)))) folders.add(at);
      await Promise.all([...folders].map(syncFileAsync));
    }
  }

  /** Waits for the segments already queued, whatever their outcome. */
  async settled(): Promise<void> {
    await this.queue;
  }

  private writeOut(key: string): void {
    const bucket = this.pending.get(key);
    if (!bucket || bucket.rows.length === 0) return;
    this.pending.delete(key);
    const index = (this.counter += 1);
    this.queue = this.queue.then(async () => {
      if (this.failure) return;
      try {
        this.segments.push(await this.store.stageSegment(this, bucket.table, bucket.day, bucket.rows, index));
      } catch (error) {
        this.failure = error;
      }
    });
  }
}

/**
 * What a killed ingest left staged: commits whose marker is in the graph are published (the
 * graph counted them), the others discarded (it never did).
 */
async function recoverStaged(root: string, graph: Graph, manifest: Manifest, note?: (message: string) => void): Promise<Manifest> {
  const staging = join(root, STAGING_DIR);
  if (!existsSync(staging)) return manifest;
  const entries = readdirSync(staging).filter((name) => name !== 'duckdb-spill');
  const merges = entries.filter((id) => existsSync(join(staging, id, MERGE_LISTING)));
  for (const id of merges) undoUnfinishedMerge(root, manifest, id);
  const commits = entries.filter((id) => !merges.includes(id));
  if (commits.length === 0) return manifest;
  const marked = await committedMarkers(graph, commits);
  let recovered = manifest;
  let published = 0;
  for (const id of commits) {
    const listing = join(staging, id, 'commit.json');
    if (marked.has(id) && !existsSync(listing) && recovered.segments.some((s) => s.commit === id)) {
      // Published (the manifest names its segments), then stopped while its staging folder was
      // being removed, listing first: nothing is missing, only the folder is left.
      rmSync(join(staging, id), { recursive: true, force: true });
      published += 1;
      continue;
    }
    if (marked.has(id) && !existsSync(listing)) {
      // The graph counted a commit whose segments are not on disk: say so rather than lose it quietly.
      throw new TrailhoundError(
        'STORE_DAMAGED',
        `The graph counted commit ${id} of the event store at ${root}, but its staged segments are gone (${listing} is missing).`,
        'The store and the graph no longer agree: rebuild both from the logs (a fresh graph and store, then ingest the logs again).',
      );
    }
    if (marked.has(id)) {
      const segments = validSegments(root, JSON.parse(readFileSync(listing, 'utf8')) as { segments?: unknown }, listing);
      const known = new Set(recovered.segments.map((s) => s.path));
      for (const segment of segments) {
        const from = stagingPath(root, id, segment.path);
        const to = absolute(root, segment.path);
        if (existsSync(from)) {
          mkdirSync(dirname(to), { recursive: true });
          renameSync(from, to);
        } else if (!existsSync(to)) {
          throw new TrailhoundError('STORE_DAMAGED', `The graph counted segment ${segment.path} of commit ${id}, but it is neither staged nor in place in ${root}.`, 'The store and the graph no longer agree: rebuild both from the logs.');
        }
      }
      recovered = { ...recovered, segments: [...recovered.segments, ...segments.filter((s) => !known.has(s.path))] };
      writeManifest(root, recovered);
      published += 1;
    }
    rmSync(join(staging, id), { recursive: true, force: true });
  }
  note?.(`recovered the event store after an interrupted ingest: ${published} commit(s) finished, ${commits.length - published} discarded (their events load again now)`);
  return recovered;
}

/**
 * A merge killed before its manifest swap: the merged file may already be in place, named by no
 * manifest (a lake reader listing folders would read its rows twice), so it goes; its inputs are
 * still the manifest's. A merge the manifest names was finished: only its staging folder is left.
 */
function undoUnfinishedMerge(root: string, manifest: Manifest, id: string): void {
  const folder = join(root, STAGING_DIR, id);
  const listing = join(folder, MERGE_LISTING);
  let merged: Partial<Segment> | null = null;
  try {
    merged = (JSON.parse(readFileSync(listing, 'utf8')) as { merged?: Partial<Segment> }).merged ?? null;
  } catch {
    // Killed while writing its listing: the merged file was never moved into place (that comes after).
  }
  if (merged) {
    checkSegment(root, merged, listing);
    if (!manifest.segments.some((s) => s.path === merged.path)) rmSync(absolute(root, merged.path!), { force: true });
  }
  rmSync(folder, { recursive: true, force: true });
}

/** The segments a staged commit's listing names, each checked as the manifest's are. */
function validSegments(root: string, listing: { segments?: unknown }, where: string): Segment[] {
  if (!Array.isArray(listing.segments)) throw new TrailhoundError('STORE_DAMAGED', `${where} is not a commit listing this version reads.`, 'Remove the staging folder and ingest again.');
  for (const segment of listing.segments as Segment[]) checkSegment(root, segment, where);
  return listing.segments as Segment[];
}
