import { describe, expect, it } from 'vitest';
import { inEventOrder } from '../../graph/investigations/timeline';
import { TIMELINE_COLUMNS } from '../../graph/investigations/readQueries';

const TIME = TIMELINE_COLUMNS.indexOf('time');
const ID = TIMELINE_COLUMNS.indexOf('eventId');

function row(time: number, eventId: string): unknown[] {
  const r: unknown[] = TIMELINE_COLUMNS.map(() => null);
  r[TIME] = time;
  r[ID] = eventId;
  return r;
}

async function* batches(...lists: unknown[][][]): AsyncGenerator<unknown[][]> {
  for (const list of lists) yield list;
}

async function ordered(...lists: unknown[][][]): Promise<{ rows: string[]; sizes: number[] }> {
  const rows: string[] = [];
  const sizes: number[] = [];
  for await (const batch of inEventOrder(batches(...lists))) {
    sizes.push(batch.length);
    for (const r of batch) rows.push(`${r[TIME] as number}/${r[ID] as string}`);
  }
  return { rows, sizes };
}

describe('inEventOrder: rows sorted by time alone come out in (time, eventId) order', () => {
  it('sorts ties by eventId, including a run of ties split across batches', async () => {
    const { rows } = await ordered([row(1, 'b'), row(2, 'z'), row(2, 'c')], [row(2, 'a'), row(3, 'y'), row(3, 'x')], [row(4, 'q')]);
    expect(rows).toEqual(['1/b', '2/a', '2/c', '2/z', '3/x', '3/y', '4/q']);
  });

  it('loses no row and yields no empty batch when a whole batch is one run', async () => {
    const { rows, sizes } = await ordered([row(5, 'd'), row(5, 'c')], [row(5, 'b')], [row(5, 'a')]);
    expect(rows).toEqual(['5/a', '5/b', '5/c', '5/d']);
    expect(sizes.every((n) => n > 0)).toBe(true);
  });

  it('compares eventIds by UTF-16 code unit, as Neo4j orders strings', async () => {
    const { rows } = await ordered([row(1, 'b'), row(1, 'B'), row(1, 'a1'), row(1, 'a')]);
    expect(rows).toEqual(['1/B', '1/a', '1/a1', '1/b']);
  });

  it('passes an empty stream through', async () => {
    expect(await ordered()).toEqual({ rows: [], sizes: [] });
  });
});
