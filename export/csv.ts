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

type CsvCells = Record<(typeof CSV_COLUMNS)[number], unknown>;

export function csvRow(entry: TimelineEntry): string {
  const row = cellsOf(entry);
  let line = neutraliseCell(row[CSV_COLUMNS[0]]);
  for (let i = 1; i < CSV_COLUMNS.length; i++) line += `,${neutraliseCell(row[CSV_COLUMNS[i]!])}`;
  return `${line}\r\n`;
}

/** One complete literal per kind of entry (this runs for every exported row: no merging of partial objects). */
function cellsOf(entry: TimelineEntry): CsvCells {
  if (entry.type === 'event') {
    const e = entry.event;
    return {
      time: entry.time,
      type: entry.type,
      action: e.eventName,
      service: e.eventSource,
      principal: e.principal?.label ?? null,
      principal_kind: e.principal?.kind ?? null,
      source_ip: e.sourceIPAddress ?? e.sourceIp,
      destination: null,
      port: null,
      error_code: e.errorCode,
      error_message: e.errorMessage,
      read_only: e.readOnly,
      region: e.region,
      account: e.accountId,
      user_agent: e.userAgent,
      access_key: e.accessKeyId,
      in_session: e.inSession,
      bytes: null,
      severity: null,
      id: e.eventId,
    };
  }
  if (entry.type === 'flow') {
    const f = entry.flow;
    return {
      time: entry.time,
      type: entry.type,
      action: `flow ${f.action}`,
      service: `protocol ${f.protocol}`,
      principal: null,
      principal_kind: null,
      source_ip: f.src,
      destination: f.dst,
      port: f.dstPort,
      error_code: null,
      error_message: null,
      read_only: null,
      region: null,
      account: null,
      user_agent: null,
      access_key: null,
      in_session: null,
      bytes: f.bytes,
      severity: null,
      id: null,
    };
  }
  const f = entry.finding;
  return {
    time: entry.time,
    type: entry.type,
    action: f.type,
    service: 'guardduty',
    principal: null,
    principal_kind: null,
    source_ip: null,
    destination: null,
    port: null,
    error_code: null,
    error_message: f.title,
    read_only: null,
    region: f.region,
    account: f.accountId,
    user_agent: null,
    access_key: null,
    in_session: null,
    bytes: null,
    severity: f.severity,
    id: f.findingId,
  };
}
