const ISO_LIKE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses a log timestamp to epoch milliseconds: ISO 8601 with or without fraction and zone
 * (no zone means UTC, as AWS writes them), or epoch seconds / milliseconds as a number or a
 * numeric string. Returns null for anything else rather than guessing.
 */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return epochToMs(value);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^\d{9,16}(\.\d+)?$/.test(text)) return epochToMs(Number(text));
  if (!ISO_LIKE.test(text)) return null;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(text);
  const ms = Date.parse(hasZone ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** Seconds below year 2286 are seconds; larger values are already milliseconds. */
function epochToMs(n: number): number {
  return n < 1e11 ? Math.round(n * 1000) : Math.round(n);
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}
