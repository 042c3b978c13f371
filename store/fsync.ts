import { closeSync, fsyncSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';

/** fsync a file or a folder (a rename or a new file is durable once its folder is). */
export function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** syncFile in libuv's threads: the main thread goes on parsing while the disk syncs. */
export async function syncFileAsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `leaf` and each folder above it, up to `base` (not included): the folders a new path below `base` may have added entries to. */
export function foldersUpTo(base: string, leaf: string): string[] {
  const out: string[] = [];
  for (let at = leaf; at.length > base.length && at.startsWith(base); at = dirname(at)) out.push(at);
  return out;
}
