import type { Record as Neo4jRecord, Result } from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { streamFirstColumn } from '../../graph/recordStream';

/** Records per fetch, as Graph.stream asks the driver for (ten batches). */
const FETCH = 10_000;

/**
 * A stand-in for a driver result that behaves as the driver's stream observer does: records
 * come a fetch at a time, each fetch's records arriving together a moment after it is asked for;
 * while not paused the next fetch is asked for as one completes; pause stops asking (the
 * records of a fetch on its way still arrive); a cancelled stream is discarded at once when no
 * fetch is on its way, otherwise when that fetch completes, if nothing holds the stream paused.
 * It counts what it delivered, so the tests can see the back-pressure that the real driver gives
 * no window on (the integration test runs the real one).
 */
function fakeResult(total: number) {
  const state = { delivered: 0, paused: false, pauses: 0, inFlight: false, cancelled: false, discarded: false, maxAhead: 0 };
  let observer: { onNext(record: Neo4jRecord): void; onCompleted(): void; onError(error: unknown): void } | null = null;
  let taken = 0;
  const complete = () => {
    const o = observer;
    observer = null;
    o?.onCompleted();
  };
  const discard = () => {
    state.discarded = true;
    complete();
  };
  const fetch = () => {
    if (state.inFlight || state.paused || !observer) return;
    state.inFlight = true;
    setTimeout(() => {
      const until = Math.min(total, state.delivered + FETCH);
      while (state.delivered < until) {
        state.delivered += 1;
        observer?.onNext({ get: () => state.delivered } as unknown as Neo4jRecord);
        state.maxAhead = Math.max(state.maxAhead, state.delivered - taken);
      }
      state.inFlight = false;
      if (state.cancelled) {
        if (!state.paused) discard();
      } else if (state.delivered === total) complete();
      else fetch();
    }, 0);
  };
  const result = {
    _subscribe(o: typeof observer, paused: boolean) {
      observer = o;
      state.paused = paused;
      return Promise.resolve({
        pause: () => {
          state.paused = true;
          state.pauses += 1;
        },
        resume: () => {
          state.paused = false;
          if (state.cancelled && !state.inFlight && !state.discarded) discard();
          else fetch();
        },
        cancel: () => {
          state.cancelled = true;
          if (!state.inFlight && !state.discarded) discard();
        },
      });
    },
  } as unknown as Result;
  return { result, state, take: (n: number) => (taken += n) };
}

describe('streamFirstColumn back-pressure', () => {
  it('pauses the driver while batches wait, and delivers every record in order', async () => {
    const { result, state, take } = fakeResult(50_000);
    const seen: number[] = [];
    for await (const batch of streamFirstColumn<number>(result, 1_000)) {
      take(batch.length);
      seen.push(...batch);
      await new Promise((resolve) => setTimeout(resolve, 1)); // a slow client
    }
    expect(seen).toHaveLength(50_000);
    expect(seen.every((value, i) => value === i + 1)).toBe(true);
    expect(state.pauses).toBeGreaterThan(0);
    // Never more than a few batches ahead of the reader: those waiting, and one fetch.
    expect(state.maxAhead).toBeLessThanOrEqual(5_000 + FETCH);
  });

  it('cancels the rest when the reader stops early, and lets the discard go out', async () => {
    const { result, state, take } = fakeResult(1_000_000);
    for await (const batch of streamFirstColumn<number>(result, 1_000)) {
      take(batch.length);
      // Stop just after taking a batch resumed the driver: its next fetch is on its way.
      if (state.inFlight) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state.cancelled).toBe(true);
    // The fetch's records, arriving after the cancel, must not pause the stream again, or the
    // DISCARD never leaves and the transaction's rollback waits forever.
    expect(state.discarded).toBe(true);
    expect(state.delivered).toBeLessThan(3 * FETCH);
  });

  it('throws what the driver reports', async () => {
    const result = {
      _subscribe(o: { onError(error: unknown): void }) {
        queueMicrotask(() => o.onError(new Error('Neo.ClientError.Statement.ArithmeticError: / by zero')));
        return Promise.resolve({ pause() {}, resume() {}, cancel() {} });
      },
    } as unknown as Result;
    await expect((async () => {
      for await (const _ of streamFirstColumn(result, 10)) void _;
    })()).rejects.toThrow('/ by zero');
  });
});
