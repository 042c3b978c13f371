import { describe, expect, it } from 'vitest';
import { timeSlices } from '../../graph/investigations/profile';

const HOUR = 3_600_000;

describe('timeSlices (the profile reads its activity in slices at once)', () => {
  it('covers the scope exactly: no gap, no overlap, cuts on hour boundaries', () => {
    const from = Date.UTC(2026, 9, 2, 7, 13, 5);
    const to = from + 30 * 24 * HOUR;
    const slices = timeSlices(from, to, 3);
    expect(slices).toHaveLength(3);
    expect(slices[0]![0]).toBe(from);
    expect(slices.at(-1)![1]).toBe(to);
    for (let i = 1; i < slices.length; i++) {
      expect(slices[i]![0]).toBe(slices[i - 1]![1] + 1);
      expect(slices[i]![0] % HOUR).toBe(0);
    }
  });

  it('keeps a scope shorter than an hour whole', () => {
    const from = Date.UTC(2026, 9, 2, 7, 13, 5);
    expect(timeSlices(from, from + 20 * 60_000, 2)).toEqual([[from, from + 20 * 60_000]]);
  });
});
