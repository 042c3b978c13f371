import { TrailhoundError } from '../graph/errors';

/** A time option: ISO 8601 or epoch milliseconds. */
export function parseTime(text: string, flag: string): number {
  const ms = /^\d{9,14}$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isNaN(ms)) throw new TrailhoundError('BAD_OPTION', `${flag} "${text}" is not a time.`, 'Use ISO 8601 (2024-08-01T10:00:00Z) or epoch milliseconds.');
  return ms;
}
