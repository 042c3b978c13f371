import { IdSet } from './idSet';
import { dayNumber } from './layout';

/**
 * Which eventIds the store already holds, for exact deduplication across files, runs and
 * `--lookup` pulls. A CloudTrail event keeps its eventTime however it is delivered (S3, the
 * LookupEvents API, EventBridge), so a duplicate always falls on the same day: the index holds
 * one day's ids at a time, loaded from that day's segments the first time a run meets the day,
 * and the days loaded first are let go past a budget of ids, so memory stays bounded
 * however many days a run covers.
 */
export class EventIdIndex {
  private readonly days = new Map<number, IdSet>();
  private held = 0;

  /**
   * @param loadDay the ids already stored for a day (epoch day number)
   * @param settle called before a day is let go: what this run added to it must be committed
   *   first, since a reload sees only committed segments
   * @param budget ids held before days are let go (a day being loaded is always held whole; a
   *   UUID costs 16 bytes, outside the JavaScript heap: see IdSet). A million ids took 30-54 MB
   *   with the tables' free slots, and a 3M-event load over 30 days peaked at 420 MB with that
   *   budget, 402 MB with this one, in the same time (docs/benchmarks.md); letting days go waits
   *   for the commits in flight, so a much smaller budget would stall the pipeline every few
   *   windows.
   */
  constructor(
    private readonly loadDay: (day: number, into: IdSet) => Promise<void>,
    private readonly settle: () => Promise<void>,
    private readonly budget = 500_000,
  ) {}

  /** Whether the day of `time` is in memory: `claim` needs it to be (see `ensure`). */
  isReady(time: number): boolean {
    return this.days.has(dayNumber(time));
  }

  /** Loads the day of `time`, letting other days go first if the budget asks for it. */
  async ensure(time: number): Promise<void> {
    const day = dayNumber(time);
    if (this.days.has(day)) return;
    if (this.held > this.budget && this.days.size > 0) {
      await this.settle();
      // The days loaded first go first (a Map iterates in insertion order): logs are read
      // roughly in time order, so those are the days least likely to be met again.
      for (const [other, ids] of this.days) {
        if (this.held <= this.budget / 2) break;
        this.days.delete(other);
        this.held -= ids.size;
      }
    }
    const ids = new IdSet();
    await this.loadDay(day, ids);
    if (!this.days.has(day)) {
      this.days.set(day, ids);
      this.held += ids.size;
    }
  }

  /**
   * True, and remembered, if the event is new to the store and to this run; false for a
   * duplicate. The day must be ready (`ensure`).
   */
  claim(time: number, eventId: string): boolean {
    const day = dayNumber(time);
    const ids = this.days.get(day);
    if (!ids) throw new Error(`day ${day} is not loaded`);
    if (!ids.add(eventId)) return false;
    this.held += 1;
    return true;
  }

  /** Whether the store or this run already has the event (its day must be ready). */
  has(time: number, eventId: string): boolean {
    const ids = this.days.get(dayNumber(time));
    if (!ids) throw new Error(`day ${dayNumber(time)} is not loaded`);
    return ids.has(eventId);
  }

  /** Ids held in memory (for the memory check in tests and benchmarks). */
  get size(): number {
    return this.held;
  }
}
