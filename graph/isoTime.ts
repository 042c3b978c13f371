/**
 * Epoch milliseconds as ISO 8601 (`2026-11-29T04:47:35.123Z`), the same text as
 * `new Date(ms).toISOString()` at a fraction of its cost: an export formats a time for every
 * row, and consecutive rows nearly always fall on the same day, whose date part is kept.
 */
const DAY_MS = 86_400_000;
/** 0000-01-01 and 10000-01-01: outside, toISOString writes six-digit years with a sign. */
const FIRST_FOUR_DIGIT_YEAR_MS = -62_167_219_200_000;
const FIRST_FIVE_DIGIT_YEAR_MS = 253_402_300_800_000;

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

let cachedDay = Number.NaN;
let cachedDate = '';

export function isoTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < FIRST_FOUR_DIGIT_YEAR_MS || ms >= FIRST_FIVE_DIGIT_YEAR_MS) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDate = new Date(day * DAY_MS).toISOString().slice(0, 11);
    cachedDay = day;
  }
  let rest = ms - day * DAY_MS;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  return `${cachedDate}${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}.${THREE_DIGITS[milli]}Z`;
}

/**
 * ISO 8601 (or epoch milliseconds) as epoch ms; null for anything else. Stricter than
 * Date.parse, which takes "12" for December 2001 and "Aug 1" for a date in 2001, and reads a
 * time without an offset in the server's own time zone: here such a time is UTC, as every time
 * Trailhound shows is.
 */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

export function parseIsoTime(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d{9,14}$/.test(trimmed)) return Number(trimmed);
  const m = ISO_TIME.exec(trimmed);
  if (!m) return null;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', offset = 'Z'] = m;
  // Date.parse rolls 2024-02-31 over into March: a day that does not exist is not a time.
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999 (0000-02-29 exists, 1900-02-29 does not).
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  if (date.getUTCDate() !== Number(day) || date.getUTCMonth() !== Number(month) - 1) return null;
  const zone = offset.toUpperCase() === 'Z' ? 'Z' : offset.length === 5 ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset;
  const ms = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}${fraction.slice(0, 4)}${zone}`);
  if (Number.isNaN(ms)) return null;
  return ms;
}
