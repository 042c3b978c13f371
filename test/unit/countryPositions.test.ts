import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countryPosition, distanceKm } from '../../ingest/enrich/countryPositions';

/**
 * Codes DB-IP can return that have no point (yet). Empty today: every code is placed. A code
 * may only be added here on purpose, so coverage cannot silently shrink.
 */
const KNOWN_GAPS: ReadonlySet<string> = new Set<string>([]);

function dbipCountryCodes(): Set<string> {
  const dir = dirname(createRequire(import.meta.url).resolve('@ip-location-db/dbip-country/package.json'));
  const codes = new Set<string>();
  for (const file of ['dbip-country-ipv4-num.csv', 'dbip-country-ipv6-num.csv']) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const code = line.split(',')[2]?.trim();
      if (code && code !== 'ZZ') codes.add(code);
    }
  }
  return codes;
}

function inBox(point: { lat: number; lon: number } | null, south: number, north: number, west: number, east: number): boolean {
  return point !== null && point.lat >= south && point.lat <= north && point.lon >= west && point.lon <= east;
}

describe('country positions', () => {
  it('finds Germany by code, by its stored English name and case-insensitively, inside Germany', () => {
    const byCode = countryPosition('DE');
    expect(byCode).not.toBeNull();
    expect(countryPosition('Germany')).toEqual(byCode);
    expect(countryPosition('germany')).toEqual(byCode);
    expect(countryPosition('  GERMANY ')).toEqual(byCode);
    expect(countryPosition('de')).toEqual(byCode);
    expect(byCode?.code).toBe('DE');
    expect(inBox(byCode, 47, 55.1, 5.8, 15.1)).toBe(true);
  });

  it('places the US in the contiguous states, not Alaska or Hawaii', () => {
    const us = countryPosition('United States');
    expect(us?.code).toBe('US');
    expect(inBox(us, 24.5, 49.4, -124.8, -66.9)).toBe(true);
  });

  it('places France in metropolitan France, not French Guiana', () => {
    expect(inBox(countryPosition('France'), 41.3, 51.1, -5.2, 9.6)).toBe(true);
    // French Guiana has its own point, in South America.
    expect(inBox(countryPosition('French Guiana'), 2, 6, -54.7, -51.5)).toBe(true);
  });

  it('places Russia inside Russia and Norway on the mainland, not on Svalbard', () => {
    expect(inBox(countryPosition('Russia'), 41.2, 81.9, 27.3, 180)).toBe(true);
    expect(inBox(countryPosition('Norway'), 57.9, 71.2, 4.5, 31.1)).toBe(true);
    expect(inBox(countryPosition('Svalbard & Jan Mayen'), 74, 81, 10, 35)).toBe(true);
  });

  it('understands the spellings GuardDuty and others use', () => {
    expect(countryPosition('Russian Federation')).toEqual(countryPosition('RU'));
    expect(countryPosition('United States of America')).toEqual(countryPosition('US'));
    expect(countryPosition('Korea, Republic of')).toEqual(countryPosition('KR'));
    expect(countryPosition('South Korea')).toEqual(countryPosition('KR'));
    expect(countryPosition('Viet Nam')).toEqual(countryPosition('VN'));
    expect(countryPosition('Vietnam')).toEqual(countryPosition('VN'));
    expect(countryPosition('Iran, Islamic Republic of')?.code).toBe('IR');
    expect(countryPosition('Czech Republic')?.code).toBe('CZ');
    expect(countryPosition('Turkey')?.code).toBe('TR');
    expect(countryPosition("Cote d'Ivoire")?.code).toBe('CI');
    expect(countryPosition('Côte d’Ivoire')?.code).toBe('CI');
    expect(countryPosition('Saint Kitts and Nevis')?.code).toBe('KN');
    expect(countryPosition('Bosnia and Herzegovina')?.code).toBe('BA');
    expect(countryPosition('The Netherlands')?.code).toBe('NL');
    expect(countryPosition('Hong Kong')?.code).toBe('HK');
    expect(countryPosition('Kosovo')?.code).toBe('XK');
  });

  it('finds every country by the name the offline geo database stores for it', () => {
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    for (const code of ['DE', 'RU', 'US', 'GB', 'NL', 'CD', 'CG', 'CI', 'KN', 'MM', 'HK', 'PS', 'TR', 'CZ', 'ST']) {
      expect(countryPosition(names.of(code))?.code, code).toBe(code);
    }
  });

  it('answers null for nothing, unknown names and unassigned codes', () => {
    expect(countryPosition(null)).toBeNull();
    expect(countryPosition(undefined)).toBeNull();
    expect(countryPosition('')).toBeNull();
    expect(countryPosition('Atlantis')).toBeNull();
    expect(countryPosition('ZZ')).toBeNull();
    expect(countryPosition('QQ')).toBeNull();
  });

  it('measures Frankfurt to New York plausibly, symmetrically, and zero for one place', () => {
    const de = countryPosition('DE');
    const us = countryPosition('US');
    if (!de || !us) throw new Error('DE and US must be placed');
    const d = distanceKm(de, us);
    expect(d).toBeGreaterThan(6000);
    expect(d).toBeLessThan(8500);
    expect(distanceKm(us, de)).toBeCloseTo(d, 9);
    expect(distanceKm(de, de)).toBe(0);
    // A known distance: a quarter of the equator.
    expect(distanceKm({ lat: 0, lon: 0 }, { lat: 0, lon: 90 })).toBeCloseTo((Math.PI * 6371) / 2, 6);
  });

  it('places every country DB-IP can return, apart from an explicit list of known gaps', () => {
    const codes = dbipCountryCodes();
    expect(codes.size).toBeGreaterThan(200);
    const unplaced = [...codes].filter((code) => countryPosition(code) === null).sort();
    expect(unplaced).toEqual([...KNOWN_GAPS].sort());
    for (const code of codes) {
      const point = countryPosition(code);
      if (!point) continue;
      expect(point.code).toBe(code);
      expect(Math.abs(point.lat)).toBeLessThanOrEqual(90);
      expect(Math.abs(point.lon)).toBeLessThanOrEqual(180);
    }
  });

  it('places Malaysia, Indonesia and New Zealand where their capitals are, not on their largest island', () => {
    // Their largest polygons are Borneo and the South Island, 1,000 km and more from where most people are.
    expect(inBox(countryPosition('MY'), 1, 7, 99.5, 104.5)).toBe(true); // Peninsular Malaysia
    expect(inBox(countryPosition('ID'), -9, -5.5, 105, 115)).toBe(true); // Java
    expect(inBox(countryPosition('NZ'), -41.7, -34, 172.5, 178.6)).toBe(true); // North Island
  });
});
