import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';

/**
 * Writes text pieces to a file (gzipped when asked) with backpressure, so generating millions
 * of records keeps memory flat.
 */
export async function writeStreamed(path: string, pieces: Iterable<string>, options: { gzip: boolean }): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const source = new PassThrough();
  const done = options.gzip
    ? pipeline(source, createGzip({ level: 6 }), createWriteStream(path))
    : pipeline(source, createWriteStream(path));
  let bytes = 0;
  for (const piece of pieces) {
    bytes += Buffer.byteLength(piece);
    if (!source.write(piece)) await once(source, 'drain');
  }
  source.end();
  await done;
  return bytes;
}
