import { describe, expect, it } from 'vitest';
import { EventIdIndex } from '../../store/eventIdIndex';
import { IdSet } from '../../store/idSet';

const DAY = 86_400_000;
const id = (day: number, n: number) => `${String(day).padStart(8, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** An index over a pretend store: `stored` is what committed segments hold, per day. */
function indexOver(stored: Map<number, string[]>, budget: number) {
  const log: string[] = [];
  const index = new EventIdIndex(
    async (day, into: IdSet) => {
      log.push(`load ${day}`);
      for (const eventId of stored.get(day) ?? []) into.add(eventId);
    },
    async () => {
      log.push('settle');
    },
    budget,
  );
  return { index, log };
}

describe('the eventId index', () => {
  it('keeps days within its budget, oldest first, settling the commits in flight before it lets one go', async () => {
    const stored = new Map<number, string[]>([[0, [id(0, 1), id(0, 2)]]]);
    const { index, log } = indexOver(stored, 7);
    await index.ensure(0);
    expect(index.claim(0, id(0, 1))).toBe(false);
    for (let n = 3; n <= 5; n++) expect(index.claim(0, id(0, n))).toBe(true);
    await index.ensure(DAY);
    for (let n = 1; n <= 3; n++) expect(index.claim(DAY, id(1, n))).toBe(true);
    expect(index.size).toBe(8);
    expect(log).toEqual(['load 0', 'load 1']);

    // Over budget: the first day goes (after a settle) and that is enough (half the budget is
    // left), so the other stays.
    await index.ensure(2 * DAY);
    expect(log).toEqual(['load 0', 'load 1', 'settle', 'load 2']);
    expect(index.isReady(0)).toBe(false);
    expect(index.isReady(DAY)).toBe(true);
    expect(index.size).toBe(3);

    // A day met again is reloaded from the store: what was committed is still a duplicate.
    stored.set(0, [id(0, 1), id(0, 2), id(0, 3), id(0, 4), id(0, 5)]);
    await index.ensure(0);
    expect(index.claim(0, id(0, 5))).toBe(false);
    expect(index.claim(0, id(0, 6))).toBe(true);
  });

  it('never lets a day go while it is within budget', async () => {
    const { index, log } = indexOver(new Map(), 1_000);
    for (let day = 0; day < 30; day++) {
      await index.ensure(day * DAY);
      for (let n = 0; n < 30; n++) index.claim(day * DAY, id(day, n));
    }
    expect(log.filter((line) => line === 'settle')).toHaveLength(0);
    expect(index.size).toBe(900);
    for (let day = 0; day < 30; day++) expect(index.has(day * DAY, id(day, 0))).toBe(true);
  });
});
