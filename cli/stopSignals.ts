/**
 * How a long-running command (`demo`, `serve`) is stopped. A supervisor rarely sends one signal
 * to one process: `docker stop`, systemd's control-group kill, CI runners and terminals signal the
 * whole process group, often more than once, and a closed terminal sends SIGHUP. So:
 *   - the first SIGINT, SIGTERM or SIGHUP starts an orderly stop (`stopRequested` resolves);
 *   - later ones are acknowledged ("still stopping…"), never the default action that would kill
 *     the process half-way through stopping the database it started;
 *   - a third signal within FORCE_WINDOW_MS of the second (an impatient Ctrl-C Ctrl-C Ctrl-C)
 *     forces an immediate stop: the registered force actions run (kill the database this command
 *     started), then the process exits.
 */

import { constants } from 'node:os';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** Exit status of a forced stop, as a shell reports a process ended by SIGINT. */
export const FORCED_EXIT_CODE = 130;
const FORCE_WINDOW_MS = 5_000;

export interface StopController {
  /** Resolves with the first stop signal. */
  readonly stopRequested: Promise<StopSignal>;
  /** The first signal, once one arrived. */
  readonly signal: StopSignal | null;
  /** A synchronous last action for a forced stop (no awaiting: the process exits right after). */
  onForce(action: () => void): void;
  /** Puts the default signal behaviour back (tests; a command that ended on its own). */
  dispose(): void;
}

export interface StopOptions {
  readonly say?: (message: string) => void;
  readonly exit?: (code: number) => void;
  readonly now?: () => number;
  /** Where signals come from: the process, or an emitter in tests. */
  readonly source?: Pick<NodeJS.Process, 'on' | 'off'>;
  /** Told of every signal received; by default the launcher (bin/trailhound.js), which then does not pass the same signal on a second time. */
  readonly received?: (signal: StopSignal) => void;
}

/** The exit status a shell expects of a process stopped by `signal` (130 for SIGINT, 143 for SIGTERM). */
export function exitCodeFor(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

function reportToLauncher(signal: StopSignal): void {
  if (!process.connected || !process.send) return;
  try {
    process.send({ trailhoundSignal: signal });
  } catch {
    // the launcher is gone: nothing to tell
  }
}

export function handleStopSignals(options: StopOptions = {}): StopController {
  const say = options.say ?? sayOnStderr;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const now = options.now ?? Date.now;
  const source = options.source ?? process;
  const received = options.received ?? (options.source ? undefined : reportToLauncher);
  const forceActions: Array<() => void> = [];
  let first: StopSignal | null = null;
  let count = 0;
  let previousAt = 0;
  let resolveStop: (signal: StopSignal) => void = () => {};
  const stopRequested = new Promise<StopSignal>((resolve) => (resolveStop = resolve));

  const listeners = STOP_SIGNALS.map((signal) => {
    const listener = () => {
      received?.(signal);
      count += 1;
      const at = now();
      if (count === 1) {
        first = signal;
        if (signal === 'SIGHUP') quietBrokenTerminal();
        say(`\n${signal} received: stopping (send it twice more within ${FORCE_WINDOW_MS / 1000} s to stop at once).`);
        resolveStop(signal);
      } else if (count >= 3 && at - previousAt <= FORCE_WINDOW_MS) {
        say(`${signal} received again: stopping now.`);
        for (const action of forceActions) {
          try {
            action();
          } catch {
            // a force action that fails must not keep the others from running
          }
        }
        exit(FORCED_EXIT_CODE);
      } else {
        say(`${signal} received: still stopping…`);
      }
      previousAt = at;
    };
    source.on(signal, listener);
    return [signal, listener] as const;
  });

  return {
    stopRequested,
    get signal() {
      return first;
    },
    onForce: (action) => void forceActions.push(action),
    dispose: () => {
      for (const [signal, listener] of listeners) source.off(signal, listener);
    },
  };
}

function sayOnStderr(message: string): void {
  try {
    process.stderr.write(`${message}\n`);
  } catch {
    // the terminal is gone
  }
}

/** After a hangup the terminal may be gone: a write that fails must not crash the stop. */
function quietBrokenTerminal(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount('error') === 0) stream.on('error', () => {});
  }
}
