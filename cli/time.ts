import { TrailhoundError } from '../graph/errors';
import { parseIsoTime } from '../graph/isoTime';

/** A time option: ISO 8601 (UTC unless it has an offset) or epoch milliseconds. */
export function parseTime(text: string, flag: string): number {
  const ms = parseIsoTime(text);
  if (ms === null) throw new TrailhoundError('BAD_OPTION', `${flag} "${text}" is not a time.`, 'Use ISO 8601 (2024-08-01T10:00:00Z) or epoch milliseconds.');
  return ms;
}
