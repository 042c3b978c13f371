import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { isIPv4 } from 'node:net';

/**
 * Country and network owner of public addresses, from databases that ship inside npm packages
 * (nothing is downloaded at run time): DB-IP Lite country (@ip-location-db/dbip-country) and
 * RouteViews + DB-IP ASN (@ip-location-db/asn), both CC BY 4.0. Ranges are loaded into typed
 * arrays and searched by bisection. IPv4 only for now; IPv6 addresses keep what GuardDuty says.
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

interface Ranges {
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  readonly values: Uint32Array;
  readonly table: string[];
}

async function loadRanges(file: string, valueColumn: (columns: string[]) => string): Promise<Ranges> {
  const starts: number[] = [];
  const ends: number[] = [];
  const values: number[] = [];
  const table: string[] = [];
  const index = new Map<string, number>();
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    const columns = splitCsv(line);
    if (columns.length < 3) continue;
    const value = valueColumn(columns);
    let at = index.get(value);
    if (at === undefined) {
      at = table.length;
      table.push(value);
      index.set(value, at);
    }
    starts.push(Number(columns[0]));
    ends.push(Number(columns[1]));
    values.push(at);
  }
  return { starts: Uint32Array.from(starts), ends: Uint32Array.from(ends), values: Uint32Array.from(values), table };
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

function lookup(ranges: Ranges, value: number): string | null {
  let lo = 0;
  let hi = ranges.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (ranges.starts[mid]! > value) hi = mid - 1;
    else if (ranges.ends[mid]! < value) lo = mid + 1;
    else return ranges.table[ranges.values[mid]!] ?? null;
  }
  return null;
}

const names = new Intl.DisplayNames(['en'], { type: 'region' });

export class GeoDatabase {
  private constructor(
    private readonly countries: Ranges,
    private readonly asns: Ranges,
  ) {}

  static async load(): Promise<GeoDatabase> {
    const [countries, asns] = await Promise.all([
      loadRanges(join(packageDir('@ip-location-db/dbip-country'), 'dbip-country-ipv4-num.csv'), (c) => c[2] ?? ''),
      loadRanges(join(packageDir('@ip-location-db/asn'), 'asn-ipv4-num.csv'), (c) => `${c[2]}\u0000${c[3] ?? ''}`),
    ]);
    return new GeoDatabase(countries, asns);
  }

  lookup(ip: string): GeoAnswer | null {
    if (!isIPv4(ip)) return null;
    const value = ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
    const code = lookup(this.countries, value);
    const asn = lookup(this.asns, value);
    if (!code && !asn) return null;
    const [number, org] = asn ? asn.split('\u0000') : [];
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
