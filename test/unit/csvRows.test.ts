import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvHeader, csvRow } from '../../export/csv';
import type { TimelineEntry } from '../../export/entries';

/** Splits one CSV line (every cell quoted or empty, "" inside quotes) into cells by column name. */
function cellsByColumn(line: string): Record<string, string> {
  expect(line.endsWith('\r\n')).toBe(true);
  const cells: string[] = [];
  let i = 0;
  const text = line.slice(0, -2);
  while (i <= text.length) {
    if (text[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        const quote = text.indexOf('"', i);
        value += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 2;
          break;
        }
      }
      cells.push(value);
    } else {
      const comma = text.indexOf(',', i);
      const end = comma === -1 ? text.length : comma;
      cells.push(text.slice(i, end));
      i = end + 1;
    }
  }
  expect(cells).toHaveLength(CSV_COLUMNS.length);
  return Object.fromEntries(CSV_COLUMNS.map((column, index) => [column, cells[index]!]));
}

describe('CSV rows: each kind of entry fills the header columns by name', () => {
  it('an event', () => {
    const entry: TimelineEntry = {
      type: 'event',
      time: '2024-03-01T10:00:00.000Z',
      raw: null,
      event: {
        eventId: 'e-1',
        time: '2024-03-01T10:00:00.000Z',
        eventName: 'GetObject',
        eventSource: 's3.amazonaws.com',
        region: 'eu-west-1',
        accountId: '111122223333',
        readOnly: true,
        errorCode: 'AccessDenied',
        errorMessage: 'no, "really"',
        sourceIp: '203.0.113.9',
        sourceIPAddress: null,
        userAgent: '=cmd|x',
        accessKeyId: 'ASIAEXAMPLE',
        principal: { id: 'RoleSession:s', kind: 'RoleSession', label: 'admin/bob' },
        inSession: true,
      },
    };
    expect(cellsByColumn(csvRow(entry))).toEqual({
      time: '2024-03-01T10:00:00.000Z',
      type: 'event',
      action: 'GetObject',
      service: 's3.amazonaws.com',
      principal: 'admin/bob',
      principal_kind: 'RoleSession',
      source_ip: '203.0.113.9',
      destination: '',
      port: '',
      error_code: 'AccessDenied',
      error_message: 'no, "really"',
      read_only: 'true',
      region: 'eu-west-1',
      account: '111122223333',
      user_agent: "'=cmd|x",
      access_key: 'ASIAEXAMPLE',
      in_session: 'true',
      bytes: '',
      severity: '',
      id: 'e-1',
    });
  });

  it('an hour of flows', () => {
    const entry: TimelineEntry = {
      type: 'flow',
      time: '2024-03-01T10:05:00.000Z',
      flow: { hour: '2024-03-01T10:00:00.000Z', firstSeen: '2024-03-01T10:05:00.000Z', lastSeen: '2024-03-01T10:50:00.000Z', src: '10.0.0.5', dst: '198.51.100.7', dstPort: 443, protocol: 6, action: 'ACCEPT', bytes: 5120, packets: 12, flows: 3 },
    };
    const cells = cellsByColumn(csvRow(entry));
    expect(cells).toMatchObject({ type: 'flow', action: 'flow ACCEPT', service: 'protocol 6', source_ip: '10.0.0.5', destination: '198.51.100.7', port: '443', bytes: '5120', principal: '', id: '' });
  });

  it('a finding', () => {
    const entry: TimelineEntry = {
      type: 'finding',
      time: '2024-03-01T09:00:00.000Z',
      finding: { findingId: 'f-1', type: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller', title: '+SUM(1)', description: null, severity: 8, severityLabel: 'High', firstSeen: null, lastSeen: null, updatedAt: null, accountId: '111122223333', region: 'us-east-1', sample: false },
    };
    const cells = cellsByColumn(csvRow(entry));
    expect(cells).toMatchObject({ type: 'finding', action: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller', service: 'guardduty', error_message: "'+SUM(1)", severity: '8', id: 'f-1', region: 'us-east-1', account: '111122223333', source_ip: '' });
  });

  it('the header names the same columns', () => {
    expect(csvHeader()).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });
});
