import { describe, expect, it } from 'vitest';
import { normalizeIp } from '../../ingest/common/ip';
import { redactSecrets } from '../../ingest/common/secrets';
import { cappedKey, normalizeUserAgent } from '../../ingest/common/text';
import { parseTimestamp } from '../../ingest/common/time';

describe('normalizeIp', () => {
  it.each([
    ['255.090.254.5', '255.90.254.5', 4, false],
    ['010.000.000.001', '10.0.0.1', 4, true],
    ['10.0.0.1', '10.0.0.1', 4, true],
    ['0.0.0.0', '0.0.0.0', 4, true],
    ['172.15.0.1', '172.15.0.1', 4, false],
    ['192.168.1.100', '192.168.1.100', 4, true],
    ['169.254.169.254', '169.254.169.254', 4, true],
    ['203.0.113.255', '203.0.113.255', 4, false],
    [' 198.51.100.4 ', '198.51.100.4', 4, false],
    ['[198.51.100.4]', '198.51.100.4', 4, false],
    ['172.31.255.1', '172.31.255.1', 4, true],
    ['100.64.1.1', '100.64.1.1', 4, true],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1', 6, false],
    ['fd00::1', 'fd00::1', 6, true],
    ['::ffff:198.51.100.4', '198.51.100.4', 4, false],
    // A zone index is the logging host's interface, not the address (it made the URL parser throw).
    ['fe80::1%eth0', 'fe80::1', 6, true],
  ])('%s -> %s', (input, ip, version, isPrivate) => {
    expect(normalizeIp(input)).toEqual({ ip, version, isPrivate });
  });

  it.each(['AWS Internal', 'ec2.amazonaws.com', '-', '999.1.1.1', '1.2.3.256', '1.2.3', '1.2.3.4.5', '1..2.3', '1.2.3.', '1.2.3.0001', '', 'sourceIPAddress1', 'fe80::1%', '%eth0'])('is not an address: %s', (input) => {
    expect(normalizeIp(input)).toBeNull();
  });
});

describe('parseTimestamp', () => {
  it('reads ISO 8601 with or without fraction and zone, and epoch seconds or milliseconds', () => {
    const ms = Date.UTC(2024, 7, 1, 11, 45, 21);
    expect(parseTimestamp('2024-08-01T11:45:21Z')).toBe(ms);
    expect(parseTimestamp('2024-08-01T11:45:21.000Z')).toBe(ms);
    expect(parseTimestamp('2024-08-01T13:45:21+02:00')).toBe(ms);
    expect(parseTimestamp('2024-08-01 11:45:21')).toBe(ms);
    expect(parseTimestamp(ms / 1000)).toBe(ms);
    expect(parseTimestamp(String(ms))).toBe(ms);
  });

  it('refuses to guess at anything else', () => {
    expect(parseTimestamp('Aug 1, 2024, 11:45:21 AM')).toBeNull();
    expect(parseTimestamp('yesterday')).toBeNull();
    expect(parseTimestamp({})).toBeNull();
  });

  it('reads CloudTrail\'s own form exactly as Date.parse does, out-of-range fields included', () => {
    expect(parseTimestamp('2026-12-31T23:59:59Z')).toBe(Date.UTC(2026, 11, 31, 23, 59, 59));
    expect(parseTimestamp('1970-01-01T00:00:00Z')).toBe(0);
    // Date.parse rolls a day past the month's end over, and takes 24:00 as the next midnight.
    expect(parseTimestamp('2026-02-30T00:00:00Z')).toBe(Date.UTC(2026, 2, 2));
    expect(parseTimestamp('2026-12-01T24:00:00Z')).toBe(Date.UTC(2026, 11, 2));
    for (const text of ['2026-13-01T00:00:00Z', '2026-00-01T00:00:00Z', '2026-12-32T00:00:00Z', '2026-12-01T23:60:00Z', '2026-12-01T23:59:60Z', '2026-12-01T0x:00:00Z', '2026-12-01T2-:00:00Z', '2026-12-01T0 :00:00Z']) {
      expect(parseTimestamp(text), text).toBeNull();
    }
  });
});

describe('redactSecrets', () => {
  it('replaces every secret, at any depth, and leaves the rest alone', () => {
    const input = { credentials: { accessKeyId: 'ASIAX', sessionToken: 'IQoJ...', SecretAccessKey: 'abc' }, list: [{ password: 'p' }], nextToken: 'page-2' };
    expect(redactSecrets(input)).toEqual({
      credentials: { accessKeyId: 'ASIAX', sessionToken: '[REDACTED]', SecretAccessKey: '[REDACTED]' },
      list: [{ password: '[REDACTED]' }],
      nextToken: 'page-2',
    });
    expect(input.credentials.sessionToken).toBe('IQoJ...'); // the input is not modified
  });

  it('returns the input itself when there is nothing to remove', () => {
    const clean = { bucketName: 'b' };
    expect(redactSecrets(clean)).toBe(clean);
  });
});

describe('user agents and keys', () => {
  it('strips the brackets CloudTrail sometimes adds', () => {
    expect(normalizeUserAgent('[aws-cli/2.15.0]')).toBe('aws-cli/2.15.0');
  });

  it('caps a huge value but keeps distinct values distinct', () => {
    const a = cappedKey('x'.repeat(5000) + 'a');
    const b = cappedKey('x'.repeat(5000) + 'b');
    expect(a.length).toBeLessThanOrEqual(512);
    expect(a).not.toBe(b);
  });
});
