import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeCloudTrailEvent } from '../../ingest/cloudtrail/normalize';
import { normalizeIp } from '../../ingest/common/ip';
import { redactSecrets } from '../../ingest/common/secrets';
import { normalizeUserAgent } from '../../ingest/common/text';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'cloudtrail');
const stratus = readdirSync(join(FIXTURES, 'stratus-red-team'))
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => JSON.parse(readFileSync(join(FIXTURES, 'stratus-red-team', f), 'utf8')) as Record<string, unknown>[]);

function row(event: Record<string, unknown>) {
  const result = normalizeCloudTrailEvent(event);
  if (!result.ok) throw new Error(result.reason);
  return result.row;
}

/** Timelines, filters and exports read the row's columns: they must say what the record says. */
describe("an event's row in the event store", () => {
  it('holds what the record says, and the whole record with its secrets redacted, for every real event', () => {
    for (const event of stratus) {
      const r = row(event);
      const why = String(event.eventID);
      expect(r.eventId, why).toBe(event.eventID);
      expect(r.time, why).toBe(Date.parse(String(event.eventTime)));
      expect(r.eventName, why).toBe(event.eventName ?? null);
      expect(r.eventSource, why).toBe(event.eventSource ?? null);
      expect(r.region, why).toBe(event.awsRegion ?? null);
      expect(r.errorCode, why).toBe(event.errorCode ?? null);
      expect(r.errorMessage, why).toBe(event.errorMessage ?? null);
      expect(r.readOnly, why).toBe(typeof event.readOnly === 'boolean' ? event.readOnly : null);
      expect(r.userAgent, why).toBe(normalizeUserAgent(event.userAgent) ?? null);
      const ip = normalizeIp(event.sourceIPAddress as string | undefined);
      expect(r.sourceIp, why).toBe(ip?.ip ?? null);
      expect(r.sourceName, why).toBe(ip ? null : ((event.sourceIPAddress as string | undefined) ?? null));
      expect(JSON.parse(r.record!), why).toEqual(redactSecrets(event));
    }
  });

  it('names the session an AssumeRole started, so the call that started a session is found by its key', () => {
    const assume = stratus.find((e) => e.eventName === 'AssumeRole' && !e.errorCode)!;
    const started = (assume.responseElements as { credentials: { accessKeyId: string } }).credentials.accessKeyId;
    expect(row(assume).sessionKey).toBe(started);
    expect(row(stratus.find((e) => e.eventName === 'CreateUser')!).sessionKey).toBeNull();
  });

  it('keeps the logged source only when it is not an address (a service calling)', () => {
    const byAddress = stratus.find((e) => typeof e.sourceIPAddress === 'string' && /^\d+\.\d+\.\d+\.\d+$/.test(e.sourceIPAddress))!;
    const byService = { ...byAddress, sourceIPAddress: 'ec2.amazonaws.com' };
    expect(row(byService)).toMatchObject({ sourceIp: null, sourceName: 'ec2.amazonaws.com' });
    expect(row(byAddress)).toMatchObject({ sourceIp: normalizeIp(byAddress.sourceIPAddress as string)!.ip, sourceName: null });
  });

  it('cuts an oversized record to a size the server can return, keeping who called', () => {
    const event: Record<string, unknown> = { ...stratus[0]!, requestParameters: { policy: 'x'.repeat(2 * 1024 * 1024) } };
    const stored = JSON.parse(row(event).record!) as Record<string, unknown>;
    expect(JSON.stringify(stored).length).toBeLessThan(1024 * 1024);
    expect(stored.userIdentity).toEqual(event.userIdentity);
    expect(stored.requestParameters).toMatchObject({ trailhoundTruncated: true, originalLength: expect.any(Number) });
  });
});
