import { readFileSync } from 'node:fs';

/**
 * Who started a local Neo4j, written beside its pid. A server that should have stopped with the
 * command that started it (a demo) but outlived it holds a gigabyte and a port, and the next demo
 * would reuse it unknowingly: the owner record makes that visible (`db status`) and lets a later
 * demo take such a server over instead of leaving it to nobody.
 */
export interface ServerOwner {
  /** The starting command's process (the one running Trailhound's code, not the npx launcher). */
  readonly pid: number;
  /** How it was started, as the user would recognise it: "trailhound demo". */
  readonly command: string;
  readonly startedAt: string;
  /**
   * True when the server is meant to stop with its owner (a serving demo). False for `db start`
   * and for `demo --no-serve`: those leave it running on purpose, until `db stop`.
   */
  readonly stopsWithOwner: boolean;
}

export function ownerOfThisProcess(command: string, stopsWithOwner: boolean): ServerOwner {
  return { pid: process.pid, command, startedAt: new Date().toISOString(), stopsWithOwner };
}

export type OwnerState =
  /** Started by this very process. */
  | 'this-process'
  /** Its owner is still running. */
  | 'owner-running'
  /** Kept running on purpose (`db start`, `demo --no-serve`): stopped by `db stop`. */
  | 'kept'
  /** Should have stopped with its owner, which is gone: nobody will stop it. */
  | 'leaked'
  /** Started by a Trailhound too old to record its owner. */
  | 'unknown';

export function ownerState(owner: ServerOwner | undefined): OwnerState {
  if (!owner) return 'unknown';
  if (owner.pid === process.pid) return 'this-process';
  if (isTrailhoundProcess(owner.pid)) return 'owner-running';
  return owner.stopsWithOwner ? 'leaked' : 'kept';
}

export function describeOwner(owner: ServerOwner | undefined): string {
  if (!owner) return 'owner not recorded';
  const who = `${owner.command} (pid ${owner.pid}, ${owner.startedAt})`;
  switch (ownerState(owner)) {
    case 'this-process':
      return `started by this ${owner.command}`;
    case 'owner-running':
      return `started by ${who}, still running`;
    case 'kept':
      return `started by ${who}, kept running until \`trailhound db stop\``;
    case 'leaked':
      return `LEAKED: started by ${who}, which is gone without stopping it`;
    default:
      return 'owner not recorded';
  }
}

/** Alive, and a Trailhound command (a recycled pid must not pass for the owner). */
function isTrailhoundProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, but another user's; it is not ours to judge, so count it as running.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('trailhound');
  } catch {
    return true; // no /proc (macOS): trust the signal check
  }
}
