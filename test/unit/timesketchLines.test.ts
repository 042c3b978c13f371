import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../export/entries';
import { timesketchLine } from '../../export/timesketch';

const event = {
  eventId: 'e-"1"',
  time: '2024-03-01T10:00:00.123Z',
  eventName: 'GetObject',
  eventSource: 's3.amazonaws.com',
  region: null,
  accountId: '111122223333',
  readOnly: null,
  errorCode: 'AccessDenied',
  errorMessage: 'no "way" \\ \n\u2028 </script>',
  sourceIp: null,
  sourceIPAddress: 'ec2.amazonaws.com',
  userAgent: '"},{"injected":true',
  accessKeyId: 'ASIAEXAMPLE',
  principal: { id: 'RoleSession:ASIAEXAMPLE', kind: 'RoleSession', label: 'admin/"bob"' },
  inSession: true,
};

describe('Timesketch lines', () => {
  it('are one JSON object per line with the fields Timesketch needs, whatever the log text holds', () => {
    const line = timesketchLine({ type: 'event', time: event.time, raw: null, event });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    // The exact text JSON.stringify gives for the fields in this order.
    expect(line).toBe(
      `${JSON.stringify({
        datetime: '2024-03-01T10:00:00.123Z',
        timestamp: Date.UTC(2024, 2, 1, 10, 0, 0, 123) * 1000,
        message: 'admin/"bob" called s3.amazonaws.com GetObject (AccessDenied) from ec2.amazonaws.com',
        timestamp_desc: 'Event Time',
        data_type: 'aws:cloudtrail:event',
        event_id: 'e-"1"',
        event_name: 'GetObject',
        event_source: 's3.amazonaws.com',
        principal: 'admin/"bob"',
        principal_id: 'RoleSession:ASIAEXAMPLE',
        source_ip: null,
        source_ip_address: 'ec2.amazonaws.com',
        user_agent: '"},{"injected":true',
        error_code: 'AccessDenied',
        error_message: 'no "way" \\ \n\u2028 </script>',
        read_only: null,
        aws_region: null,
        account_id: '111122223333',
        access_key_id: 'ASIAEXAMPLE',
        in_session: true,
      })}\n`,
    );
  });

  it('name an unknown principal and source rather than leave the message empty', () => {
    const entry: TimelineEntry = { type: 'event', time: event.time, raw: null, event: { ...event, principal: null, sourceIPAddress: null, errorCode: null } };
    expect(JSON.parse(timesketchLine(entry)).message).toBe('unknown principal called s3.amazonaws.com GetObject from ?');
  });
});
