import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface OpenedInput {
  readonly chunks: AsyncIterable<Buffer>;
  readonly gzip: boolean;
}

/**
 * Streams a file's bytes, gunzipping when the file starts with the gzip magic number (whatever
 * its name says). `onRead` sees the on-disk bytes as they are read, for progress.
 */
export async function openInput(path: string, onRead: (bytes: number) => void, size?: number): Promise<OpenedInput> {
  const gzip = await startsWithGzipMagic(path);
  const file = createReadStream(path, { highWaterMark: readBufferSize(size) });
  file.on('data', (chunk) => onRead(chunk.length));
  if (!gzip) return { chunks: file as AsyncIterable<Buffer>, gzip };
  // pipeline destroys the gunzip stream with the error if the file fails, so iteration throws.
  const gunzip = pipeline(file, createGunzip({ chunkSize: size === undefined || size > 64 * 1024 ? 256 * 1024 : 64 * 1024 }), () => {});
  return { chunks: gunzip as AsyncIterable<Buffer>, gzip };
}

/**
 * Large reads are fast on big files, but a read buffer is allocated at full size whatever the
 * file: 1 MiB per 3 KB CloudTrail file (S3 delivers thousands of them) kept the garbage
 * collector busy 40% of the time. Small files get small buffers.
 */
export function readBufferSize(size: number | undefined): number {
  if (size === undefined) return 1024 * 1024;
  return Math.min(1024 * 1024, Math.max(16 * 1024, size + 1));
}

/**
 * A remote object's bytes (an S3 GetObject body), gunzipped when they start with the gzip magic
 * number: the first chunk is read to decide, then given back to the stream it heads.
 */
export async function openStream(body: AsyncIterable<Buffer>, onRead: (bytes: number) => void): Promise<OpenedInput> {
  const iterator = body[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? Buffer.alloc(0) : Buffer.from(first.value);
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) {
      onRead(head.length);
      yield head;
    }
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const chunk = Buffer.from(next.value);
      onRead(chunk.length);
      yield chunk;
    }
  }
  if (!gzip) return { chunks: all(), gzip };
  const gunzip = pipeline(Readable.from(all()), createGunzip({ chunkSize: 64 * 1024 }), () => {});
  return { chunks: gunzip as AsyncIterable<Buffer>, gzip };
}

async function startsWithGzipMagic(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** Turns a zlib failure into words a person can act on. */
export function describeGzipError(error: unknown): string | null {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'Z_BUF_ERROR') return 'the gzip data ends early (truncated file): records up to this point were loaded, the rest of the file is missing';
  if (code === 'Z_DATA_ERROR') return `the gzip data is corrupt (${(error as Error).message}): records up to this point were loaded`;
  return null;
}
