import { createHash } from 'node:crypto';

/** A string worth keeping: non-empty after trimming, and not one of AWS's placeholders. */
export function str(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '' || text === 'HIDDEN_DUE_TO_SECURITY_REASONS') return undefined;
  return text;
}

export function obj(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Caps a value that becomes a node key: Neo4j's index entries have a size limit, and log
 * fields are attacker-controlled. Long values keep a readable prefix and a hash of the whole,
 * so distinct long values stay distinct.
 */
export function cappedKey(text: string, max = 512): string {
  if (text.length <= max) return text;
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
  return `${text.slice(0, max - 30)}…[sha256:${digest}]`;
}

/** CloudTrail sometimes wraps user agents in brackets: "[aws-cli/2.x ...]". */
export function normalizeUserAgent(value: unknown): string | undefined {
  let text = str(value);
  if (!text) return undefined;
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1).trim();
  return text ? cappedKey(text) : undefined;
}

/**
 * A copy of a string that shares no memory with the text it was cut from. V8 represents
 * slices of long strings as views into them: kept as a map key, a slice of one line would
 * keep a whole megabyte-sized input chunk alive.
 */
export function flatCopy(text: string): string {
  return text.length < 13 ? text : Buffer.from(text, 'utf8').toString('utf8');
}
