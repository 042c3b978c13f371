export interface ParsedArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  /** Everything after the account: "user/alice", "instance/i-0abc", "secret:prod/db-AbCdEf". */
  readonly resource: string;
}

/**
 * Recently parsed ARNs: one event names the same ARN several times (identity, session issuer,
 * resources), and logs repeat the same few thousand. Cleared when full, so memory stays flat.
 */
const cache = new Map<string, ParsedArn | null>();
const CACHE_LIMIT = 20_000;

/** Splits an ARN; null when the text is not one (anonymised data has "arn:aws:iam:sample1"). */
export function parseArn(text: string | undefined): ParsedArn | null {
  if (!text || !text.startsWith('arn:')) return null;
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  const parsed = splitArn(text);
  cache.set(text, parsed);
  return parsed;
}

function splitArn(text: string): ParsedArn | null {
  const parts = text.split(':');
  if (parts.length < 6) return null;
  const [, partition = '', service = '', region = '', account = ''] = parts;
  if (!partition || !service) return null;
  return Object.freeze({ partition, service, region, account, resource: parts.slice(5).join(':') });
}

/** Account ids are 12 digits, but anonymised datasets shorten them: accept 6 to 14 digits. */
export function isAccountId(value: string | undefined): value is string {
  return value !== undefined && /^\d{6,14}$/.test(value);
}

/** The partition of an ARN (aws, aws-cn, aws-us-gov...), "aws" when unknown. */
export function partitionOf(arn: string | undefined): string {
  return parseArn(arn)?.partition ?? 'aws';
}
