import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GeoDatabase, geoDatabaseInfo, RangeFile } from '../../ingest/enrich/geoDatabase';

const require = createRequire(import.meta.url);
const asnFile = join(dirname(require.resolve('@ip-location-db/asn/package.json')), 'asn-ipv4-num.csv');
const dotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

describe('the offline geo database', () => {
  it('locates public addresses: country and network owner', async () => {
    const geo = await GeoDatabase.load();
    expect(geo.lookup('8.8.8.8')).toMatchObject({ countryCode: 'US', country: 'United States', asn: 15169 });
    expect(geo.lookup('8.8.8.8')?.asnOrg).toMatch(/google/i);
    expect(geo.lookup('1.1.1.1')).toMatchObject({ asn: 13335, asnOrg: 'Cloudflare, Inc.' });
    expect(geo.lookup('2001:db8::1')).toBeNull();
    expect(geo.lookup('10.0.0.1')).toBeNull();
  });

  it('finds every range at its first and last address, quoted names and all, and nothing in the gaps', async () => {
    // The file read line by line here, independently of the bisection over its bytes.
    const lines = readFileSync(asnFile, 'utf8').trim().split('\n');
    const picked = [0, 1, lines.length - 1, ...lines.map((_, i) => i).filter((i) => i % 5000 === 0), ...lines.map((_, i) => i).filter((i) => lines[i]!.includes('""')).slice(0, 20)];
    const geo = await GeoDatabase.load();
    let gaps = 0;
    for (const i of picked) {
      const [start, end, asn] = lines[i]!.split(',').map(Number) as [number, number, number];
      const quoted = /^\d+,\d+,\d+,"(.*)"$/.exec(lines[i]!)?.[1]?.replaceAll('""', '"');
      const org = quoted ?? lines[i]!.split(',').slice(3).join(',');
      const previousEnd = i > 0 ? Number(lines[i - 1]!.split(',')[1]) : -1;
      const nextStart = i + 1 < lines.length ? Number(lines[i + 1]!.split(',')[0]) : Infinity;
      // One range in the file overlaps the one before it; either answer is the file's.
      if (start <= previousEnd || end >= nextStart) continue;
      for (const address of [start, end, Math.floor((start + end) / 2)]) expect(geo.lookup(dotted(address)), `line ${i + 1}, ${dotted(address)}`).toMatchObject({ asn, asnOrg: org });
      if (start - 1 > previousEnd) {
        gaps += 1;
        expect(geo.lookup(dotted(start - 1))?.asn ?? null, `before line ${i + 1}`).toBeNull();
      }
    }
    expect(gaps).toBeGreaterThan(0);
  });

  it('passes over lines that hold no range wherever the bisection lands on them', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'trailhound-geo-')), 'ranges.csv');
    const ranges = Array.from({ length: 40 }, (_, i) => [i * 100, i * 100 + 49, `AS${i}`] as const);
    // Blank and broken lines between ranges, a quoted name, no newline at the end.
    const lines = ['', ...ranges.flatMap(([a, b, name], i) => [a === 700 ? `${a},${b},"Org, ""${name}"""` : `${a},${b},${name}`, ...(i % 3 === 0 ? [''] : []), ...(i % 7 === 0 ? ['not,a,range'] : [])])];
    writeFileSync(file, lines.join('\n'));
    const file_ = RangeFile.read(file);
    for (const [a, b, name] of ranges) {
      for (const value of [a, b, (a + b) >> 1]) expect(file_.find(value)?.[2], `${value}`).toBe(a === 700 ? `Org, "${name}"` : name);
      expect(file_.find(b + 1), `${b + 1}`).toBeNull();
    }
    expect(file_.find(4_000_000)).toBeNull();
  });

  it('says which data it holds and how old it is', () => {
    const info = geoDatabaseInfo();
    expect(info.countryDate).toMatch(/^20\d\d-\d\d-\d\d$/);
    expect(info.asnDate).toMatch(/^20\d\d-\d\d-\d\d$/);
  });
});
