/**
 * Keys whose values are credentials or secrets. CloudTrail puts the new session token of
 * AssumeRole/GetSessionToken in responseElements.credentials, and other services echo
 * passwords or key material in some fields. None of it may reach the graph or an export.
 */
const SECRET_KEYS = new Set(
  [
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
  ].map((k) => k.toLowerCase()),
);

export const REDACTED = '[REDACTED]';

/** True when the value holds something under a secret key (cheap pre-check before copying). */
function containsSecret(value: unknown, depth: number): boolean {
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => containsSecret(v, depth + 1));
  for (const [key, v] of Object.entries(value)) {
    if (SECRET_KEYS.has(key.toLowerCase()) && v !== null && v !== '') return true;
    if (containsSecret(v, depth + 1)) return true;
  }
  return false;
}

/** A copy of `value` with every secret replaced by [REDACTED]; the input is returned if it has none. */
export function redactSecrets<T>(value: T): T {
  return containsSecret(value, 0) ? (redact(value, 0) as T) : value;
}

function redact(value: unknown, depth: number): unknown {
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEYS.has(key.toLowerCase()) && v !== null && v !== '' ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
