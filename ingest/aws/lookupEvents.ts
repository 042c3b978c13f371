import type { CloudTrailClient, LookupAttribute, LookupAttributeKey, LookupEventsCommandInput, ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-cloudtrail';
import type { FinalizeRequestMiddleware } from '@smithy/types';
import { TrailhoundError } from '../../graph/errors';
import type { PulledPage } from '../pipeline/runPull';
import { clientConfig, describeAwsError, type AwsOptions } from './awsClients';
import { cloudTrailSdk } from './sdk';
import { RateLimit } from './rateLimit';

/** LookupEvents' own limits: management events of the last 90 days, 50 a page, 2 calls a second. */
export const LOOKUP_MAX_AGE_MS = 90 * 86_400_000;
const PAGE_SIZE = 50;
const CALLS_PER_SECOND = 2;

const ATTRIBUTE_KEYS: readonly LookupAttributeKey[] = ['AccessKeyId', 'EventId', 'EventName', 'EventSource', 'ReadOnly', 'ResourceName', 'ResourceType', 'Username'];

/** `--attribute Username=alice`: LookupEvents takes one attribute. */
export function parseLookupAttribute(text: string): LookupAttribute {
  const at = text.indexOf('=');
  const key = text.slice(0, at).trim();
  const value = text.slice(at + 1).trim();
  const known = ATTRIBUTE_KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
  if (at < 1 || !value || !known) {
    throw new TrailhoundError('BAD_OPTION', `--attribute "${text.slice(0, 80)}" is not Key=value with a key LookupEvents knows.`, `Keys: ${ATTRIBUTE_KEYS.join(', ')}. Example: --attribute Username=alice`);
  }
  return { AttributeKey: known, AttributeValue: value };
}

export interface LookupOptions extends AwsOptions {
  readonly from: number;
  readonly to: number;
  readonly attribute?: LookupAttribute;
  /** Called with each event's account and time, to move the checkpoints once the pull completes. */
  readonly onEvent?: (accountId: string, time: number) => void;
}

/**
 * The events of one region, page by page, newest first (the API's order), through the SDK's
 * paginator, at most two calls a second. Each event's CloudTrailEvent (the full record as a JSON
 * string) is what the file ingest would read; an unreadable one becomes a record the normaliser
 * rejects with the reason.
 */
export async function* lookupEvents(options: LookupOptions): AsyncGenerator<PulledPage> {
  const { CloudTrailClient, paginateLookupEvents } = await cloudTrailSdk();
  const client = new CloudTrailClient(await clientConfig(options));
  rateLimited(client, new RateLimit(CALLS_PER_SECOND));
  // The paginator writes NextToken and MaxResults into its input: a fresh object per pull.
  const input: LookupEventsCommandInput = {
    StartTime: new Date(options.from),
    EndTime: new Date(options.to),
    ...(options.attribute ? { LookupAttributes: [options.attribute] } : {}),
  };
  const pages = paginateLookupEvents({ client, pageSize: PAGE_SIZE }, input)[Symbol.asyncIterator]();
  let page = 0;
  try {
    for (;;) {
      let next;
      try {
        next = await pages.next();
      } catch (error) {
        throw describeAwsError(error, `CloudTrail LookupEvents in ${options.region}`);
      }
      if (next.done) return;
      page += 1;
      const records = (next.value.Events ?? []).map((event) => {
        try {
          const record = JSON.parse(event.CloudTrailEvent ?? '') as Record<string, unknown>;
          const time = Date.parse(String(record.eventTime));
          if (typeof record.recipientAccountId === 'string' && Number.isFinite(time)) options.onEvent?.(record.recipientAccountId, time);
          return record;
        } catch {
          return { eventID: event.EventId, unreadable: 'CloudTrailEvent is not JSON' };
        }
      });
      yield { where: `cloudtrail:LookupEvents ${options.region} page ${page}`, records };
    }
  } finally {
    client.destroy();
  }
}

/**
 * Every request the client sends waits its turn, retries included: the limit is per account and
 * region, and a retry that went out at once after throttling would only be throttled again.
 * (Placed after the retry step, which calls the rest of the stack once per attempt.)
 */
function rateLimited(client: CloudTrailClient, limit: RateLimit): void {
  const waitTurn: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => async (args) => {
    await limit.take();
    return next(args);
  };
  client.middlewareStack.addRelativeTo(waitTurn, { relation: 'after', toMiddleware: 'retryMiddleware', name: 'trailhoundRateLimit' });
}
