import neo4j, { type Driver, type Integer, type ManagedTransaction, type QueryResult, type RecordShape, type Transaction } from 'neo4j-driver';
import type { Neo4jSettings } from './config';
import { EXIT_CODES, TrailhoundError } from './errors';
import { lostDatabasePolicy, watchWhileRunning, type LostDatabasePolicy } from './connectionWatch';
import { streamFirstColumn } from './recordStream';
import { fasterBoltWrites } from './boltWrites';

/**
 * A connection to the graph. Every query goes through here so that the database name,
 * integer handling and the friendly connection error live in one place.
 */
export class Graph {
  /** What a query does when the server stops answering mid-way (connectionWatch.ts). */
  private policy: LostDatabasePolicy;
  /** The connectivity check's own driver, made when first needed, and the check in flight. */
  private prober: Driver | null = null;
  private checking: Promise<true | string> | null = null;

  private constructor(
    readonly driver: Driver,
    readonly settings: Neo4jSettings,
  ) {
    this.policy = lostDatabasePolicy();
  }

  /** Where to say that the database stopped answering, and answers again (a command's progress line). */
  onTrouble(report: (message: string) => void): void {
    this.policy = { ...this.policy, onTrouble: report };
  }

  /** Connects and checks the server answers, with an error that says how to fix it if not. */
  static async connect(settings: Neo4jSettings): Promise<Graph> {
    // With auth off (the local embedded server) any credentials are accepted.
    const auth = neo4j.auth.basic(settings.user, settings.password ?? '');
    if (!process.env.TRAILHOUND_DRIVER_AS_SHIPPED) fasterBoltWrites();
    const policy = lostDatabasePolicy();
    const driver = neo4j.driver(settings.uri, auth, {
      // The driver retries a write whose server went away; Trailhound's watch decides when to
      // give up (connectionWatch.ts), so the driver must not give up first.
      maxTransactionRetryTime: Math.max(30_000, policy.giveUpAfterMs + 5_000),
      // Counts and epoch-ms times stay far below 2^53: plain JS numbers are safe to read.
      disableLosslessIntegers: true,
      maxConnectionPoolSize: 20,
      connectionAcquisitionTimeout: 60_000,
      userAgent: 'trailhound',
    });
    const graph = new Graph(driver, settings);
    try {
      await driver.verifyConnectivity({ database: settings.database });
    } catch (error) {
      await driver.close();
      throw connectionError(settings, error);
    }
    return graph;
  }

  async read<R extends RecordShape = RecordShape>(
    query: string,
    params: Record<string, unknown> = {},
    options: { timeoutMs?: number } = {},
  ): Promise<QueryResult<R>> {
    const session = this.driver.session({ database: this.settings.database, defaultAccessMode: neo4j.session.READ });
    try {
      return await this.watched(session.executeRead((tx) => tx.run<R>(query, params), { timeout: options.timeoutMs }));
    } finally {
      await closeQuietly(session);
    }
  }

  /**
   * Runs `work` once in one read transaction, which Neo4j refuses any write in, then rolls it
   * back. Never retried: for a query a person typed (the console), whose failure is theirs to
   * see, and whose cost must not be paid again on a transient error.
   */
  async readOnce<T>(work: (tx: Transaction) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
    const session = this.driver.session({ database: this.settings.database, defaultAccessMode: neo4j.session.READ });
    try {
      const tx = await this.watched(session.beginTransaction({ timeout: options.timeoutMs }));
      try {
        return await this.watched(work(tx));
      } finally {
        if (tx.isOpen()) await tx.rollback().catch(() => undefined);
      }
    } finally {
      await closeQuietly(session);
    }
  }

  /**
   * A read that must see every write committed before it, on a cluster too: run where writes
   * run (the leader), not on a follower that may lag. For what decides whether to write (the
   * ingest ledger, a recovery's commit markers), never for what a reader browses.
   */
  async readLatest<R extends RecordShape = RecordShape>(query: string, params: Record<string, unknown> = {}): Promise<QueryResult<R>> {
    return this.write((tx) => tx.run<R>(query, params));
  }

  /**
   * Streams a one-column read query's values as Neo4j produces them, in batches, pulling more
   * only as the caller takes them: for exports of any size. Batches, not single rows, so that a
   * row does not cost a round of promises in every layer above. Not retried, since rows already
   * handed on cannot be taken back.
   *
   * Rows are taken with the result's observer, not its async iterator: the iterator builds a
   * promise and a generator state per record, which was a third of an export's Node CPU and
   * most of its garbage (docs/benchmarks.md). The observer's pause and resume are the ones the
   * iterator itself uses for back-pressure (`recordStream.ts`).
   */
  async *stream<V>(
    query: string,
    params: Record<string, unknown> = {},
    options: { timeoutMs?: number; batchSize?: number } = {},
  ): AsyncGenerator<V[]> {
    const batchSize = options.batchSize ?? 1_000;
    const session = this.driver.session({ database: this.settings.database, defaultAccessMode: neo4j.session.READ, fetchSize: batchSize * 10 });
    const tx = await session.beginTransaction({ timeout: options.timeoutMs });
    try {
      yield* streamFirstColumn<V>(tx.run(query, params), batchSize);
      await tx.commit();
    } finally {
      if (tx.isOpen()) await tx.rollback().catch(() => undefined);
      await closeQuietly(session);
    }
  }

  /** Runs `work` in one write transaction, retried as a whole on transient errors (deadlocks). */
  async write<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    const session = this.driver.session({ database: this.settings.database, defaultAccessMode: neo4j.session.WRITE });
    try {
      return await this.watched(session.executeWrite(work));
    } finally {
      await closeQuietly(session);
    }
  }

  /** Runs one auto-commit statement (schema changes cannot share a transaction with writes). */
  async run(query: string, params: Record<string, unknown> = {}): Promise<QueryResult> {
    const session = this.driver.session({ database: this.settings.database });
    try {
      return await this.watched(session.run(query, params));
    } finally {
      await closeQuietly(session);
    }
  }

  async close(): Promise<void> {
    await this.prober?.close().catch(() => undefined);
    await this.driver.close();
  }

  /** A query in flight, watched for a server that stops answering (connectionWatch.ts). */
  private watched<T>(work: Promise<T>): Promise<T> {
    return watchWhileRunning(work, this.settings.uri, this.policy, () => this.answers());
  }

  /**
   * Whether the server answers a connectivity check within 3 s: true, or what went wrong. The
   * check has a driver of its own (one connection): on the query driver it would queue behind
   * the very queries a busy server is slow to answer, and a healthy server would look lost. One
   * check at a time serves every watched query.
   */
  private answers(): Promise<true | string> {
    if (this.checking) return this.checking;
    this.prober ??= neo4j.driver(this.settings.uri, neo4j.auth.basic(this.settings.user, this.settings.password ?? ''), {
      maxConnectionPoolSize: 1,
      connectionAcquisitionTimeout: 3_000,
      connectionTimeout: 3_000,
      userAgent: 'trailhound-check',
    });
    let timer: NodeJS.Timeout | undefined;
    const check = this.prober.verifyConnectivity({ database: this.settings.database }).then(
      () => true as const,
      (error: unknown) => (error instanceof Error ? error.message.split('\n')[0]! : String(error)),
    );
    const answer = Promise.race([check, new Promise<string>((resolve) => (timer = setTimeout(() => resolve('no answer within 3 s'), 3_000)).unref())]).finally(() => {
      clearTimeout(timer);
      this.checking = null;
    });
    this.checking = answer;
    return answer;
  }
}

/**
 * Closes a session without waiting on a server that does not answer: after the watch gave up on
 * a frozen server, closing sends a RESET whose reply would never come.
 */
async function closeQuietly(session: { close(): Promise<void> }): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([session.close().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, 2_000)).unref())]);
  clearTimeout(timer);
}

export function connectionError(settings: Neo4jSettings, error: unknown): TrailhoundError {
  const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const code = (error as { code?: string } | null)?.code;
  if (code === 'Neo.ClientError.Security.Unauthorized') {
    return new TrailhoundError(
      'NEO4J_AUTH',
      `Neo4j at ${settings.uri} refused the credentials for user "${settings.user}".`,
      'Set NEO4J_USER and NEO4J_PASSWORD to the database credentials.',
      { cause: error, exitCode: EXIT_CODES.databaseCredentials },
    );
  }
  return new TrailhoundError(
    'NEO4J_UNREACHABLE',
    `Cannot reach Neo4j at ${settings.uri}: ${detail}`,
    'Start the local database with `npx trailhound db start`, or point NEO4J_URI at a running Neo4j 5.',
    { cause: error, exitCode: EXIT_CODES.databaseUnavailable },
  );
}

/**
 * Integers must reach Neo4j as integers: a JS number is sent as a float. (neo4j.int from a
 * number is also much cheaper for the driver to pack than a BigInt, which it converts via text.)
 */
export function cypherInt(value: number): Integer {
  return neo4j.int(Math.trunc(value));
}

/** A whole number as a Neo4j integer (a port must not be stored as 443.0); anything else as given. */
export function integerAsCypher(value: unknown): unknown {
  return typeof value === 'number' && Number.isInteger(value) ? cypherInt(value) : value;
}
