import { EXIT_CODES, TrailhoundError } from './errors';

/**
 * What a command does when its database stops answering in the middle of its work (killed,
 * restarted, the network gone): say so within seconds, keep retrying for a bounded time, then
 * give up with an error that says what happened. The driver alone would retry silently for
 * 30 s and then report "Failed to connect to server" as if it were a bug.
 */
export interface LostDatabasePolicy {
  /** How long a query may run before the watch starts checking that the database still answers. */
  readonly checkAfterMs: number;
  /** How long the database may fail to answer before the command gives up. */
  readonly giveUpAfterMs: number;
  /** Told when the database stops answering, and when it answers again. */
  readonly onTrouble?: (message: string) => void;
}

/** TRAILHOUND_DB_RETRY_SECONDS: how long to wait for a database that stopped answering (default 25 s). */
export function lostDatabasePolicy(env: NodeJS.ProcessEnv = process.env, onTrouble?: (message: string) => void): LostDatabasePolicy {
  const seconds = Number(env.TRAILHOUND_DB_RETRY_SECONDS);
  return { checkAfterMs: 2_000, giveUpAfterMs: (Number.isFinite(seconds) && seconds >= 0 ? seconds : 25) * 1000, ...(onTrouble ? { onTrouble } : {}) };
}

/** Whether an error from the driver means the server is gone (as opposed to a bad query). */
export function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ServiceUnavailable' || code === 'SessionExpired' || code === 'Neo.TransientError.General.DatabaseUnavailable' || (error instanceof Error && /Failed to connect to server|Connection was closed by server|ECONNREFUSED|ECONNRESET/.test(error.message));
}

export function databaseLost(uri: string, seconds: number, cause: unknown): TrailhoundError {
  const detail = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
  return new TrailhoundError(
    'NEO4J_LOST',
    `The database at ${uri} stopped answering and did not come back within ${Math.round(seconds)} s (${detail}).`,
    `Start it again (\`npx trailhound db start\` for the local one), then run the same command (or request) again: nothing committed is lost. Set TRAILHOUND_DB_RETRY_SECONDS to wait longer.`,
    { cause, exitCode: EXIT_CODES.databaseUnavailable },
  );
}

/**
 * Runs `work` (a query in flight), and while it runs past `checkAfterMs`, asks `answers` every
 * second whether the server is still there. The first failed check is reported at once; after
 * `giveUpAfterMs` of failed checks the returned promise rejects with databaseLost, whatever the
 * driver is still retrying. A loss the driver itself reports is turned into the same error.
 */
export async function watchWhileRunning<T>(work: Promise<T>, uri: string, policy: LostDatabasePolicy, answers: () => Promise<true | string>): Promise<T> {
  let settled = false;
  const done = work.finally(() => {
    settled = true;
  });
  done.catch(() => undefined);
  // Waits that end early when the work settles, and never keep the process alive by themselves.
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      done.then(
        () => (clearTimeout(timer), resolve()),
        () => (clearTimeout(timer), resolve()),
      );
    });
  const watch = (async (): Promise<never | undefined> => {
    await pause(policy.checkAfterMs);
    let lostSince: number | null = null;
    let lastProblem = '';
    while (!settled) {
      const answer = await answers();
      if (settled) return undefined;
      if (answer === true) {
        if (lostSince !== null) policy.onTrouble?.(`The database at ${uri} answers again; going on.`);
        lostSince = null;
      } else {
        lastProblem = answer;
        if (lostSince === null) {
          lostSince = Date.now();
          policy.onTrouble?.(`The database at ${uri} stopped answering (${answer}); retrying for up to ${Math.round(policy.giveUpAfterMs / 1000)} s.`);
        }
        if (Date.now() - lostSince >= policy.giveUpAfterMs) throw databaseLost(uri, policy.giveUpAfterMs / 1000, new Error(lastProblem));
      }
      await pause(1_000);
    }
    return undefined;
  })();
  try {
    const winner = await Promise.race([done, watch.then(() => done)]);
    return winner;
  } catch (error) {
    if (!(error instanceof TrailhoundError) && isConnectionLoss(error)) throw databaseLost(uri, policy.giveUpAfterMs / 1000, error);
    throw error;
  }
}

/**
 * A lost database, said with what the command had committed before it: the responder knows
 * how far it got, and that running the same command again is safe (every commit is idempotent).
 */
export function withCommitted(error: unknown, committed: string): unknown {
  if (!(error instanceof TrailhoundError) || error.code !== 'NEO4J_LOST') return error;
  return new TrailhoundError(
    error.code,
    `${error.message}\n  Committed before it stopped: ${committed}.\n  Nothing committed is lost, and running the same command again is safe: what is already in is recognised and not counted twice.`,
    error.hint,
    { cause: error.cause, exitCode: error.exitCode },
  );
}
