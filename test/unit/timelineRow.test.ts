import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTimelineRow, timelineRowText } from '../../graph/timelineRow';
import { normalizeCloudTrailEvent } from '../../ingest/cloudtrail/normalize';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'cloudtrail');
const stratus = readdirSync(join(FIXTURES, 'stratus-red-team'))
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => JSON.parse(readFileSync(join(FIXTURES, 'stratus-red-team', f), 'utf8')) as Record<string, unknown>[]);

function eventProps(event: Record<string, unknown>): Record<string, unknown> {
  const result = normalizeCloudTrailEvent(event);
  if (!result.ok) throw new Error(result.reason);
  return result.facts.record!.props;
}

/**
 * Exports read an event's timeline row instead of its properties, so the row must say what
 * the properties and the record say.
 */
describe("an Event's timeline row", () => {
  it('holds the same values as the Event properties, for every real event', () => {
    for (const event of stratus) {
      const props = eventProps(event);
      const shown = parseTimelineRow(props.timelineRow as string)!;
      expect(shown).not.toBeNull();
      for (const name of ['eventName', 'eventSource', 'region', 'accountId', 'readOnly', 'errorCode', 'sourceIp', 'userAgent', 'accessKeyId', 'principalKey'] as const) {
        expect(shown[name], `${String(event.eventID)} ${name}`).toBe(props[name] ?? null);
      }
      expect(shown.errorMessage).toBe((event.errorMessage as string | undefined) ?? null);
    }
  });

  it('keeps the logged source only when it is not an address (a service calling)', () => {
    const byAddress = stratus.find((e) => typeof e.sourceIPAddress === 'string' && /^\d+\.\d+\.\d+\.\d+$/.test(e.sourceIPAddress))!;
    const byService = { ...byAddress, sourceIPAddress: 'ec2.amazonaws.com' };
    expect(parseTimelineRow(eventProps(byService).timelineRow as string)).toMatchObject({ sourceIp: null, sourceIPAddress: byService.sourceIPAddress });
    expect(parseTimelineRow(eventProps(byAddress).timelineRow as string)).toMatchObject({ sourceIp: byAddress.sourceIPAddress, sourceIPAddress: null });
  });

  it('is attacker-controlled text kept as data: quotes, newlines and formulas survive the round trip', () => {
    const fields = {
      eventName: 'Get"Object\n',
      eventSource: '=HYPERLINK("http://x","y")',
      region: null,
      accountId: '111122223333',
      readOnly: false,
      errorCode: 'AccessDenied',
      errorMessage: '\u2028 \\ ]',
      sourceIp: '203.0.113.9',
      sourceIPAddress: null,
      userAgent: '"],["',
      accessKeyId: 'AKIAEXAMPLE',
      principalKey: 'arn:aws:iam::111122223333:user/bob',
    };
    expect(parseTimelineRow(timelineRowText(fields))).toEqual(fields);
  });

  it('is not read from text it did not write', () => {
    expect(parseTimelineRow('not json')).toBeNull();
    expect(parseTimelineRow('{"eventName":"x"}')).toBeNull();
    expect(parseTimelineRow('["too","short"]')).toBeNull();
  });
});
