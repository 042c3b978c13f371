import { describe, expect, it } from 'vitest';
import { BoundedSet } from '../../graph/boundedSet';

describe('BoundedSet (graph/boundedSet.ts)', () => {
  it('holds at most its limit, keeps the newest keys and forgets the oldest', () => {
    const set = new BoundedSet(10);
    for (let i = 0; i < 1_000; i++) {
      set.add(`k${i}`);
      expect(set.size).toBeLessThanOrEqual(10);
      // At least the last half of the limit is always there.
      for (let back = 0; back < Math.min(5, i + 1); back++) expect(set.has(`k${i - back}`)).toBe(true);
    }
    expect(set.has('k0')).toBe(false);
    expect(set.has('k980')).toBe(false);
  });

  it('keeps a key asked for all along, however many others pass through', () => {
    const set = new BoundedSet(100);
    set.add('hot');
    for (let i = 0; i < 10_000; i++) {
      set.add(`cold${i}`);
      if (i % 20 === 0) expect(set.has('hot')).toBe(true);
    }
    expect(set.has('cold0')).toBe(false);
  });

  it('adds a key once', () => {
    const set = new BoundedSet(4);
    set.add('a');
    set.add('a');
    expect(set.has('a')).toBe(true);
    expect(set.size).toBe(1);
  });
});
