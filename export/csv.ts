import type { TimelineEntry } from './entries';
import { revealHidden } from './visibleText';

/**
 * CSV for reports. Every field is attacker-controlled text: a cell that a spreadsheet would
 * run as a formula (starting with = + - @, a tab or a carriage return, also after leading
 * spaces or quotes) gets a leading apostrophe, and every cell is quoted so commas and newlines stay inside it.
 * Invisible, direction-changing and control characters are shown as markers (visibleText.ts).
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

/**
 * Whether a spreadsheet might run the cell as a formula. Some trim leading spaces or quotes on
 * import (" =HYPERLINK(...)", "\"=1+1"), so those are looked past. Plain text (a letter or a
 * digit first, as almost every cell) is decided by its first character.
 */
function looksLikeFormula(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (FORMULA_START.has(c)) return true;
    if (!(c === 32 || c === 10 || c === 34 || c === 39 || c === 160 || c === 0x3000 || c === 0xfeff || (c >= 0x2000 && c <= 0x200b))) return false;
  }
  return false;
}

export function neutraliseCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  // A person reads a CSV: invisible and direction-changing characters become visible markers.
  let text = revealHidden(typeof value === 'string' ? value : String(value));
  if (looksLikeFormula(text)) text = `'${text}`;
  // Most cells hold no quote: skip the replace (this runs for every cell of every exported row).
  return `"${text.includes('"') ? text.replaceAll('"', '""') : text}"`;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

/**
 * A row's cells in CSV_COLUMNS order. Positional, not a map keyed by column name: this runs for
 * every exported row, and looking cells up by a variable name was most of the CSV's own cost.
 * The labelled tuple keeps the order and the count checked against the header.
 */
type CsvCells = readonly [
  time: unknown,
  type: unknown,
  action: unknown,
  service: unknown,
  principal: unknown,
  principal_kind: unknown,
  source_ip: unknown,
  destination: unknown,
  port: unknown,
  error_code: unknown,
  error_message: unknown,
  read_only: unknown,
  region: unknown,
  account: unknown,
  user_agent: unknown,
  access_key: unknown,
  in_session: unknown,
  bytes: unknown,
  severity: unknown,
  id: unknown,
];

export function csvRow(entry: TimelineEntry): string {
  const cells = cellsOf(entry);
  let line = neutraliseCell(cells[0]);
  for (let i = 1; i < cells.length; i++) line += `,${neutraliseCell(cells[i])}`;
  return `${line}\r\n`;
}

/** One complete row per kind of entry. */
function cellsOf(entry: TimelineEntry): CsvCells {
  if (entry.type === 'event') {
    const e = entry.event;
    // prettier-ignore
    return [entry.time, 'event', e.eventName, e.eventSource, e.principal?.label ?? null, e.principal?.kind ?? null, e.sourceIPAddress ?? e.sourceIp, null, null,
      e.errorCode, e.errorMessage, e.readOnly, e.region, e.accountId, e.userAgent, e.accessKeyId, e.inSession, null, null, e.eventId];
  }
  if (entry.type === 'flow') {
    const f = entry.flow;
    // prettier-ignore
    return [entry.time, 'flow', `flow ${f.action}`, `protocol ${f.protocol}`, null, null, f.src, f.dst, f.dstPort,
      null, null, null, null, null, null, null, null, f.bytes, null, null];
  }
  if (entry.type === 'note') {
    // prettier-ignore
    return [entry.time, 'note', 'export incomplete', 'trailhound', null, null, null, null, null,
      null, entry.note, null, null, null, null, null, null, null, null, null];
  }
  const f = entry.finding;
  // prettier-ignore
  return [entry.time, 'finding', f.type, 'guardduty', null, null, null, null, null,
    null, f.title, null, f.region, f.accountId, null, null, null, null, f.severity, f.findingId];
}
