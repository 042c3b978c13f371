import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unwrapCloudTrail } from '../../ingest/cloudtrail/container';

const event = { eventVersion: '1.08', eventID: 'e1', eventTime: '2024-08-01T00:00:00Z', eventName: 'ListBuckets' };
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'cloudtrail', 'aws-processing-library-edge-cases');

describe('unwrapCloudTrail', () => {
  it('takes a bare event as it is', () => {
    expect(unwrapCloudTrail(event)).toEqual([{ kind: 'event', event }]);
  });

  it('opens an EventBridge "AWS API Call via CloudTrail" event', () => {
    expect(unwrapCloudTrail({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: event })).toEqual([{ kind: 'event', event }]);
  });

  it('opens an SNS notification whose Message is a JSON string holding Records', () => {
    const sns = { Type: 'Notification', MessageId: 'm', Message: JSON.stringify({ Records: [event, event] }) };
    expect(unwrapCloudTrail(sns)).toEqual([
      { kind: 'event', event },
      { kind: 'event', event },
    ]);
  });

  it('opens an SQS message body, and SQS ReceiveMessage output', () => {
    expect(unwrapCloudTrail({ MessageId: 'm', Body: JSON.stringify(event) })).toEqual([{ kind: 'event', event }]);
    expect(unwrapCloudTrail({ Messages: [{ Body: JSON.stringify({ detail: event, 'detail-type': 'AWS API Call via CloudTrail' }) }] })).toEqual([{ kind: 'event', event }]);
  });

  it("recognises AWS's own SQS delivery notification as pointers to log files, not events", () => {
    const [result] = unwrapCloudTrail(JSON.parse(readFileSync(join(FIXTURES, 'SQSMessageBody'), 'utf8')));
    expect(result).toMatchObject({ kind: 'other', looksLike: expect.stringContaining('delivery notification naming 2 log files in s3://my-test-bucket/') });
  });

  it('rejects a message whose body key is misspelt', () => {
    expect(unwrapCloudTrail(JSON.parse(readFileSync(join(FIXTURES, 'SQSMessageBodyWrongFormat'), 'utf8')))).toEqual([
      { kind: 'invalid', reason: 'an SNS/SQS message without a Message or Body string' },
    ]);
  });

  it('says when the JSON is a GuardDuty finding, or something else entirely', () => {
    expect(unwrapCloudTrail({ 'detail-type': 'GuardDuty Finding', detail: {} })[0]).toMatchObject({ kind: 'other', looksLike: expect.stringContaining('GuardDuty') });
    expect(unwrapCloudTrail({ schemaVersion: '2.0', severity: 8, service: {}, resource: {} })[0]).toMatchObject({ looksLike: 'a GuardDuty finding' });
    expect(unwrapCloudTrail({ name: 'trailhound', version: '1.0.0' })[0]).toMatchObject({
      kind: 'other',
      looksLike: 'JSON without CloudTrail fields (its first record has keys: name, version)',
    });
  });

  it('rejects values that are not objects', () => {
    expect(unwrapCloudTrail('text')).toEqual([{ kind: 'invalid', reason: 'a JSON string, not an object' }]);
    expect(unwrapCloudTrail(null)).toEqual([{ kind: 'invalid', reason: 'a JSON null, not an object' }]);
  });
});
