import { describe, expect, it } from 'vitest';
import { isoTime, parseIsoTime } from '../../graph/isoTime';

describe('isoTime', () => {
  it('writes the same text as Date.toISOString, across days, years and the edges of four-digit years', () => {
    const edges = [0, 1, -1, 999, 1000, 59_999, 3_599_999, 86_399_999, 86_400_000, -86_400_000, -86_400_001, 951_782_400_000 /* 2000-02-29 */, 1_798_761_599_999, -62_167_219_200_000, -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000];
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const sampled = Array.from({ length: 20_000 }, (_, i) => Math.floor((random() - 0.3) * 4e12) + (i % 3 === 0 ? 0 : Math.floor(random() * 86_400_000)));
    for (const ms of [...edges, ...sampled]) expect(isoTime(ms), String(ms)).toBe(new Date(ms).toISOString());
  });

  it('keeps consecutive times of one day and the day after apart (the cached date part is per day)', () => {
    const lastOfDay = Date.parse('2026-11-28T23:59:59.999Z');
    expect([isoTime(lastOfDay), isoTime(lastOfDay + 1), isoTime(lastOfDay)]).toEqual(['2026-11-28T23:59:59.999Z', '2026-11-29T00:00:00.000Z', '2026-11-28T23:59:59.999Z']);
  });

  it('refuses what is not a time, as Date does', () => {
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
    expect(isoTime(1.5)).toBe(new Date(1.5).toISOString());
  });
});

describe('parseIsoTime (the times people type into the API and the CLI)', () => {
  it('reads ISO 8601 and epoch milliseconds, a time without an offset as UTC', () => {
    expect(parseIsoTime('2024-08-01T10:00:00Z')).toBe(Date.UTC(2024, 7, 1, 10));
    expect(parseIsoTime('2024-08-01T10:00:00')).toBe(Date.UTC(2024, 7, 1, 10));
    expect(parseIsoTime('2024-08-01 10:00')).toBe(Date.UTC(2024, 7, 1, 10));
    expect(parseIsoTime('2024-08-01')).toBe(Date.UTC(2024, 7, 1));
    expect(parseIsoTime('2024-08-01T10:00:00.123+02:00')).toBe(Date.UTC(2024, 7, 1, 8, 0, 0, 123));
    expect(parseIsoTime('2024-08-01T10:00:00-0500')).toBe(Date.UTC(2024, 7, 1, 15));
    expect(parseIsoTime('1722506400000')).toBe(1722506400000);
  });

  it('refuses what Date.parse would guess at', () => {
    for (const text of ['12', '0', 'Aug 1', 'x 2024', 'yesterday', '2024-02-31', '2024-13-01', '2024-08-01T25:00:00Z', '']) expect(parseIsoTime(text), text).toBeNull();
  });
});
