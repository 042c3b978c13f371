import type { Record as Neo4jRecord, Result } from 'neo4j-driver';

/** How many batches may wait for the caller before Neo4j is asked to pause. */
const HIGH_WATER = 4;

/** The driver's flow control for one result (what its own async iterator pauses and resumes). */
interface Streaming {
  pause(): void;
  resume(): void;
  cancel(): void;
}

/** The observer entry point that `Result.subscribe` and the result's async iterator are built on. */
interface Subscribable {
  _subscribe(
    observer: { onNext(record: Neo4jRecord): void; onCompleted(): void; onError(error: unknown): void },
    paused: boolean,
  ): Promise<Streaming>;
}

/**
 * A result's first column in batches, with back-pressure: the driver is paused while
 * HIGH_WATER batches wait and resumed once the caller has taken them. Each record costs one
 * callback and one array slot; nothing is allocated per record beyond what the driver decodes.
 * Abandoning the generator (a client that went away) cancels the rest of the stream.
 */
export async function* streamFirstColumn<V>(result: Result, batchSize: number): AsyncGenerator<V[]> {
  const subscribable = result as unknown as Partial<Subscribable>;
  if (typeof subscribable._subscribe !== 'function') throw new Error('This neo4j-driver version has no result observer (Result._subscribe); pin the version in package-lock.json.');
  const ready: V[][] = [];
  let batch: V[] = [];
  let finished = false;
  let failure: unknown = null;
  let streaming: Streaming | null = null;
  let paused = true;
  let cancelled = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  const control = () => {
    if (!streaming || finished || cancelled) return;
    if (ready.length >= HIGH_WATER && !paused) {
      paused = true;
      streaming.pause();
    } else if (ready.length < HIGH_WATER && paused) {
      paused = false;
      streaming.resume();
    }
  };
  streaming = await subscribable._subscribe(
    {
      onNext(record) {
        if (cancelled) return;
        batch.push(record.get(0) as V);
        if (batch.length < batchSize) return;
        ready.push(batch);
        batch = [];
        control();
        notify();
      },
      onCompleted() {
        if (batch.length > 0) ready.push(batch);
        batch = [];
        finished = true;
        notify();
      },
      onError(error) {
        failure = error;
        finished = true;
        notify();
      },
    },
    true,
  );
  let completed = false;
  try {
    control();
    for (;;) {
      const next = ready.shift();
      if (next) {
        control();
        yield next;
        continue;
      }
      if (failure) throw failure;
      if (finished) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    completed = true;
  } finally {
    if (!completed && !finished) {
      // Cancelling only marks the stream: it must also be resumed, and never paused again by
      // records still arriving, for the driver to send Neo4j the DISCARD. Otherwise the
      // transaction's rollback waits for a stream that never moves again.
      cancelled = true;
      streaming.cancel();
      streaming.resume();
    }
  }
}
