import { TrailhoundError } from '../../graph/errors';
import { cloudTrailSdk, credentialsSdk } from './sdk';

// Under Node 20 the SDK prints a nine-line warning on every run that its releases after January
// 2027 will need Node 22: news for whoever upgrades our dependencies (package.json pins versions
// that work), not for an investigator pulling logs mid-incident. Setting the variable wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** What every pull takes from the command line; the rest comes from the SDK's provider chain. */
export interface AwsOptions {
  readonly region: string;
  readonly profile?: string | undefined;
  /** An S3-compatible store, or a local endpoint in tests. */
  readonly endpointUrl?: string | undefined;
}

/**
 * Client settings: the default credential chain (environment, profile, SSO, instance role),
 * the standard retry strategy (backoff on throttling and server faults only; a 4xx such as
 * AccessDenied is not retried) with a few more attempts than the SDK's default.
 */
export async function clientConfig(options: AwsOptions) {
  const { defaultProvider } = await credentialsSdk();
  return {
    region: options.region,
    maxAttempts: 6,
    credentials: defaultProvider(options.profile ? { profile: options.profile } : {}),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
  };
}

/**
 * The region the SDK's own chain gives when none is named: AWS_REGION, then the profile's
 * `region` in the shared config file (~/.aws/config, or AWS_CONFIG_FILE). Undefined when it has none.
 */
export async function defaultRegion(profile?: string): Promise<string | undefined> {
  const { CloudTrailClient } = await cloudTrailSdk();
  const client = new CloudTrailClient(profile ? { profile } : {});
  try {
    return await client.config.region();
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}

/** --region and --regions (the same option, either or both given) as one list. */
export function regionsOption(flags: { readonly region?: string | undefined; readonly regions?: string | undefined }): string[] {
  return [...new Set(listOption([flags.region, flags.regions].filter(Boolean).join(',')))];
}

/** A comma-separated option (--region, --regions, --accounts) as a list. */
export function listOption(text: string | undefined): string[] {
  return (text ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}

/**
 * An SDK error as one line a person can act on. Credentials never appear: only the error's
 * name and AWS's own message, which does not carry them.
 */
export function describeAwsError(error: unknown, what: string): TrailhoundError {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? 'Error';
  const message = (e.message ?? String(error)).replace(/(AKIA|ASIA)[A-Z0-9]{12,}/g, '$1…').slice(0, 300);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new TrailhoundError('AWS_NO_CREDENTIALS', `${what}: no AWS credentials found.`, 'Set AWS_PROFILE or pass --profile, run `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.');
  }
  if (/ExpiredToken|TokenRefreshRequired|security token included in the request is expired/i.test(`${name} ${message}`)) {
    return new TrailhoundError('AWS_EXPIRED_CREDENTIALS', `${what}: the AWS credentials have expired.`, 'Refresh them (e.g. `aws sso login`) and run the same command again: what was loaded stays loaded.');
  }
  if (/AccessDenied|UnauthorizedOperation|not authorized/i.test(`${name} ${message}`) || e.$metadata?.httpStatusCode === 403) {
    return new TrailhoundError('AWS_ACCESS_DENIED', `${what}: access denied (${message}).`, 'The credentials need the read permission named above (see the policy in docs/aws.md).');
  }
  if (/Throttl|TooManyRequests|Rate exceeded/i.test(`${name} ${message}`)) {
    return new TrailhoundError('AWS_THROTTLED', `${what}: AWS kept throttling the requests after several retries.`, 'Run the same command again later: what was loaded stays loaded.');
  }
  return new TrailhoundError('AWS_ERROR', `${what}: ${name}: ${message}`);
}
