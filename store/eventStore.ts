import { randomUUID } from 'node:crypto';
import { BIGINT, BOOLEAN, DuckDBInstance, JSDuckDBValueConverter, type DuckDBDataChunk, LIST, VARCHAR, listValue, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { Graph } from '../graph/driver';
import { TrailhoundError } from '../graph/errors';
import { checkStoreBinding } from './graphBinding';
import { absolute } from './layout';
import { EMPTY_MANIFEST, manifestVersionToken, readManifest, type Manifest, type Segment } from './manifest';
import { quoteIdentifier, quoteLiteral } from './sql';
import { readStoreIdentity, type StoreIdentity } from './storeIdentity';
import { columnsOf, type TableName } from './tables';

/** A query's parameters: named ($name in the SQL), numbers as BIGINT, text lists as VARCHAR[]. */
export type StoreParams = Readonly<Record<string, number | string | boolean | readonly string[]>>;

/** The time range a query reads: segments entirely outside it are not opened. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

/**
 * What a query reads: one time range, or several (the segments that overlap any of them: the
 * instants of a few scattered events open only the segments that hold them).
 */
export type ReadRange = TimeRange | readonly TimeRange[];

/** A query whose rows a reader keeps as a table for a while (EventStore.withTables). */
export interface TableQuery {
  readonly sql: (tables: TableSources) => string;
  readonly params?: StoreParams;
  readonly range?: ReadRange;
}

/** Where a query reads each table from: SQL text for its FROM clause. */
export type TableSources = Readonly<Record<TableName, string>>;

/** How often readers look for a new manifest (a cheap stat). */
const MANIFEST_CHECK_MS = 1000;
const POOL_SIZE = 4;

/**
 * The event store as readers see it (the server, exports): the manifest's segments read through
 * an in-memory DuckDB. Never a directory listing, never a lock: an ingest in another process
 * writes new segments and replaces the manifest, and the next query (within a second) reads them,
 * with no restart. Every value is a bound parameter; only the store's own table, column and file
 * names are part of the SQL text.
 */
export class EventStore {
  private manifest: Manifest;
  private token: string;
  private checkedAt = 0;
  private readonly idle: DuckDBConnection[] = [];
  private readonly waiting: ((connection: DuckDBConnection) => void)[] = [];
  private open = 0;

  private constructor(
    readonly root: string,
    readonly identity: StoreIdentity | null,
    private readonly instance: DuckDBInstance,
  ) {
    this.token = manifestVersionToken(root);
    this.manifest = identity ? readManifest(root) : EMPTY_MANIFEST;
    this.checkedAt = Date.now();
  }

  /** Opens the store at `root` for reading; a folder with no store yet reads as empty. */
  static async open(root: string, options: { threads?: number; memoryLimit?: string } = {}): Promise<EventStore> {
    const identity = readStoreIdentity(root);
    const instance = await DuckDBInstance.create(':memory:', {
      threads: String(options.threads ?? 2),
      memory_limit: options.memoryLimit ?? '1GB',
      // Parquet and JSON are built in: never reach for the network.
      autoinstall_known_extensions: 'false',
    });
    // Segments are immutable: their footers can be kept once read. GLOBAL: a plain SET is the
    // setting of the connection that runs it alone, not of the pool's.
    const setup = await instance.connect();
    await setup.run('SET GLOBAL parquet_metadata_cache = true');
    setup.closeSync();
    return new EventStore(root, identity, instance);
  }

  /** The committed segments now (re-read when the manifest changes). */
  segments(): readonly Segment[] {
    const now = Date.now();
    if (now - this.checkedAt >= MANIFEST_CHECK_MS) {
      this.checkedAt = now;
      const token = manifestVersionToken(this.root);
      if (token !== this.token) {
        this.token = token;
        this.manifest = readManifest(this.root);
      }
    }
    return this.manifest.segments;
  }

  /** The manifest as last read (for health and the store's own tests). */
  get current(): Manifest {
    this.segments();
    return this.manifest;
  }

  /** Runs a read query and returns its rows as objects (BIGINTs as numbers). */
  async all<R = Record<string, unknown>>(sql: (tables: TableSources) => string, params: StoreParams = {}, range?: ReadRange): Promise<R[]> {
    const connection = await this.acquire();
    try {
      const reader = await connection.runAndReadAll(sql(this.sources(range)), ...bound(params));
      return reader.getRowObjectsJS().map((row) => plainRow(row) as R);
    } catch (error) {
      throw storeError(error);
    } finally {
      this.releaseConnection(connection);
    }
  }

  /**
   * Streams a query's rows as arrays of column values, a chunk (about 2,048 rows) at a time,
   * pulled only as the caller takes them: for exports of any size. Its own connection, so a
   * long export never holds one the pool needs for short queries.
   *
   * A streamed result that fails after its first chunk ends in DuckDB's C API as one that is
   * done, and this binding cannot ask which (ingest/ocsf/parquetRecords.ts checks row counts for
   * that reason). Give it queries that sort or aggregate (every stream here has ORDER BY): DuckDB
   * then reads every segment before the first chunk, and a failure reaches the caller.
   */
  async *stream(sql: (tables: TableSources) => string, params: StoreParams = {}, range?: ReadRange): AsyncGenerator<unknown[][]> {
    const connection = await this.instance.connect();
    try {
      let result;
      try {
        result = await connection.stream(sql(this.sources(range)), ...bound(params));
      } catch (error) {
        throw storeError(error);
      }
      // The next chunk is asked for before this one is handed on: DuckDB makes it on its own
      // thread while the caller formats this one.
      let next: Promise<DuckDBDataChunk | null> | null = prefetch(result);
      try {
        for (;;) {
          const chunk = await next;
          next = null;
          if (!chunk || chunk.rowCount === 0) break;
          next = prefetch(result);
          yield chunk.convertRows(JSDuckDBValueConverter).map((row) => row.map(plainValue));
        }
      } finally {
        // A reader that stops early leaves a fetch running: it ends before the connection closes.
        await next?.catch(() => null);
      }
    } finally {
      connection.closeSync();
    }
  }

  /**
   * Runs `work` with each query's rows kept in memory as a table, by the name given to `work`
   * (quoted, for a FROM clause), and drops the tables after, whatever happens. For readers that
   * aggregate the same rows several ways: the segments are read once, not once per aggregate,
   * and later queries read only the rows kept. Every connection of the pool sees the tables.
   */
  async withTables<K extends string, T>(queries: Readonly<Record<K, TableQuery>>, work: (tables: Readonly<Record<K, string>>) => Promise<T>): Promise<T> {
    const names = Object.fromEntries(Object.keys(queries).map((k) => [k, quoteIdentifier(`kept_${k}_${randomUUID().replaceAll('-', '')}`)])) as Record<K, string>;
    try {
      // Settled, not Promise.all: every creation has ended before any table is dropped.
      const created = await Promise.allSettled(
        (Object.entries(queries) as [K, TableQuery][]).map(([k, q]) => this.all((t) => `CREATE TABLE ${names[k]} AS ${q.sql(t)}`, q.params, q.range)),
      );
      const failed = created.find((c) => c.status === 'rejected');
      if (failed) throw failed.reason;
      return await work(names);
    } finally {
      // IF EXISTS: a table whose creation failed was never made.
      await Promise.all(Object.values<string>(names).map((name) => this.all(() => `DROP TABLE IF EXISTS ${name}`)));
    }
  }

  async close(): Promise<void> {
    for (const connection of this.idle) connection.closeSync();
    this.idle.length = 0;
    this.instance.closeSync();
  }

  /** Each table's FROM text: its segments that overlap the range, or a typed empty table. */
  private sources(range: ReadRange | undefined): TableSources {
    const segments = this.segments();
    const ranges: readonly TimeRange[] | undefined = range === undefined || isRangeList(range) ? range : [range];
    const from = (table: TableName) => {
      const files = segments.filter((s) => s.table === table && (!ranges || ranges.some((r) => s.maxTime >= r.from && s.minTime <= r.to)));
      if (files.length === 0) return emptyTable(table);
      return `read_parquet([${files.map((s) => quoteLiteral(absolute(this.root, s.path))).join(', ')}])`;
    };
    return { cloudtrail: from('cloudtrail'), vpcflow: from('vpcflow'), vpcflow_hours: from('vpcflow_hours') };
  }

  private async acquire(): Promise<DuckDBConnection> {
    const ready = this.idle.pop();
    if (ready) return ready;
    if (this.open < POOL_SIZE) {
      this.open += 1;
      try {
        return await this.instance.connect();
      } catch (error) {
        this.open -= 1;
        throw error;
      }
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private releaseConnection(connection: DuckDBConnection): void {
    const next = this.waiting.shift();
    if (next) next(connection);
    else this.idle.push(connection);
  }
}

/**
 * The store of `graph`'s events at `root`, opened for reading: refuses a folder whose events are
 * another graph's (or a graph whose store is elsewhere), as the ingest does.
 */
export async function openEventStore(graph: Graph, root: string, options?: { threads?: number; memoryLimit?: string }): Promise<EventStore> {
  const events = await EventStore.open(root, options);
  try {
    await checkStoreBinding(graph, root, events.identity, events.current, false);
  } catch (error) {
    await events.close();
    throw error;
  }
  return events;
}

function isRangeList(range: ReadRange): range is readonly TimeRange[] {
  return Array.isArray(range);
}

/** A table with the declared columns and no rows: what a query reads before anything is stored. */
function emptyTable(table: TableName): string {
  return `(SELECT ${columnsOf(table)
    .map(([name, c]) => `NULL::${c.type} AS ${quoteIdentifier(name)}`)
    .join(', ')} WHERE false)`;
}

function bound(params: StoreParams): [Record<string, DuckDBValue>, Record<string, DuckDBType>] {
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'number') {
      values[name] = BigInt(Math.trunc(value));
      types[name] = BIGINT;
    } else if (typeof value === 'boolean') {
      values[name] = value;
      types[name] = BOOLEAN;
    } else if (typeof value === 'string') {
      values[name] = value;
      types[name] = VARCHAR;
    } else {
      values[name] = listValue([...value]);
      types[name] = LIST(VARCHAR);
    }
  }
  return [values, types];
}

function plainValue(value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const name in row) if (typeof row[name] === 'bigint') row[name] = Number(row[name]);
  return row;
}

function storeError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/No such file|Cannot open file|too small to be a Parquet file|No magic bytes/i.test(message)) {
    return new TrailhoundError('STORE_UNAVAILABLE', `The event store cannot be read: ${message.split('\n')[0]}`, 'A segment listed in its manifest is missing or damaged; check the folder, or rebuild with trailhound rebuild.', { cause: error });
  }
  return error instanceof Error ? error : new Error(message);
}

/**
 * The next chunk of a streamed result, asked for ahead of need. Its failure is marked handled at
 * once: it is awaited only when the reader comes back for it, perhaps after a slow write, and a
 * rejection nobody had yet listened for would end the process (Node's default).
 */
function prefetch(result: { fetchChunk(): Promise<DuckDBDataChunk | null> }): Promise<DuckDBDataChunk | null> {
  const chunk = result.fetchChunk();
  chunk.catch(() => undefined);
  return chunk;
}
