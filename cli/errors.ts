import { isTrailhoundError } from '../graph/errors';

/** Prints an error for a person: what went wrong, then what to do. Returns the exit code. */
export function reportError(error: unknown, stream: NodeJS.WriteStream = process.stderr): number {
  if (isTrailhoundError(error)) {
    stream.write(`trailhound: ${error.message}\n`);
    if (error.hint) stream.write(`  → ${error.hint}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? (process.env.TRAILHOUND_DEBUG ? error.stack : error.message) : String(error);
  stream.write(`trailhound: unexpected error: ${message}\n`);
  if (!process.env.TRAILHOUND_DEBUG) stream.write('  → Run again with TRAILHOUND_DEBUG=1 for the stack trace, and please report it.\n');
  return 1;
}
