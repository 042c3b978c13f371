import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readBufferSize } from './openInput';

/** sha256 of a file's bytes as stored: its identity in the ingest ledger. */
export async function hashFile(path: string, size?: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: readBufferSize(size) })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
