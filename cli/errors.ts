import { isTrailhoundError } from '../graph/errors';
import { revealHidden } from '../export/visibleText';

/** Prints an error for a person: what went wrong, then what to do. Returns the exit code. */
export function reportError(error: unknown, stream: NodeJS.WriteStream = process.stderr): number {
  if (isTrailhoundError(error)) {
    // Messages can quote file names and log text: a terminal escape or bidi control shows as a marker.
    stream.write(`trailhound: ${revealHidden(error.message)}\n`);
    if (error.hint) stream.write(`  → ${revealHidden(error.hint)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? (process.env.TRAILHOUND_DEBUG ? error.stack : error.message) : String(error);
  stream.write(`trailhound: unexpected error: ${revealHidden(message ?? '')}\n`);
  if (!process.env.TRAILHOUND_DEBUG) stream.write('  → Run again with TRAILHOUND_DEBUG=1 for the stack trace, and please report it.\n');
  return 1;
}
