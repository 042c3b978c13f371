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
  if (isDiskFull(error)) {
    stream.write(`trailhound: out of disk space: ${revealHidden(message ?? '')}\n`);
    stream.write(`  → ${DISK_FULL_HINT}\n`);
    return 1;
  }
  stream.write(`trailhound: unexpected error: ${revealHidden(message ?? '')}\n`);
  if (!process.env.TRAILHOUND_DEBUG) stream.write('  → Run again with TRAILHOUND_DEBUG=1 for the stack trace, and please report it.\n');
  return 1;
}

export const DISK_FULL_HINT =
  'Free space on that disk (or write elsewhere: --store or TRAILHOUND_EVENTS_DIR, --rejects, --out), then run the same command again: ' +
  'an ingest goes on from where it stopped and loads nothing twice.';

/**
 * A write that failed for want of space: Node's ENOSPC or EDQUOT, or the same reason in the text
 * of an error DuckDB or Neo4j raised. Followed through `cause`, as wrapped errors keep it there.
 */
export function isDiskFull(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current !== null && current !== undefined && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') return true;
    const message = current instanceof Error ? current.message : typeof current === 'string' ? current : '';
    if (/no space left on device|disk quota exceeded/i.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
