import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * Threat-intelligence address lists imported offline (`trailhound intel import <file>`): plain
 * lists (one address or range a line, FireHOL netsets, Spamhaus DROP), CSV (abuse.ch Feodo
 * Tracker and the like) and STIX 2.1 bundles. Pure: it reads the file and returns what it found;
 * the caller stores the entries. Every byte is attacker-controlled, so content never throws: what
 * cannot be read is a reject naming its position and why, the rest still loads.
 */

export type IntelFormat = 'list' | 'csv' | 'stix';

export interface IntelEntry {
  /** A normalised address ("203.0.113.7", IPv6 lowercase compressed form) or CIDR range ("203.0.113.0/24", network address normalised: host bits zeroed). */
  readonly indicator: string;
  readonly kind: 'ip' | 'cidr';
  /** From a CSV description/comment column, a list line's trailing comment, or STIX name/description (at most 500 characters). */
  readonly description: string | null;
  /** STIX confidence 0-100 or a CSV confidence column. */
  readonly confidence: number | null;
  /** Epoch ms, STIX valid_until (kept when already past: the caller decides). */
  readonly validUntil: number | null;
  /** The STIX indicator (or address object) id, or "<file>:<line>". */
  readonly reference: string | null;
}

/** position: "line 12", "objects[3]", "line 3, column 7" (JSON) or "file". */
export interface IntelReject {
  readonly position: string;
  readonly reason: string;
}

export interface IntelRead {
  readonly format: IntelFormat;
  readonly entries: IntelEntry[];
  readonly rejected: IntelReject[];
  /** Comments, blank lines, duplicates, and indicators of something other than an address (domains, URLs, hashes, revoked STIX indicators): counted, not errors. */
  readonly skipped: number;
}

export interface IntelOptions {
  /** Forces a format instead of detecting it by content. */
  readonly format?: IntelFormat;
  /** Stops with a reject after this many entries (default 5,000,000). */
  readonly maxEntries?: number;
}

export const DEFAULT_MAX_ENTRIES = 5_000_000;
/** A line (or CSV record) longer than this is rejected unread. */
export const MAX_LINE_BYTES = 64 * 1024;
/** A STIX file is parsed whole: larger than this is refused. */
export const MAX_STIX_BYTES = 512 * 1024 * 1024;
/** At most this many rejects are listed; one more reject says how many more there were. */
export const MAX_LISTED_REJECTS = 10_000;
const MAX_DESCRIPTION = 500;
const MAX_PATTERN_CHARS = 1024 * 1024;
/** Broader ranges are rejected: almost always a mistake (0.0.0.0/0), and they would flag everything. */
const BROADEST_V4 = 8;
const BROADEST_V6 = 32;

// ---------------------------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------------------------

interface Network {
  readonly version: 4 | 6;
  /** The network address (host bits zeroed) as a number (IPv4) or bigint (IPv6). */
  readonly value: number | bigint;
  readonly prefix: number;
}

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const V4_SHAPE = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const ALL_V6 = (1n << 128n) - 1n;

function parseV4(text: string): Parsed<number> {
  if (!V4_SHAPE.test(text)) return { ok: false, reason: `not an IPv4 address: ${show(text)}` };
  let value = 0;
  let octet = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i += 1) {
    const c = i === text.length ? 46 : text.charCodeAt(i);
    if (c !== 46) {
      if (digits === 1 && octet === 0) {
        return { ok: false, reason: `leading zeros in ${show(text)} are ambiguous (octal or decimal?)` };
      }
      octet = octet * 10 + (c - 48);
      digits += 1;
      continue;
    }
    if (octet > 255) return { ok: false, reason: `${octet} in ${show(text)} is not an octet (0-255)` };
    value = value * 256 + octet;
    octet = 0;
    digits = 0;
  }
  return { ok: true, value };
}

function parseV6(text: string): Parsed<bigint> {
  const fail = (why: string): Parsed<bigint> => ({ ok: false, reason: `${show(text)} is not an IPv6 address: ${why}` });
  if (text.includes('%')) return fail('a zone index (%) names an interface, not an address');
  if (!/^[0-9a-f:.]+$/i.test(text)) return { ok: false, reason: `${show(text)} is not an address` };
  const halves = text.split('::');
  if (halves.length > 2) return fail('"::" appears more than once');
  const groups: number[][] = [];
  for (const [h, half] of halves.entries()) {
    const out: number[] = [];
    groups.push(out);
    if (half === '') continue;
    const parts = half.split(':');
    for (const [i, part] of parts.entries()) {
      const last = h === halves.length - 1 && i === parts.length - 1;
      if (last && part.includes('.')) {
        const v4 = parseV4(part);
        if (!v4.ok) return fail(v4.reason);
        out.push(Math.floor(v4.value / 65536), v4.value % 65536);
      } else if (/^[0-9a-f]{1,4}$/i.test(part)) {
        out.push(parseInt(part, 16));
      } else {
        return fail(part === '' ? 'an empty group' : `group ${show(part)}`);
      }
    }
  }
  const head = groups[0] ?? [];
  const tail = groups[1] ?? [];
  const count = head.length + tail.length;
  if (halves.length === 1 ? count !== 8 : count > 7) return fail(`${count} groups`);
  const all = [...head, ...Array<number>(8 - count).fill(0), ...tail];
  let value = 0n;
  for (const g of all) value = (value << 16n) | BigInt(g);
  return { ok: true, value };
}

function formatV4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** RFC 5952: lowercase, no leading zeros, the first longest run of two or more zero groups as "::". */
function formatV6(value: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i -= 1) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart === -1) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

function maskV4(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function maskV6(prefix: number): bigint {
  return ALL_V6 ^ ((1n << BigInt(128 - prefix)) - 1n);
}

/**
 * An address or CIDR range, host bits zeroed, IPv4-mapped IPv6 (::ffff:1.2.3.4) as IPv4. No
 * judgement of breadth: that belongs to what is accepted as an indicator.
 */
function parseNetwork(text: string): Parsed<Network> {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  let prefix: number | null = null;
  if (slash !== -1) {
    const bits = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bits)) return { ok: false, reason: `${show(text)}: the prefix length is not a number of bits` };
    prefix = Number(bits);
  }
  if (address.includes(':')) {
    const v6 = parseV6(address);
    if (!v6.ok) return v6;
    if (prefix !== null && prefix > 128) return { ok: false, reason: `${show(text)}: an IPv6 prefix is at most /128` };
    const bits = prefix ?? 128;
    const value = v6.value & maskV6(bits);
    if (value >> 32n === 0xffffn && bits >= 96) {
      return { ok: true, value: { version: 4, value: Number(value & 0xffffffffn), prefix: bits - 96 } };
    }
    return { ok: true, value: { version: 6, value, prefix: bits } };
  }
  const v4 = parseV4(address);
  if (!v4.ok) return v4;
  if (prefix !== null && prefix > 32) return { ok: false, reason: `${show(text)}: an IPv4 prefix is at most /32` };
  const bits = prefix ?? 32;
  return { ok: true, value: { version: 4, value: (v4.value & maskV4(bits)) >>> 0, prefix: bits } };
}

function networkText(n: Network): { indicator: string; kind: 'ip' | 'cidr' } {
  const address = n.version === 4 ? formatV4(n.value as number) : formatV6(n.value as bigint);
  const full = n.version === 4 ? 32 : 128;
  return n.prefix === full ? { indicator: address, kind: 'ip' } : { indicator: `${address}/${n.prefix}`, kind: 'cidr' };
}

function howMany(hostBits: number): string {
  const n = 2 ** hostBits;
  if (n < 1e9) return `${Math.floor(n / 1e6)} million`;
  if (n < 1e12) return `${(n / 1e9).toFixed(1)} billion`;
  return `2^${hostBits}`;
}

/** An address or range accepted as an indicator: parsed, normalised, not too broad. */
function toIndicator(text: string): Parsed<{ indicator: string; kind: 'ip' | 'cidr'; network: Network }> {
  const parsed = parseNetwork(text);
  if (!parsed.ok) return parsed;
  const n = parsed.value;
  const broadest = n.version === 4 ? BROADEST_V4 : BROADEST_V6;
  if (n.prefix < broadest) {
    const hostBits = (n.version === 4 ? 32 : 128) - n.prefix;
    return {
      ok: false,
      reason: `${show(text)} is too broad to be an indicator: it would flag ${howMany(hostBits)} addresses (the broadest accepted is /${broadest} for IPv${n.version})`,
    };
  }
  const { indicator, kind } = networkText(n);
  return { ok: true, value: { indicator, kind, network: n } };
}

const HOSTNAME =
  /^(?:\*\.)?(?:[\p{L}\p{N}_](?:[\p{L}\p{N}_-]{0,61}[\p{L}\p{N}_])?\.)+(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})\.?$/iu;
const URL_LIKE = /^(?:[a-z][a-z0-9+.-]{0,20}:\/\/|hxxps?:\/\/|hxxps?\[:\]\/\/)\S/i;
const HASH = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$/i;
const EMAIL = /^[^\s@]{1,64}@[^\s@]+$/;

/** A domain, URL, hash or e-mail address: an indicator, but not of an address. */
function otherIndicator(text: string): boolean {
  if (text.length > 2048) return false;
  if (URL_LIKE.test(text) || HASH.test(text)) return true;
  const at = text.lastIndexOf('@');
  if (at > 0 && EMAIL.test(text)) return HOSTNAME.test(text.slice(at + 1));
  return text.length <= 254 && HOSTNAME.test(text);
}

type Classified =
  | { readonly kind: 'entry'; readonly indicator: string; readonly entryKind: 'ip' | 'cidr'; readonly network: Network }
  | { readonly kind: 'other' }
  | { readonly kind: 'reject'; readonly reason: string };

/**
 * One address cell or list token as written in real feeds: defanged ("198.51.100[.]7"),
 * bracketed IPv6, an address with a port (ThreatFox "ip:port"). A domain, URL or hash is
 * another kind of indicator, anything else a reject.
 */
function classifyToken(raw: string): Classified {
  let text = raw.trim();
  if (/[[({]/.test(text)) text = text.replace(/\[\.\]|\(\.\)|\{\.\}/g, '.');
  if (text.startsWith('[')) {
    const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/i.exec(text) ?? /^\[([0-9a-f:.]+)\](\/\d{1,3})$/i.exec(text);
    if (bracketed) text = bracketed[1]! + (bracketed[2]?.startsWith('/') ? bracketed[2] : '');
  } else if (text.includes(':')) {
    const v4Port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text);
    if (v4Port) text = v4Port[1]!;
  }
  const parsed = toIndicator(text);
  if (parsed.ok) return { kind: 'entry', indicator: parsed.value.indicator, entryKind: parsed.value.kind, network: parsed.value.network };
  if (otherIndicator(text)) return { kind: 'other' };
  const looksLikeAddress = /^[0-9a-f:.]+(?:%\S*)?(?:\/\S*)?$/i.test(text) && /[.:]/.test(text) && /\d/.test(text);
  return { kind: 'reject', reason: looksLikeAddress ? parsed.reason : `not an address or CIDR range: ${show(text)}` };
}

// ---------------------------------------------------------------------------------------------
// Text shown in reasons and descriptions
// ---------------------------------------------------------------------------------------------

/** Attacker text quoted in a reason: short, quoted, control and direction-changing characters escaped. */
function show(text: string, max = 60): string {
  return visible(JSON.stringify(text.length > max ? `${cutAt(text, max)}…` : text));
}

/** Control, invisible and direction-changing characters as \uXXXX escapes. */
function visible(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The first `max` UTF-16 units, never half of a surrogate pair. */
function cutAt(text: string, max: number): string {
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

function description(text: string | null | undefined): string | null {
  const trimmed = text?.trim();
  if (!trimmed) return null;
  return trimmed.length > MAX_DESCRIPTION ? `${cutAt(trimmed, MAX_DESCRIPTION - 1)}…` : trimmed;
}

/** 0-100, "85%", or the STIX words (None 0, Low 15, Med 50, High 85). */
function confidenceOf(text: string | null | undefined): number | null {
  const t = text?.trim().toLowerCase().replace(/%$/, '');
  if (!t) return null;
  const words: Record<string, number> = { none: 0, low: 15, med: 50, medium: 50, high: 85 };
  if (Object.hasOwn(words, t)) return words[t] ?? null;
  if (!/^\d{1,3}(?:\.\d+)?$/.test(t)) return null;
  const n = Number(t);
  return n >= 0 && n <= 100 ? n : null;
}

// ---------------------------------------------------------------------------------------------
// What is found
// ---------------------------------------------------------------------------------------------

interface EntryFields {
  readonly description: string | null;
  readonly confidence: number | null;
  readonly validUntil: number | null;
  readonly reference: string | null;
}

class Collector {
  readonly entries: IntelEntry[] = [];
  readonly rejected: IntelReject[] = [];
  skipped = 0;
  stopped = false;
  private readonly seen = new Set<string>();
  private unlisted = 0;
  private firstUnlisted = '';

  constructor(private readonly maxEntries: number) {}

  reject(position: string, reason: string): void {
    if (this.rejected.length < MAX_LISTED_REJECTS) {
      this.rejected.push({ position, reason });
    } else {
      if (this.unlisted === 0) this.firstUnlisted = position;
      this.unlisted += 1;
    }
  }

  /** False once maxEntries is reached: the caller stops reading. */
  add(indicator: string, kind: 'ip' | 'cidr', fields: EntryFields, position: string): boolean {
    return this.addEntry(indicator, kind, fields.description, fields.confidence, fields.validUntil, fields.reference, position);
  }

  addEntry(
    indicator: string,
    kind: 'ip' | 'cidr',
    description: string | null,
    confidence: number | null,
    validUntil: number | null,
    reference: string | null,
    position: string,
  ): boolean {
    if (this.stopped) return false;
    if (this.seen.has(indicator)) {
      this.skipped += 1;
      return true;
    }
    if (this.entries.length >= this.maxEntries) {
      this.stopped = true;
      this.rejected.push({
        position,
        reason: `stopped at the limit of ${this.maxEntries.toLocaleString('en-US')} entries: this and the rest were not read`,
      });
      return false;
    }
    this.seen.add(indicator);
    this.entries.push({ indicator, kind, description, confidence, validUntil, reference });
    return true;
  }

  finish(format: IntelFormat): IntelRead {
    if (this.unlisted > 0) {
      this.rejected.push({
        position: `from ${this.firstUnlisted}`,
        reason: `${this.unlisted.toLocaleString('en-US')} more rejects not listed (only the first ${MAX_LISTED_REJECTS.toLocaleString('en-US')} are)`,
      });
    }
    return { format, entries: this.entries, rejected: this.rejected, skipped: this.skipped };
  }
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/** Header names (lowercase, letters and digits only) of the address column, most specific first. */
const ADDRESS_COLUMNS = ['ip', 'ipaddress', 'ipaddr', 'ipv4', 'ipv6', 'address', 'cidr', 'network', 'netblock', 'dstip', 'indicator', 'ioc', 'iocvalue', 'value'];
const DESCRIPTION_COLUMNS = ['description', 'comment', 'comments', 'threat', 'malwareprintable', 'malware', 'name', 'threattype', 'tags'];
const CONFIDENCE_COLUMNS = ['confidence', 'confidencelevel'];
const DELIMITERS = [',', '\t', ';'] as const;

const columnKey = (cell: string) => cell.toLowerCase().replace(/[^a-z0-9]/g, '');

/** RFC 4180 cells of one record, or null while a quoted cell is still open (it goes on on the next line). Lenient: stray quotes are kept as text. */
function csvCells(text: string, delimiter: string): string[] | null {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    while (text[i] === ' ') i += 1;
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1) return null;
        cell += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          cell += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      const end = text.indexOf(delimiter, i);
      cell += (end === -1 ? text.slice(i) : text.slice(i, end)).trimEnd();
      i = end === -1 ? text.length + 1 : end + 1;
    } else {
      const end = text.indexOf(delimiter, i);
      cell = (end === -1 ? text.slice(i) : text.slice(i, end)).trim();
      i = end === -1 ? text.length + 1 : end + 1;
    }
    cells.push(cell);
    if (i > text.length) return cells;
  }
}

interface CsvHeader {
  readonly delimiter: string;
  readonly names: string[];
  readonly address: number[];
  readonly description: number;
  readonly confidence: number;
}

/** A header row: some cell names an address column. */
function csvHeader(line: string): CsvHeader | null {
  for (const delimiter of DELIMITERS) {
    if (!line.includes(delimiter) && delimiter !== ',') continue;
    const names = csvCells(line, delimiter);
    if (!names) continue;
    const keys = names.map(columnKey);
    const address = ADDRESS_COLUMNS.map((name) => keys.indexOf(name)).filter((i) => i !== -1);
    if (address.length === 0) continue;
    const first = (list: string[]) => list.map((name) => keys.indexOf(name)).find((i) => i !== -1) ?? -1;
    return { delimiter, names, address, description: first(DESCRIPTION_COLUMNS), confidence: first(CONFIDENCE_COLUMNS) };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Lines (plain lists and CSV)
// ---------------------------------------------------------------------------------------------

interface RawLine {
  /** The line without its end of line; only the first MAX_LINE_BYTES when tooLong. */
  readonly text: string;
  /** Its length in bytes. */
  readonly bytes: number;
  readonly tooLong: boolean;
}

const COMMENT_START = /^(?:#|;|\/\/)/;
const HOSTS_FILE_ADDRESSES = new Set(['0.0.0.0', '127.0.0.1', '::', '::1']);

/** Whether a line opens JSON (`{`, or `[` that is not a bracketed IPv6 address). */
function opensJson(trimmed: string): boolean {
  if (trimmed.startsWith('{')) return true;
  return trimmed.startsWith('[') && !/^\[[0-9a-f:.]*:[0-9a-f:.]*\]/i.test(trimmed);
}

/**
 * Takes the lines one at a time: first finds the format (JSON → 'stix', returned for the caller
 * to read the whole text; a header row → CSV; otherwise a list), then parses each line.
 */
class LineConsumer {
  private mode: 'sniff' | 'list' | 'csv' | 'done' = 'sniff';
  private header: CsvHeader | null = null;
  private commentHeader: CsvHeader | null = null;
  private pending: { text: string; line: number; bytes: number } | null = null;
  /** JSON is recognised only on the first non-blank line. */
  private sawNonBlank = false;

  constructor(
    private readonly name: string,
    private readonly forced: IntelFormat | undefined,
    private readonly out: Collector,
  ) {}

  get format(): IntelFormat {
    return this.forced ?? (this.header ? 'csv' : 'list');
  }

  /** 'stix' when the content is JSON: the caller parses the whole text instead. */
  line(raw: RawLine, lineNo: number): 'stix' | undefined {
    const text = lineNo === 1 && raw.text.charCodeAt(0) === 0xfeff ? raw.text.slice(1) : raw.text;
    if (this.mode === 'done') return undefined;
    if (raw.tooLong) {
      if (this.mode === 'sniff' && !this.forced && !this.sawNonBlank && opensJson(text.trimStart())) return 'stix';
      this.sawNonBlank = true;
      if (this.pending) this.dropPending('a quoted cell runs into a line that is too long');
      this.out.reject(`line ${lineNo}`, `longer than ${MAX_LINE_BYTES / 1024} KiB (${raw.bytes.toLocaleString('en-US')} bytes): not read`);
      return undefined;
    }
    if (this.mode === 'csv') {
      this.csvLine(text, lineNo);
      return undefined;
    }
    const trimmed = text.trim();
    if (this.mode === 'list') {
      this.listLine(trimmed, lineNo);
      return undefined;
    }
    // Sniffing: blank lines and comments until the first content line decides.
    if (trimmed === '') {
      this.out.skipped += 1;
      return undefined;
    }
    if (!this.sawNonBlank && !this.forced && opensJson(trimmed)) return 'stix';
    this.sawNonBlank = true;
    if (COMMENT_START.test(trimmed)) {
      this.out.skipped += 1;
      // Some feeds (older abuse.ch CSVs, ThreatFox) write the header as a comment:
      // "# Firstseen,DstIP,...". Two columns at least: "# Network" is only a comment.
      if (this.forced !== 'list' && trimmed.startsWith('#')) {
        const header = csvHeader(trimmed.replace(/^#+\s*/, ''));
        if (header && header.names.length > 1) this.commentHeader = header;
      }
      return undefined;
    }
    if (this.forced === 'list') {
      this.mode = 'list';
      this.listLine(trimmed, lineNo);
      return undefined;
    }
    const header = csvHeader(trimmed);
    if (header) {
      this.header = header;
      this.mode = 'csv';
      return undefined;
    }
    // A commented header counts only when the rows under it have its columns too.
    if (this.commentHeader && (csvCells(trimmed, this.commentHeader.delimiter)?.length ?? 0) > 1) {
      this.header = this.commentHeader;
      this.mode = 'csv';
      this.csvLine(text, lineNo);
      return undefined;
    }
    if (this.forced === 'csv') {
      this.out.reject(
        `line ${lineNo}`,
        'the first row is not a header naming an address column (ip, ip_address, address, cidr, network, dst_ip, indicator, ioc, value…): nothing read',
      );
      this.mode = 'done';
      return undefined;
    }
    this.mode = 'list';
    this.listLine(trimmed, lineNo);
    return undefined;
  }

  end(): void {
    if (this.pending) this.dropPending('a quoted cell is never closed');
    if (this.forced === 'csv' && this.mode === 'sniff') this.out.reject('file', 'no header row naming an address column: nothing read');
  }

  private add(indicator: string, kind: 'ip' | 'cidr', lineNo: number, desc: string | null, confidence: number | null): void {
    this.out.addEntry(indicator, kind, description(desc), confidence, null, `${this.name}:${lineNo}`, `line ${lineNo}`);
  }

  private listLine(trimmed: string, lineNo: number): void {
    if (trimmed === '' || COMMENT_START.test(trimmed)) {
      this.out.skipped += 1;
      return;
    }
    // "//" starts a comment only after a space: it is also in URLs.
    const cut = /#|;|(?<=\s)\/\//.exec(trimmed);
    const body = cut ? trimmed.slice(0, cut.index).trim() : trimmed;
    const comment = cut ? trimmed.slice(cut.index + cut[0].length).trim() : '';
    const split = /[\s,]+/.exec(body);
    const token = split ? body.slice(0, split.index) : body;
    const rest = split ? body.slice(split.index + split[0].length).trim() : '';
    const found = classifyToken(token);
    if (found.kind === 'entry') {
      // A hosts file ("0.0.0.0 evil.example", "127.0.0.1 localhost") blocks the name, not the address.
      const word = rest.split(/\s+/)[0] ?? '';
      if (HOSTS_FILE_ADDRESSES.has(found.indicator) && word !== '' && (otherIndicator(word) || /^[\p{L}\p{N}_-]+$/u.test(word))) {
        this.out.skipped += 1;
        return;
      }
      this.add(found.indicator, found.entryKind, lineNo, comment || rest || null, null);
    } else if (found.kind === 'other') {
      this.out.skipped += 1;
    } else {
      this.out.reject(`line ${lineNo}`, found.reason);
    }
  }

  private dropPending(why: string): void {
    if (!this.pending) return;
    this.out.reject(`line ${this.pending.line}`, `${why}: the record was not read`);
    this.pending = null;
  }

  private csvLine(text: string, lineNo: number): void {
    const header = this.header!;
    let record: string;
    let start: number;
    if (this.pending) {
      record = `${this.pending.text}\n${text}`;
      start = this.pending.line;
      const bytes = this.pending.bytes + 1 + Buffer.byteLength(text);
      if (bytes > MAX_LINE_BYTES) {
        this.dropPending(`a quoted cell runs past ${MAX_LINE_BYTES / 1024} KiB (a quote never closed?)`);
        return;
      }
      this.pending = { text: record, line: start, bytes };
    } else {
      const trimmed = text.trim();
      if (trimmed === '' || trimmed.startsWith('#')) {
        this.out.skipped += 1;
        return;
      }
      record = text;
      start = lineNo;
    }
    const cells = csvCells(record, header.delimiter);
    if (!cells) {
      this.pending ??= { text: record, line: start, bytes: Buffer.byteLength(record) };
      return;
    }
    this.pending = null;
    if (cells.every((c) => c === '')) {
      this.out.skipped += 1;
      return;
    }
    const position = `line ${start}`;
    const cell = header.address.map((i) => cells[i] ?? '').find((c) => c !== '');
    if (cell === undefined) {
      const names = header.address.map((i) => header.names[i] ?? '').join(', ');
      this.out.reject(position, `no address in the ${names} column${header.address.length > 1 ? 's' : ''}`);
      return;
    }
    const found = classifyToken(cell);
    if (found.kind === 'entry') {
      const desc = header.description === -1 ? null : (cells[header.description] ?? null);
      const confidence = header.confidence === -1 ? null : confidenceOf(cells[header.confidence]);
      this.add(found.indicator, found.entryKind, start, desc, confidence);
    } else if (found.kind === 'other') {
      this.out.skipped += 1;
    } else {
      this.out.reject(position, found.reason);
    }
  }
}

/** Splits bytes into lines without ever holding more than MAX_LINE_BYTES of one line. */
class LineSplitter {
  private parts: Buffer[] = [];
  private kept = 0;
  private bytes = 0;
  private tooLong = false;

  push(chunk: Buffer): RawLine[] {
    const lines: RawLine[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(10, start);
      if (newline !== -1 && this.bytes === 0) {
        // The whole line is in this chunk.
        lines.push(this.line(chunk.subarray(start, newline), newline - start, false));
      } else {
        this.take(chunk.subarray(start, newline === -1 ? chunk.length : newline));
        if (newline === -1) return lines;
        lines.push(this.emit());
      }
      start = newline + 1;
    }
  }

  end(): RawLine[] {
    return this.bytes > 0 ? [this.emit()] : [];
  }

  private take(piece: Buffer): void {
    if (piece.length === 0) return;
    this.bytes += piece.length;
    if (this.tooLong) return;
    // One byte more than the limit: it may be a carriage return, which is not part of the line.
    const room = MAX_LINE_BYTES + 1 - this.kept;
    const kept = piece.length > room ? piece.subarray(0, room) : piece;
    // A copy: a short line does not keep the whole chunk it came in alive.
    this.parts.push(Buffer.from(kept));
    this.kept += kept.length;
    if (piece.length > room) this.tooLong = true;
  }

  private emit(): RawLine {
    const buffer = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    const line = this.line(buffer, this.bytes, this.tooLong);
    this.parts = [];
    this.kept = 0;
    this.bytes = 0;
    this.tooLong = false;
    return line;
  }

  private line(buffer: Buffer, total: number, cut: boolean): RawLine {
    let content = buffer;
    let bytes = total;
    if (!cut && content[content.length - 1] === 13) {
      content = content.subarray(0, -1);
      bytes -= 1;
    }
    const tooLong = cut || content.length > MAX_LINE_BYTES;
    return { text: content.subarray(0, MAX_LINE_BYTES).toString('utf8'), bytes, tooLong };
  }
}

/** A reason to refuse the whole file from its first bytes: binary data or UTF-16 text. */
function notText(head: Buffer): string | null {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return 'UTF-16 text: save the file as UTF-8';
  }
  const nul = head.subarray(0, 8192).indexOf(0);
  if (nul !== -1) return `binary data, not text (a NUL byte at offset ${nul})`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// STIX
// ---------------------------------------------------------------------------------------------

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function own(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function ownString(object: JsonObject, key: string): string | null {
  const value = own(object, key);
  return typeof value === 'string' ? value : null;
}

type Token =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'word'; readonly value: string }
  | { readonly kind: 'op'; readonly value: string }
  | { readonly kind: 'punct'; readonly value: string };

const PATH = /[A-Za-z_][A-Za-z0-9_\-:.]*(?:\[(?:\d+|\*)\][A-Za-z0-9_\-:.]*)*/y;
const NUMBER = /[-+]?\d+(?:\.\d+)?/y;

/** Tokens of a STIX pattern; string literals unescaped (\' and \\). */
function tokenize(pattern: string): Parsed<Token[]> {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === "'" || (/[tbh]/.test(c) && pattern[i + 1] === "'")) {
      i += c === "'" ? 1 : 2;
      let value = '';
      for (;;) {
        if (i >= pattern.length) return { ok: false, reason: 'a string literal is never closed' };
        const ch = pattern[i]!;
        if (ch === '\\') {
          if (i + 1 >= pattern.length) return { ok: false, reason: 'a string literal is never closed' };
          value += pattern[i + 1];
          i += 2;
        } else if (ch === "'") {
          i += 1;
          break;
        } else {
          value += ch;
          i += 1;
        }
      }
      tokens.push({ kind: 'string', value });
    } else if ('[](),'.includes(c)) {
      tokens.push({ kind: 'punct', value: c });
      i += 1;
    } else if ('=!<>'.includes(c)) {
      const two = pattern.slice(i, i + 2);
      const op = ['!=', '<=', '>='].includes(two) ? two : c;
      if (op === '!') return { ok: false, reason: `unexpected "!" at ${i}` };
      tokens.push({ kind: 'op', value: op });
      i += op.length;
    } else {
      PATH.lastIndex = i;
      NUMBER.lastIndex = i;
      const word = PATH.exec(pattern) ?? NUMBER.exec(pattern);
      if (!word) return { ok: false, reason: `unexpected character ${show(c)} at ${i}` };
      tokens.push({ kind: 'word', value: word[0] });
      i += word[0].length;
    }
  }
  return { ok: true, value: tokens };
}

const ADDRESS_PATHS = new Set(['ipv4-addr:value', 'ipv6-addr:value', 'network-traffic:dst_ref.value', 'network-traffic:src_ref.value']);

/**
 * The addresses a STIX pattern compares with an address path: `= '…'`, `ISSUBSET '…'`,
 * `IN ('…', '…')`. Negated comparisons (`!=`, `NOT =`) say what the address is not, so they
 * are not indicators; other operators (LIKE, MATCHES, ISSUPERSET, <, >) are not exact either.
 */
function patternAddresses(pattern: string): Parsed<string[]> {
  const tokens = tokenize(pattern);
  if (!tokens.ok) return tokens;
  const list = tokens.value;
  const values: string[] = [];
  let brackets = 0;
  for (const t of list) {
    if (t.kind === 'punct' && t.value === '[') brackets += 1;
    if (t.kind === 'punct' && t.value === ']') brackets -= 1;
    if (brackets < 0) return { ok: false, reason: 'a "]" closes no "["' };
  }
  if (brackets !== 0) return { ok: false, reason: 'a "[" is never closed' };
  for (let i = 0; i < list.length; i += 1) {
    const t = list[i]!;
    if (t.kind !== 'word' || !ADDRESS_PATHS.has(t.value.toLowerCase())) continue;
    let j = i + 1;
    let negated = false;
    if (list[j]?.kind === 'word' && list[j]!.value.toUpperCase() === 'NOT') {
      negated = true;
      j += 1;
    }
    const op = list[j];
    const operator = op === undefined ? '' : op.kind === 'op' ? op.value : op.kind === 'word' ? op.value.toUpperCase() : '';
    if (operator === '=' || operator === 'ISSUBSET') {
      const value = list[j + 1];
      if (value?.kind === 'string' && !negated) values.push(value.value);
    } else if (operator === 'IN' && list[j + 1]?.kind === 'punct' && list[j + 1]!.value === '(') {
      const inList: string[] = [];
      for (let k = j + 2; k < list.length; k += 1) {
        const item = list[k]!;
        if (item.kind === 'string') inList.push(item.value);
        else if (item.kind !== 'punct' || item.value !== ',') break;
      }
      if (!negated) values.push(...inList);
    }
  }
  return { ok: true, value: values };
}

function timeOf(text: string | null): number | null {
  if (text === null) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * The offset of the first error in text that JSON.parse refused (its message names no position
 * in Node 20), or -1 if none is found. Iterative: no recursion however deep the nesting.
 */
function jsonErrorOffset(text: string): number {
  const n = text.length;
  const stack: number[] = []; // char codes of '{' and '['
  let state: 'value' | 'firstValue' | 'key' | 'firstKey' | 'after' = 'value';
  let i = 0;
  const string = (): number => {
    // text[i] is '"'; returns the offset after the closing quote, or -1 - (offset of the error).
    let j = i + 1;
    for (;;) {
      if (j >= n) return -1 - n;
      const c = text.charCodeAt(j);
      if (c === 34) return j + 1;
      if (c < 0x20) return -1 - j;
      if (c === 92) {
        const e = text[j + 1] ?? '';
        if ('"\\/bfnrt'.includes(e) && e !== '') j += 2;
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) j += 6;
        else return -1 - j;
      } else {
        j += 1;
      }
    }
  };
  for (;;) {
    while (i < n && ' \t\n\r'.includes(text[i]!)) i += 1;
    if (i >= n) return stack.length === 0 && state === 'after' ? -1 : n;
    const c = text[i]!;
    if (state === 'after') {
      const top = stack[stack.length - 1];
      if (top === undefined) return i; // content after the end
      if (c === ',') {
        state = top === 123 ? 'key' : 'value';
        i += 1;
      } else if (c === (top === 123 ? '}' : ']')) {
        stack.pop();
        i += 1;
      } else {
        return i;
      }
    } else if (state === 'key' || state === 'firstKey') {
      if (state === 'firstKey' && c === '}') {
        stack.pop();
        i += 1;
        state = 'after';
        continue;
      }
      if (c !== '"') return i;
      const end = string();
      if (end < 0) return -1 - end;
      i = end;
      while (i < n && ' \t\n\r'.includes(text[i]!)) i += 1;
      if (text[i] !== ':') return i;
      i += 1;
      state = 'value';
    } else {
      if (state === 'firstValue' && c === ']') {
        stack.pop();
        i += 1;
        state = 'after';
      } else if (c === '{' || c === '[') {
        stack.push(c.charCodeAt(0));
        i += 1;
        state = c === '{' ? 'firstKey' : 'firstValue';
      } else if (c === '"') {
        const end = string();
        if (end < 0) return -1 - end;
        i = end;
        state = 'after';
      } else {
        JSON_NUMBER.lastIndex = i;
        const number = JSON_NUMBER.exec(text);
        const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
        const length = number?.[0].length ?? literal?.length ?? 0;
        if (length === 0) return i;
        i += length;
        state = 'after';
      }
    }
  }
}

/** Where JSON.parse stopped, as "line L, column C". */
function jsonPosition(text: string, message: string): string {
  let offset = jsonErrorOffset(text);
  if (offset === -1) {
    const lineColumn = /line (\d+) column (\d+)/.exec(message);
    if (lineColumn) return `line ${lineColumn[1]}, column ${lineColumn[2]}`;
    const at = /position (\d+)/.exec(message);
    if (!at) return 'file';
    offset = Math.min(Number(at[1]), text.length);
  }
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

function parseStix(text: string, name: string, out: Collector): void {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    out.reject(jsonPosition(body, message), `not valid JSON: ${visible(message.length > 200 ? `${cutAt(message, 200)}…` : message)}`);
    return;
  }
  let objects: unknown[];
  if (Array.isArray(root)) {
    objects = root;
  } else if (isObject(root) && own(root, 'type') === 'bundle') {
    const list = own(root, 'objects');
    if (list === undefined) return; // an empty bundle
    if (!Array.isArray(list)) {
      out.reject('objects', 'the bundle\'s "objects" is not an array');
      return;
    }
    objects = list;
  } else if (isObject(root) && typeof own(root, 'type') === 'string') {
    objects = [root];
  } else {
    out.reject('file', 'JSON that is neither a STIX bundle nor an array of STIX objects');
    return;
  }
  for (const [i, object] of objects.entries()) {
    if (out.stopped) return;
    stixObject(object, `objects[${i}]`, name, out);
  }
}

function stixObject(object: unknown, position: string, name: string, out: Collector): void {
  if (!isObject(object)) {
    out.reject(position, 'not a STIX object (not a JSON object)');
    return;
  }
  const type = ownString(object, 'type');
  const id = ownString(object, 'id');
  const reference = id !== null && id.trim() !== '' ? cutAt(id, MAX_DESCRIPTION) : `${name}:${position}`;
  if (type === null) {
    out.reject(position, 'a STIX object without a type');
    return;
  }
  if (type === 'ipv4-addr' || type === 'ipv6-addr') {
    const value = ownString(object, 'value');
    if (value === null) {
      out.reject(position, `an ${type} object without a value`);
      return;
    }
    const found = toIndicator(value.trim());
    if (!found.ok) out.reject(position, found.reason);
    else out.add(found.value.indicator, found.value.kind, { description: null, confidence: null, validUntil: null, reference }, position);
    return;
  }
  if (type !== 'indicator' || own(object, 'revoked') === true) {
    out.skipped += 1;
    return;
  }
  const patternType = own(object, 'pattern_type');
  if (patternType !== undefined && patternType !== 'stix') {
    out.skipped += 1; // snort, yara, sigma…: not read
    return;
  }
  const pattern = ownString(object, 'pattern');
  if (pattern === null) {
    out.reject(position, 'an indicator without a pattern');
    return;
  }
  if (pattern.length > MAX_PATTERN_CHARS) {
    out.reject(position, `a pattern longer than ${MAX_PATTERN_CHARS / 1024 / 1024} MiB`);
    return;
  }
  const addresses = patternAddresses(pattern);
  if (!addresses.ok) {
    out.reject(position, `the pattern does not parse: ${addresses.reason}`);
    return;
  }
  if (addresses.value.length === 0) {
    out.skipped += 1; // a domain, URL or file hash
    return;
  }
  const title = ownString(object, 'name')?.trim();
  const desc = ownString(object, 'description')?.trim();
  const confidence = own(object, 'confidence');
  const fields: EntryFields = {
    description: description(title && desc ? `${title}: ${desc}` : title || desc),
    confidence: typeof confidence === 'number' && confidence >= 0 && confidence <= 100 ? confidence : null,
    validUntil: timeOf(ownString(object, 'valid_until')),
    reference,
  };
  for (const value of addresses.value) {
    const found = toIndicator(value.trim());
    if (!found.ok) out.reject(position, `pattern value: ${found.reason}`);
    else if (!out.add(found.value.indicator, found.value.kind, fields, position)) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

function maxEntriesOf(options: IntelOptions | undefined): number {
  const max = options?.maxEntries ?? DEFAULT_MAX_ENTRIES;
  if (!Number.isInteger(max) || max < 0) throw new RangeError(`maxEntries must be a whole number ≥ 0, not ${max}`);
  return max;
}

/** The same as readIntel, from text already in memory (tests and small inputs); `name` makes the references. */
export function parseIntelText(text: string, name: string, options?: IntelOptions): IntelRead {
  const out = new Collector(maxEntriesOf(options));
  if (options?.format === 'stix') {
    parseStix(text, name, out);
    return out.finish('stix');
  }
  const nul = text.slice(0, 8192).indexOf('\0');
  if (nul !== -1) {
    out.reject('file', `binary data, not text (a NUL character at offset ${nul})`);
    return out.finish(options?.format ?? 'list');
  }
  const consumer = new LineConsumer(name, options?.format, out);
  let lineNo = 0;
  for (let start = 0; start < text.length && !out.stopped; ) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    lineNo += 1;
    let line = text.slice(start, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const tooLong = line.length > MAX_LINE_BYTES || (line.length > MAX_LINE_BYTES / 3 && Buffer.byteLength(line) > MAX_LINE_BYTES);
    const raw: RawLine = tooLong
      ? { text: line.slice(0, MAX_LINE_BYTES), bytes: Buffer.byteLength(line), tooLong }
      : { text: line, bytes: line.length, tooLong };
    if (consumer.line(raw, lineNo) === 'stix') {
      const stix = new Collector(maxEntriesOf(options));
      parseStix(text, name, stix);
      return stix.finish('stix');
    }
    start = end + 1;
  }
  consumer.end();
  return out.finish(consumer.format);
}

async function fileHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(2);
    const { bytesRead } = await handle.read(buffer, 0, 2, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The file's bytes, gunzipped when it is gzip (by its magic bytes, whatever its name). */
function fileStream(file: string, gzip: boolean): { stream: Readable; close: () => void } {
  const input = createReadStream(file);
  if (!gzip) return { stream: input, close: () => input.destroy() };
  const gunzip = createGunzip();
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  return {
    stream: gunzip,
    close: () => {
      input.destroy();
      gunzip.destroy();
    },
  };
}

const isZlibError = (error: unknown) => typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('Z_');

async function readStixFile(file: string, gzip: boolean, out: Collector, name: string): Promise<void> {
  const limit = `a STIX file is read whole, and one over ${MAX_STIX_BYTES / 1024 / 1024} MiB is refused`;
  if (!gzip) {
    const { size } = await stat(file);
    if (size > MAX_STIX_BYTES) {
      out.reject('file', `${limit} (this one is ${Math.ceil(size / 1024 / 1024)} MiB): split the bundle`);
      return;
    }
  }
  const { stream, close } = fileStream(file, gzip);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > MAX_STIX_BYTES) {
        out.reject('file', `${limit} (this one is larger once decompressed): split the bundle`);
        return;
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (!isZlibError(error)) throw error;
    out.reject('file', `the gzip data is corrupt or cut short: ${(error as Error).message}`);
    return;
  } finally {
    close();
  }
  let text: string;
  try {
    text = Buffer.concat(chunks).toString('utf8');
  } catch {
    out.reject('file', `${limit}: this one is too large to hold as text`);
    return;
  }
  chunks.length = 0;
  parseStix(text, name, out);
}

/**
 * Reads a threat-intelligence file: a plain list or CSV line by line (memory stays flat apart
 * from the entries), STIX JSON whole. Gzip is read through (by its magic bytes, so a `.gz` name
 * is not needed). The format is detected by content unless `format` forces one: first non-blank
 * character `{` or `[` → STIX JSON; a header row naming an address column (ip, ip_address,
 * address, indicator, value, ioc, cidr, network, dst_ip…) → CSV; otherwise one address or range
 * a line. Throws only when the file cannot be read (missing, unreadable), never on its content.
 */
export async function readIntel(file: string, options?: IntelOptions): Promise<IntelRead> {
  const maxEntries = maxEntriesOf(options);
  const head = await fileHead(file);
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const out = new Collector(maxEntries);
  if (options?.format === 'stix') {
    await readStixFile(file, gzip, out, file);
    return out.finish('stix');
  }
  const consumer = new LineConsumer(file, options?.format, out);
  const splitter = new LineSplitter();
  const { stream, close } = fileStream(file, gzip);
  let lineNo = 0;
  let first = true;
  let refused = false;
  let stix = false;
  try {
    read: for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (first) {
        first = false;
        const why = notText(chunk);
        if (why) {
          out.reject('file', why);
          refused = true;
          break;
        }
      }
      for (const line of splitter.push(chunk)) {
        lineNo += 1;
        if (consumer.line(line, lineNo) === 'stix') {
          stix = true;
          break read;
        }
        if (out.stopped) break read;
      }
    }
    if (!stix && !out.stopped && !refused) {
      for (const line of splitter.end()) {
        lineNo += 1;
        if (consumer.line(line, lineNo) === 'stix') stix = true;
      }
    }
  } catch (error) {
    if (!isZlibError(error)) throw error;
    out.reject(`after line ${lineNo}`, `the gzip data is corrupt or cut short: ${(error as Error).message}`);
  } finally {
    close();
  }
  if (stix) {
    const whole = new Collector(maxEntries);
    await readStixFile(file, gzip, whole, file);
    return whole.finish('stix');
  }
  consumer.end();
  return out.finish(consumer.format);
}

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

/**
 * A matcher built once: which entries flag an address (IPv4 or IPv6, any textual form; an
 * IPv4-mapped IPv6 address is its IPv4 address). Exact addresses first, then the ranges that
 * hold it, narrowest first. Entries whose indicator does not parse are ignored.
 */
export function addressMatches(entries: readonly IntelEntry[]): (ip: string) => IntelEntry[] {
  const exact = new Map<string, IntelEntry[]>();
  const v4 = new Map<number, Map<number, IntelEntry[]>>();
  const v6 = new Map<number, Map<bigint, IntelEntry[]>>();
  const push = <K>(map: Map<K, IntelEntry[]>, key: K, entry: IntelEntry) => {
    const list = map.get(key);
    if (list) list.push(entry);
    else map.set(key, [entry]);
  };
  for (const entry of entries) {
    const parsed = parseNetwork(entry.indicator);
    if (!parsed.ok) continue;
    const n = parsed.value;
    if (n.prefix === (n.version === 4 ? 32 : 128)) {
      push(exact, networkText(n).indicator, entry);
    } else if (n.version === 4) {
      let byNetwork = v4.get(n.prefix);
      if (!byNetwork) v4.set(n.prefix, (byNetwork = new Map()));
      push(byNetwork, n.value as number, entry);
    } else {
      let byNetwork = v6.get(n.prefix);
      if (!byNetwork) v6.set(n.prefix, (byNetwork = new Map()));
      push(byNetwork, n.value as bigint, entry);
    }
  }
  const v4Ranges = [...v4.entries()].sort((a, b) => b[0] - a[0]).map(([prefix, map]) => ({ mask: maskV4(prefix), map }));
  const v6Ranges = [...v6.entries()].sort((a, b) => b[0] - a[0]).map(([prefix, map]) => ({ mask: maskV6(prefix), map }));
  return (ip: string) => {
    const parsed = typeof ip === 'string' && !ip.includes('/') ? parseNetwork(ip.trim()) : null;
    if (!parsed?.ok) return [];
    const n = parsed.value;
    const found = [...(exact.get(networkText(n).indicator) ?? [])];
    if (n.version === 4) {
      for (const { mask, map } of v4Ranges) found.push(...(map.get(((n.value as number) & mask) >>> 0) ?? []));
    } else {
      for (const { mask, map } of v6Ranges) found.push(...(map.get((n.value as bigint) & mask) ?? []));
    }
    return found;
  };
}
