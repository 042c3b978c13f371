import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOCK_FILE } from './layout';

/** Who holds the lock, as written in the lock file. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** This holder's own token: a pid alone repeats across containers (every one's node is pid 1). */
  readonly token: string;
  readonly since: number;
  readonly command: string;
}

/** The holder touches the lock this often; a lock untouched for STALE_MS is a dead holder's. */
const HEARTBEAT_MS = 5_000;
const STALE_MS = 60_000;

/**
 * One ingest writes an event store at a time: it owns the eventId index and the manifest. A
 * second ingest (another terminal, a scheduled pull, another container sharing the volume) waits
 * its turn instead of failing, and says so. A lock left by a holder that died (SIGKILL, a crash)
 * is taken over: on the same host when its process is gone, anywhere when it has not been touched
 * for a minute (the holder touches it every five seconds). The next ingest's recovery then finishes
 * or discards what that holder had staged.
 */
export async function acquireIngestLock(
  root: string,
  options: { command: string; onWait?: (holder: LockHolder) => void; pollMs?: number; signal?: AbortSignal },
): Promise<() => void> {
  const path = join(root, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), token: randomUUID(), since: Date.now(), command: options.command };
  let told = false;
  for (;;) {
    if (tryCreate(path, me)) {
      const heartbeat = setInterval(() => {
        try {
          if (readHolder(path)?.token === me.token) utimesSync(path, new Date(), new Date());
        } catch {
          // the lock went away: release finds nothing to remove
        }
      }, HEARTBEAT_MS);
      heartbeat.unref();
      return () => {
        clearInterval(heartbeat);
        // Only our own lock: never one another process took over after we were thought dead.
        if (readHolder(path)?.token === me.token) rmSync(path, { force: true });
      };
    }
    const holder = readHolder(path);
    if (!holder || isStale(path, holder)) {
      // Moved aside under a name of our own, so that of two waiters who both found it stale, only
      // one removes it (the other's rename finds nothing), and never a lock created meanwhile.
      const aside = `${path}.${me.token}.stale`;
      try {
        renameSync(path, aside);
        rmSync(aside, { force: true });
      } catch {
        // another waiter moved it first
      }
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
  const path = join(root, LOCK_FILE);
  const holder = readHolder(path);
  return holder && !isStale(path, holder) ? holder : null;
}

/** Creates the lock with its content in one step: written to a file of our own, then linked into place (fails if one exists). */
function tryCreate(path: string, me: LockHolder): boolean {
  const temporary = `${path}.${me.token}.new`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, JSON.stringify(me));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    rmSync(temporary, { force: true });
  }
}

function isStale(path: string, holder: LockHolder): boolean {
  if (holder.host === hostname() && holder.token && !isAlive(holder.pid)) return true;
  try {
    return Date.now() - statSync(path).mtimeMs > STALE_MS;
  } catch {
    return true;
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    return typeof value.pid === 'number' && typeof value.since === 'number'
      ? { pid: value.pid, host: String(value.host ?? ''), token: String(value.token ?? ''), since: value.since, command: String(value.command ?? '') }
      : null;
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
