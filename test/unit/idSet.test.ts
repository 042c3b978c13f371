import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IdSet } from '../../store/idSet';

describe('IdSet (the eventId index of a day)', () => {
  it('knows exactly the ids added, UUIDs or not, through many rounds of growth', () => {
    const set = new IdSet();
    const ids = Array.from({ length: 50_000 }, (_, i) => (i % 10 === 0 ? `not-a-uuid-${i}` : randomUUID()));
    for (const id of ids) expect(set.add(id)).toBe(true);
    for (const id of ids) expect(set.add(id)).toBe(false);
    expect(set.size).toBe(ids.length);
    for (const id of ids.slice(0, 1000)) expect(set.has(id)).toBe(true);
    for (let i = 0; i < 1000; i++) expect(set.has(randomUUID())).toBe(false);
  });

  it('tells apart ids that differ only in letter case or in one bit, and keeps the all-zero UUID', () => {
    const set = new IdSet();
    const id = 'da92a2d9-fb24-4ffb-8b58-af2dc983b4a7';
    set.add(id);
    expect(set.has(id.toUpperCase())).toBe(false);
    expect(set.add(id.toUpperCase())).toBe(true);
    expect(set.has('da92a2d9-fb24-4ffb-8b58-af2dc983b4a6')).toBe(false);
    const zero = '00000000-0000-0000-0000-000000000000';
    expect(set.has(zero)).toBe(false);
    expect(set.add(zero)).toBe(true);
    expect(set.add(zero)).toBe(false);
    // Hand-made, sequential ids (test data, attackers) are not random: still exact.
    const sequential = Array.from({ length: 5000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (const s of sequential) expect(set.add(s)).toBe(true);
    for (const s of sequential) expect(set.has(s)).toBe(true);
    expect(set.size).toBe(3 + 5000);
  });
});
