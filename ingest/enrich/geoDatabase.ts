import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isIPv4 } from 'node:net';

/**
 * Country and network owner of public addresses, from databases that ship inside npm packages
 * (nothing is downloaded at run time): DB-IP Lite country (@ip-location-db/dbip-country) and
 * RouteViews + DB-IP ASN (@ip-location-db/asn), both CC BY 4.0. The range files are read as they
 * are and searched by bisection. IPv4 only for now; IPv6 addresses keep what GuardDuty says.
 */
export interface GeoAnswer {
  readonly country: string | null;
  readonly countryCode: string | null;
  readonly asn: number | null;
  readonly asnOrg: string | null;
}

export interface GeoDatabaseInfo {
  readonly source: string;
  /** The data's date, from the package versions (yyyy-mm-dd). */
  readonly countryDate: string;
  readonly asnDate: string;
  readonly note: string;
}

const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** The data date in an @ip-location-db version such as 2.3.2026061719 (2026-06-17). */
function dateOf(name: string): string {
  const version = (JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')) as { version: string }).version;
  const stamp = version.split('.').pop() ?? '';
  return /^\d{8}/.test(stamp) ? `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}` : version;
}

export function geoDatabaseInfo(): GeoDatabaseInfo {
  return {
    source: 'DB-IP Lite country and RouteViews/DB-IP ASN (CC BY 4.0), via @ip-location-db npm packages',
    countryDate: dateOf('@ip-location-db/dbip-country'),
    asnDate: dateOf('@ip-location-db/asn'),
    note: 'Offline data: an address can have moved since. GuardDuty findings carry their own location, which is kept.',
  };
}

/**
 * One of the range files (`start,end,value…` a line, sorted by start, ranges disjoint), kept as
 * the bytes read: an address is found by bisecting the bytes themselves, so nothing is parsed
 * but the twenty-odd lines a lookup lands on. Parsing the 768,000 lines of both files into
 * arrays took half a second of every ingest that found new addresses (docs/benchmarks.md).
 */
export class RangeFile {
  private constructor(private readonly bytes: Buffer) {}

  static read(file: string): RangeFile {
    return new RangeFile(readFileSync(file));
  }

  /** The columns of the line whose range holds `value`, or null. */
  find(value: number): string[] | null {
    const bytes = this.bytes;
    // [lo, hi): the bytes that can still hold the line; lo is always a line start.
    let lo = 0;
    let hi = bytes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const landed = mid === 0 ? 0 : bytes.lastIndexOf(NEWLINE, mid - 1) + 1;
      // A line that holds no range (a blank one) is passed over: the next line that does decides.
      let start = landed;
      let ranged = readLine(bytes, start);
      while (!ranged && line.end + 1 < hi) ranged = readLine(bytes, (start = line.end + 1));
      if (!ranged || value < line.first) hi = landed;
      else if (value > line.last) lo = line.end + 1;
      else return splitCsv(bytes.toString('utf8', start, line.end));
    }
    return null;
  }
}

/**
 * What readLine last read: where the line ends and its range (first and last of -1 when it holds
 * none). One object for every step of every lookup: a lookup lands on twenty-odd lines in each of
 * two files for every new address, and an object per line and number was a twentieth of what a
 * flow-log load allocated.
 */
const line = { end: 0, first: -1, last: -1 };

/** Reads the line starting at `start` into `line`; whether it holds a range. */
function readLine(bytes: Buffer, start: number): boolean {
  const newline = bytes.indexOf(NEWLINE, start);
  const end = newline === -1 ? bytes.length : newline;
  line.end = end;
  line.first = numberAt(bytes, start, end);
  line.last = line.first < 0 ? -1 : numberAt(bytes, numberEnd + 1, end);
  return line.first >= 0 && line.last >= 0;
}

const NEWLINE = 10;
const COMMA = 44;
/** Where the number numberAt last read ended (its comma). */
let numberEnd = 0;

/** The unsigned integer at `at`, ended by a comma before `end` (numberEnd is left on the comma), or -1. */
function numberAt(bytes: Buffer, at: number, end: number): number {
  let value = 0;
  let i = at;
  for (; i < end; i++) {
    const c = bytes[i]!;
    if (c === COMMA) break;
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
  }
  numberEnd = i;
  return i === at || i >= end ? -1 : value;
}

/** CSV with optional double quotes (organisation names contain commas). */
function splitCsv(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"') {
      if (quoted && line[i + 1] === '"') {
        current += '"';
        i++;
      } else quoted = !quoted;
    } else if (c === ',' && !quoted) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

const names = new Intl.DisplayNames(['en'], { type: 'region' });

export class GeoDatabase {
  private constructor(
    private readonly countries: RangeFile,
    private readonly asns: RangeFile,
  ) {}

  static async load(): Promise<GeoDatabase> {
    return new GeoDatabase(
      RangeFile.read(join(packageDir('@ip-location-db/dbip-country'), 'dbip-country-ipv4-num.csv')),
      RangeFile.read(join(packageDir('@ip-location-db/asn'), 'asn-ipv4-num.csv')),
    );
  }

  lookup(ip: string): GeoAnswer | null {
    if (!isIPv4(ip)) return null;
    const value = ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
    const code = this.countries.find(value)?.[2] || null;
    const asn = this.asns.find(value);
    if (!code && !asn) return null;
    const [number, org] = asn ? [asn[2], asn[3]] : [];
    let country: string | null = null;
    if (code && code !== 'ZZ') {
      try {
        country = names.of(code) ?? code;
      } catch {
        country = code;
      }
    }
    return { country, countryCode: code, asn: number ? Number(number) : null, asnOrg: org || null };
  }
}
