import { describe, expect, it } from 'vitest';
import { ConversionQueue, type ConversionReport } from '../../ingest/ocsf/conversionQueue';
import { UnreadableParquet } from '../../ingest/vpcflow/parquet';

/**
 * The conversion thread's bookkeeping (convertWorker.ts), driven message by message: files whose
 * batches come only when the test lets them, so the orders a real thread meets now and then
 * (a stop arriving while DuckDB still reads) happen every time.
 */

/** A file whose next batch waits until `step` lets it through; `opened` tells which files were read at all. */
function gatedFiles(sizes: Record<string, number>) {
  const opened: string[] = [];
  let release: (() => void) | null = null;
  const step = () => {
    const r = release;
    release = null;
    r?.();
  };
  async function* batches(path: string): AsyncGenerator<string> {
    opened.push(path);
    if (path === 'broken') throw new UnreadableParquet('not a Parquet file');
    for (let i = 0; i < sizes[path]!; i++) {
      await new Promise<void>((resolve) => (release = resolve));
      yield `${path}#${i}`;
    }
  }
  return { batches, step, opened };
}

/** A queue over gated files, and what it reports, in order. */
function queueOver(sizes: Record<string, number>) {
  const files = gatedFiles(sizes);
  const reports: ConversionReport<string>[] = [];
  const queue = new ConversionQueue(files.batches, (m) => reports.push(m));
  return { files, reports, queue };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

async function stepUntil(step: () => void, done: () => boolean, most = 100): Promise<void> {
  for (let i = 0; i < most && !done(); i++) {
    step();
    await settle();
  }
}

describe('the conversion queue', () => {
  it('converts the next file whole when its credit came while a stopped file was still being read', async () => {
    const { files, reports, queue } = queueOver({ big: 10, small: 3 });

    queue.receive({ type: 'file', id: 1, path: 'big' });
    queue.receive({ type: 'credit', id: 1, credit: 2 });
    await settle();
    files.step();
    await settle();
    expect(reports).toEqual([{ type: 'batch', id: 1, out: 'big#0' }]);

    // The reader stops 'big' and asks for 'small' while 'big' still waits on its next batch.
    queue.receive({ type: 'cancel', id: 1 });
    queue.receive({ type: 'file', id: 2, path: 'small' });
    queue.receive({ type: 'credit', id: 2, credit: 2 });
    let credited = 0;
    await stepUntil(() => {
      // The reader gives a credit back for each batch it takes, as converter.ts does.
      const taken = reports.filter((r) => r.id === 2 && r.type === 'batch').length;
      for (; credited < taken; credited++) queue.receive({ type: 'credit', id: 2, credit: 1 });
      files.step();
    }, () => reports.some((r) => r.id === 2 && r.type !== 'batch'));

    expect(reports.filter((r) => r.id === 2)).toEqual([
      { type: 'batch', id: 2, out: 'small#0' },
      { type: 'batch', id: 2, out: 'small#1' },
      { type: 'batch', id: 2, out: 'small#2' },
      { type: 'end', id: 2 },
    ]);
    expect(reports.filter((r) => r.id === 1 && r.type === 'batch')).toHaveLength(1);
    expect(queue.pending).toBe(0);
  });

  it('sends no more batches than the reader has room for', async () => {
    const { files, reports, queue } = queueOver({ a: 6 });
    queue.receive({ type: 'file', id: 1, path: 'a' });
    queue.receive({ type: 'credit', id: 1, credit: 2 });
    await stepUntil(files.step, () => false, 20);
    expect(reports.map((r) => r.type === 'batch' && r.out)).toEqual(['a#0', 'a#1']);
    queue.receive({ type: 'credit', id: 1, credit: 1 });
    await stepUntil(files.step, () => false, 20);
    expect(reports.map((r) => r.type === 'batch' && r.out)).toEqual(['a#0', 'a#1', 'a#2']);
  });

  it('stops a file waiting for credit when its reader stops it, and goes on to the next', async () => {
    const { files, reports, queue } = queueOver({ a: 5, b: 1 });
    queue.receive({ type: 'file', id: 1, path: 'a' });
    queue.receive({ type: 'credit', id: 1, credit: 1 });
    queue.receive({ type: 'file', id: 2, path: 'b' });
    queue.receive({ type: 'credit', id: 2, credit: 1 });
    // 'a' sends its one batch, reads the next and waits for credit that never comes.
    await stepUntil(files.step, () => false, 5);
    expect(reports).toEqual([{ type: 'batch', id: 1, out: 'a#0' }]);
    queue.receive({ type: 'cancel', id: 1 });
    await stepUntil(files.step, () => queue.pending === 0);
    expect(reports.slice(1)).toEqual([
      { type: 'batch', id: 2, out: 'b#0' },
      { type: 'end', id: 2 },
    ]);
  });

  it('never opens a file stopped before its turn, and reports an unreadable one as unreadable', async () => {
    const { files, reports, queue } = queueOver({ a: 2, skipped: 2, b: 1 });
    for (const [id, path] of [[1, 'a'], [2, 'skipped'], [3, 'broken'], [4, 'b']] as const) {
      queue.receive({ type: 'file', id, path });
      queue.receive({ type: 'credit', id, credit: 5 });
    }
    queue.receive({ type: 'cancel', id: 2 });
    await stepUntil(files.step, () => queue.pending === 0);
    expect(files.opened).toEqual(['a', 'broken', 'b']);
    expect(reports.filter((r) => r.type !== 'batch')).toEqual([
      { type: 'end', id: 1 },
      { type: 'error', id: 3, message: 'not a Parquet file', unreadable: true },
      { type: 'end', id: 4 },
    ]);
  });
});
