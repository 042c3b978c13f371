/**
 * A long-running server (`serve`, `demo`) outlives any one request. A promise rejection that no
 * code handles (a query that failed while nothing was waiting for it any more) would, by Node's
 * default, end the whole process: every investigator's session, and an export in flight, for
 * one request's error. This keeps serving and says what happened, so that it can be reported
 * and fixed where it came from. A thrown exception is not caught: after one, the process's state
 * is not known to be sound.
 */
export function keepServingThroughStrayRejections(
  say: (message: string) => void = (message) => process.stderr.write(`${message}\n`),
  source: Pick<NodeJS.Process, 'on' | 'off'> = process,
): () => void {
  const onRejection = (reason: unknown) => {
    const what = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    say(`trailhound: an error no request was waiting for (the server keeps serving; please report it with what follows):\n${what}`);
  };
  source.on('unhandledRejection', onRejection);
  return () => source.off('unhandledRejection', onRejection);
}
