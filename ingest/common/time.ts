const ISO_LIKE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses a log timestamp to epoch milliseconds: ISO 8601 with or without fraction and zone
 * (no zone means UTC, as AWS writes them), or epoch seconds / milliseconds as a number or a
 * numeric string. Returns null for anything else rather than guessing.
 */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return epochToMs(value);
  if (typeof value !== 'string') return null;
  const fast = cloudTrailTime(value);
  if (fast !== null) return fast;
  const text = value.trim();
  if (/^\d{9,16}(\.\d+)?$/.test(text)) return epochToMs(Number(text));
  if (!ISO_LIKE.test(text)) return null;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(text);
  const ms = Date.parse(hasZone ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * CloudTrail's own form, "2026-10-02T00:00:35Z", read digit by digit: every event has one, and
 * the general path's four regular expressions and Date.parse cost more than the rest of reading
 * the time. null: not exactly that form, or a field out of the range Date.parse accepts (the
 * general path then decides, so both agree on every input).
 */
function cloudTrailTime(text: string): number | null {
  if (text.length !== 20 || text.charCodeAt(19) !== 90 /* Z */ || text.charCodeAt(10) !== 84 /* T */) return null;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** The number written by `count` ASCII digits at `at`, or -1 if any is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/** Seconds below year 2286 are seconds; larger values are already milliseconds. */
function epochToMs(n: number): number {
  return n < 1e11 ? Math.round(n * 1000) : Math.round(n);
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}
