import type { TimelineEntry } from './entries';

/**
 * CSV for reports. Every field is attacker-controlled text: a cell that a spreadsheet would
 * run as a formula (starting with = + - @, a tab or a carriage return) gets a leading
 * apostrophe, and every cell is quoted so commas and newlines stay inside it.
 */
export const CSV_COLUMNS = [
  'time',
  'type',
  'action',
  'service',
  'principal',
  'principal_kind',
  'source_ip',
  'destination',
  'port',
  'error_code',
  'error_message',
  'read_only',
  'region',
  'account',
  'user_agent',
  'access_key',
  'in_session',
  'bytes',
  'severity',
  'id',
] as const;

/** First characters that make a spreadsheet evaluate a cell: = + - @, tab, carriage return. */
const FORMULA_START = new Set([61, 43, 45, 64, 9, 13]);

export function neutraliseCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : String(value);
  if (FORMULA_START.has(text.charCodeAt(0))) text = `'${text}`;
  // Most cells hold no quote: skip the replace (this runs for every cell of every exported row).
  return `"${text.includes('"') ? text.replaceAll('"', '""') : text}"`;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvRow(entry: TimelineEntry): string {
  const row: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    time: entry.time,
    type: entry.type,
    action: null,
    service: null,
    principal: null,
    principal_kind: null,
    source_ip: null,
    destination: null,
    port: null,
    error_code: null,
    error_message: null,
    read_only: null,
    region: null,
    account: null,
    user_agent: null,
    access_key: null,
    in_session: null,
    bytes: null,
    severity: null,
    id: null,
  };
  if (entry.type === 'event') {
    const e = entry.event;
    Object.assign(row, {
      action: e.eventName,
      service: e.eventSource,
      principal: e.principal?.label ?? null,
      principal_kind: e.principal?.kind ?? null,
      source_ip: e.sourceIPAddress ?? e.sourceIp,
      error_code: e.errorCode,
      error_message: e.errorMessage,
      read_only: e.readOnly,
      region: e.region,
      account: e.accountId,
      user_agent: e.userAgent,
      access_key: e.accessKeyId,
      in_session: e.inSession,
      id: e.eventId,
    });
  } else if (entry.type === 'flow') {
    const f = entry.flow;
    Object.assign(row, { action: `flow ${f.action}`, service: `protocol ${f.protocol}`, source_ip: f.src, destination: f.dst, port: f.dstPort, bytes: f.bytes });
  } else {
    const f = entry.finding;
    Object.assign(row, { action: f.type, service: 'guardduty', error_message: f.title, region: f.region, account: f.accountId, severity: f.severity, id: f.findingId });
  }
  let line = neutraliseCell(row[CSV_COLUMNS[0]]);
  for (let i = 1; i < CSV_COLUMNS.length; i++) line += `,${neutraliseCell(row[CSV_COLUMNS[i]!])}`;
  return `${line}\r\n`;
}
