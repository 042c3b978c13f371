import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * A file's first chunk (to tell Parquet from text by its first bytes), and every chunk, the
 * first included. The input is closed however reading ends (a refused file stops early).
 */
export async function peek(chunks: AsyncIterable<Buffer>): Promise<{ first: Buffer | null; all: AsyncIterable<Buffer> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const next = await iterator.next();
  if (next.done) {
    await iterator.return?.();
    return { first: null, all: (async function* () {})() };
  }
  const first = next.value as Buffer;
  async function* all(): AsyncGenerator<Buffer> {
    try {
      yield first;
      for (let more = await iterator.next(); !more.done; more = await iterator.next()) yield more.value;
    } finally {
      await iterator.return?.();
    }
  }
  return { first, all: all() };
}

/**
 * Parquet is read from its end (the footer says where the columns are): the bytes are spooled to
 * a temporary file first, which `use` reads, and which is removed when `use` is done, whatever
 * happens. A failure to spool (a full disk) is thrown as it is.
 */
export async function* withSpooledFile<T>(chunks: AsyncIterable<Buffer>, name: string, use: (path: string) => AsyncIterable<T>): AsyncGenerator<T> {
  const dir = await mkdtemp(join(tmpdir(), 'trailhound-spool-'));
  try {
    const path = join(dir, name);
    // pipeline closes the file on every path, and turns a write error into a rejection.
    await pipeline(chunks, createWriteStream(path));
    yield* use(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
