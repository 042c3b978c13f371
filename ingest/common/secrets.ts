/**
 * Keys whose values are credentials or secrets. CloudTrail puts the new session token of
 * AssumeRole/GetSessionToken in responseElements.credentials, and other services echo
 * passwords or key material in some fields. None of it may reach the graph or an export.
 */
export const SECRET_KEY_NAMES = [
  'sessionToken',
  'secretAccessKey',
  'secretKey',
  'password',
  'newPassword',
  'oldPassword',
  'masterUserPassword',
  'secretString',
  'secretBinary',
  'privateKey',
  'keyMaterial',
  'clientSecret',
  'accessToken',
  'refreshToken',
  'idToken',
  'webIdentityToken',
  'samlAssertion',
  'authorizationToken',
  'x-amz-security-token',
] as const;

const SECRET_KEYS = new Set<string>(SECRET_KEY_NAMES.map((k) => k.toLowerCase()));

export const REDACTED = '[REDACTED]';

/** Most keys are obviously harmless: only these can be secret keys (cheap pre-filter). */
const MAYBE_SECRET = /token|secret|password|key|assertion/i;

function isSecretKey(key: string): boolean {
  return MAYBE_SECRET.test(key) && SECRET_KEYS.has(key.toLowerCase());
}

/** True when the value holds something under a secret key (cheap pre-check before copying). */
function containsSecret(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  // Deeper than anything read is allowed to be (read/nesting.ts): treated as holding a secret.
  if (depth > 64) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (containsSecret(item, depth + 1)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const v = record[key];
    if (v !== null && v !== '' && isSecretKey(key)) return true;
    if (typeof v === 'object' && containsSecret(v, depth + 1)) return true;
  }
  return false;
}

/** A copy of `value` with every secret replaced by [REDACTED]; the input is returned if it has none. */
export function redactSecrets<T>(value: T): T {
  return containsSecret(value, 0) ? (redact(value, 0) as T) : value;
}

function redact(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  // Fail closed: what is too deep to look through is not kept.
  if (depth > 64) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = v !== null && v !== '' && isSecretKey(key) ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
