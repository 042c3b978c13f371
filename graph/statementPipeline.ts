import type { ManagedTransaction } from 'neo4j-driver';

/** Rows per statement: a flow-log part can aggregate to hundreds of thousands of rows. */
const CHUNK_ROWS = 10_000;
/**
 * Rows sent but not yet finished by Neo4j, at most: parameters are built and packed only this
 * far ahead, so a large part never sits in the driver's buffers all at once (measured: a
 * 1M-line flow load no longer needs the whole 320 MB heap).
 */
const ROWS_AHEAD = 20_000;

/**
 * The statements of one write transaction, pipelined: each is sent without waiting for the
 * previous one's result (Neo4j runs them in order and never idles while Node prepares the
 * next), but no further ahead than ROWS_AHEAD rows. A failure surfaces from `run` or `finish`.
 */
export class StatementPipeline {
  private readonly pending: { readonly done: Promise<unknown>; readonly rows: number }[] = [];
  private rowsPending = 0;

  constructor(private readonly tx: Pick<ManagedTransaction, 'run'>) {}

  /**
   * Runs `query` over `rows` in chunks, each row turned into its parameter (`toParam`) only when
   * its chunk is sent. `onResult` receives each chunk's result (counts a query returns).
   */
  async run<Row>(
    query: string,
    rows: readonly Row[],
    toParam: (row: Row) => unknown = (row) => row,
    onResult?: (result: { records: { get(key: string): unknown }[] }) => void,
  ): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
      const chunk = rows.slice(i, i + CHUNK_ROWS);
      while (this.pending.length > 0 && this.rowsPending + chunk.length > ROWS_AHEAD) {
        const oldest = this.pending.shift()!;
        this.rowsPending -= oldest.rows;
        await oldest.done;
      }
      const result = this.tx.run(query, { rows: chunk.map(toParam) });
      const done: Promise<unknown> = onResult ? result.then(onResult) : Promise.resolve(result);
      // Awaited later (here or in finish); until then a failure must not count as unhandled.
      done.catch(() => {});
      this.pending.push({ done, rows: chunk.length });
      this.rowsPending += chunk.length;
    }
  }

  /** Waits for every statement sent; throws the first failure. */
  async finish(): Promise<void> {
    const all = this.pending.splice(0);
    this.rowsPending = 0;
    await Promise.all(all.map((p) => p.done));
  }
}
