/**
 * How deep a record may nest. Real CloudTrail events and GuardDuty findings nest about ten
 * levels; secret redaction (common/secrets.ts) looks 64 levels deep, and JSON.stringify and every
 * other recursive walk overflow the stack a few thousand levels down. A record deeper than this
 * is rejected before any recursive work: one request parameter nested 5,000 levels deep must not
 * end a whole ingest.
 */
export const MAX_NESTING = 64;

/** Why a record nested deeper than MAX_NESTING is rejected. */
export const TOO_DEEP = `nested more than ${MAX_NESTING} levels deep: not read any further`;

/**
 * Whether a parsed JSON value nests deeper than `limit` objects and arrays. Iterative, so any
 * depth is measured without recursion (V8's JSON.parse itself is iterative); it stops at the first
 * value past the limit. About half a microsecond for a typical event.
 */
export function nestsDeeperThan(value: unknown, limit: number = MAX_NESTING): boolean {
  if (value === null || typeof value !== 'object') return false;
  const values: object[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const current = values.pop()!;
    const depth = depths.pop()!;
    if (depth > limit) return true;
    if (Array.isArray(current)) {
      for (const item of current) {
        if (item !== null && typeof item === 'object') {
          values.push(item as object);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in current) {
        const item = (current as Record<string, unknown>)[key];
        if (item !== null && typeof item === 'object') {
          values.push(item);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

/** The message of anything thrown, on one line and short: a reject's reason. */
export function describeThrown(error: unknown): string {
  const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  const line = message.split('\n')[0]!;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
