import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOCK_FILE } from './layout';

/** Who holds the lock, as written in the lock file. */
export interface LockHolder {
  readonly pid: number;
  readonly since: number;
  readonly command: string;
}

/**
 * One ingest writes an event store at a time: it owns the eventId index and the manifest. A
 * second ingest (another terminal, a scheduled pull) waits its turn instead of failing, and says
 * so. A lock left by a process that died (SIGKILL, a crash) is taken over: the next ingest's
 * recovery finishes or discards what that process had staged.
 */
export async function acquireIngestLock(
  root: string,
  options: { command: string; onWait?: (holder: LockHolder) => void; pollMs?: number; signal?: AbortSignal },
): Promise<() => void> {
  const path = join(root, LOCK_FILE);
  let told = false;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, since: Date.now(), command: options.command } satisfies LockHolder));
      } finally {
        closeSync(fd);
      }
      return () => {
        // Only our own lock: never a lock another process took over after we were thought dead.
        if (readHolder(path)?.pid === process.pid) rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(path);
    if (!holder || !isAlive(holder.pid) || holder.pid === process.pid) {
      // A lock file that is empty, unreadable or left by a dead process: take it over.
      rmSync(path, { force: true });
      continue;
    }
    if (!told) {
      options.onWait?.(holder);
      told = true;
    }
    options.signal?.throwIfAborted();
    await sleep(options.pollMs ?? 500);
  }
}

/** Who holds the lock now, if anyone alive does. */
export function lockHolder(root: string): LockHolder | null {
  const holder = readHolder(join(root, LOCK_FILE));
  return holder && isAlive(holder.pid) ? holder : null;
}

function readHolder(path: string): LockHolder | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    return typeof value.pid === 'number' && typeof value.since === 'number' ? { pid: value.pid, since: value.since, command: String(value.command ?? '') } : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
