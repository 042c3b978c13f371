import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

/** The last lines of a log file, read from its end (logs can be large). */
export function readLogTail(path: string, lines: number): string {
  if (!existsSync(path)) return '(no log file)';
  const size = statSync(path).size;
  const length = Math.min(size, 64 * 1024);
  const buffer = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8').split('\n').filter(Boolean).slice(-lines).join('\n');
}
