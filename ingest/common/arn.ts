export interface ParsedArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  /** Everything after the account: "user/alice", "instance/i-0abc", "secret:prod/db-AbCdEf". */
  readonly resource: string;
}

/** Splits an ARN; null when the text is not one (anonymised data has "arn:aws:iam:sample1"). */
export function parseArn(text: string | undefined): ParsedArn | null {
  if (!text || !text.startsWith('arn:')) return null;
  const parts = text.split(':');
  if (parts.length < 6) return null;
  const [, partition = '', service = '', region = '', account = ''] = parts;
  if (!partition || !service) return null;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

/** Account ids are 12 digits, but anonymised datasets shorten them: accept 6 to 14 digits. */
export function isAccountId(value: string | undefined): value is string {
  return value !== undefined && /^\d{6,14}$/.test(value);
}

/** The partition of an ARN (aws, aws-cn, aws-us-gov...), "aws" when unknown. */
export function partitionOf(arn: string | undefined): string {
  return parseArn(arn)?.partition ?? 'aws';
}
