import { redactSecrets, SECRET_KEY_NAMES } from '../common/secrets';

/** The stored record's size cap: every field is attacker-controlled and the server returns it. */
export const MAX_RECORD = 1024 * 1024;
/** Beyond this, requestParameters or responseElements are cut to a prefix in an oversized record. */
const MAX_PART = 256 * 1024;

/**
 * A key name that may hold a secret, as it would appear in the JSON text. An escape (`\u`) in
 * the text could spell one in a way this does not see, so text with escapes takes the slow way.
 */
const MAY_HOLD_SECRET = new RegExp(`"(?:${SECRET_KEY_NAMES.join('|')})"|\\\\u`, 'i');

/**
 * The record as the event store keeps it: JSON, every secret replaced by [REDACTED]. The text
 * as read is kept when it is the record alone, on one line, and names no key that can hold a
 * secret (almost every CloudTrail event): no copy, no second serialisation.
 */
export function storedRecordText(event: Record<string, unknown>, text: string | undefined): string {
  if (text !== undefined && text.length <= MAX_RECORD && !text.includes('\n') && !MAY_HOLD_SECRET.test(text)) return text;
  const redacted = redactSecrets(event);
  const json = JSON.stringify(redacted);
  if (json.length <= MAX_RECORD) return json;
  // Too large to keep whole: the two free-form parts are cut first, the identity and the rest kept.
  const { requestParameters, responseElements, ...rest } = redacted;
  const smaller = JSON.stringify({ ...rest, requestParameters: cut(requestParameters), responseElements: cut(responseElements) });
  return smaller.length <= MAX_RECORD ? smaller : JSON.stringify({ trailhoundTruncated: true, originalLength: json.length, prefix: json.slice(0, 1024) });
}

function cut(value: unknown): unknown {
  if (value === undefined || value === null) return value;
  const text = JSON.stringify(value);
  return text.length > MAX_PART ? { trailhoundTruncated: true, originalLength: text.length, prefix: text.slice(0, 1024) } : value;
}
