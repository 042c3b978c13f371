#!/usr/bin/env node
/**
 * Writes ingest/enrich/countryPositions.json: one representative point (latitude, longitude) per
 * ISO 3166-1 alpha-2 code that the DB-IP Lite country data (@ip-location-db/dbip-country, a repo
 * dependency) can return, for the impossible-travel indicator.
 *
 * Source: Natural Earth 4.1.0 Admin 0 countries at 1:10m (public domain), as redistributed in the
 * npm package world-atlas@2.0.2 (ISC), file countries-10m.json (TopoJSON; feature id = ISO 3166-1
 * numeric code). Only coordinates derived from Natural Earth end up in the JSON.
 *
 * Method: per country, take the polygon with the largest spherical area (so France is not pulled
 * toward French Guiana, nor the US toward Alaska and Hawaii; for the few in CAPITAL_POLYGON, the
 * polygon that holds the capital) and its spherical centroid
 * (d3-geo geoCentroid), rounded to 2 decimals. When that point falls outside the polygon (a
 * crescent-shaped country, or rounding off a coast), use the polygon's pole of inaccessibility
 * instead (polylabel), also rounded.
 * Territories that Natural Earth folds into another country's multipolygon (French overseas
 * departments, Svalbard, Bouvet Island, Caribbean Netherlands, Tokelau) and the two that share
 * the "Indian Ocean Ter." feature (Christmas Island, Cocos Islands) are picked out of that
 * feature by the bounding boxes in TERRITORIES below; Kosovo has no numeric code and is found by
 * name.
 *
 * The generator's packages are NOT repo dependencies. To rerun (network: the npm registry):
 *
 *   npm install --no-save --no-audit --no-fund --prefix /tmp/country-positions \
 *     world-atlas@2.0.2 topojson-client@3.1.0 d3-geo@3.1.2 polylabel@2.1.0 i18n-iso-countries@7.14.0
 *   node ingest/enrich/make-country-positions.mjs /tmp/country-positions
 *
 * (or `npm pack world-atlas@2.0.2` etc. and unpack each into /tmp/country-positions/node_modules/NAME).
 * i18n-iso-countries (MIT) is used only for its ISO numeric -> alpha-2 table (codes.json).
 * It prints the codes it could not place; the test test/unit/countryPositions.test.ts lists them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const toolDir = resolve(process.argv[2] ?? '/tmp/country-positions');
const toolRequire = createRequire(join(toolDir, 'package.json'));
const repoRequire = createRequire(join(repo, 'package.json'));

async function load(name) {
  return import(pathToFileURL(toolRequire.resolve(name)).href);
}
function version(require, name) {
  return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
}

const { feature } = await load('topojson-client');
const { geoArea, geoCentroid, geoContains } = await load('d3-geo');
const polylabel = (await load('polylabel')).default;

const atlasVersion = version(toolRequire, 'world-atlas');
const topology = JSON.parse(readFileSync(toolRequire.resolve('world-atlas/countries-10m.json'), 'utf8'));
const isoCodes = JSON.parse(readFileSync(toolRequire.resolve('i18n-iso-countries/codes.json'), 'utf8'));
const alpha2ByNumeric = new Map(isoCodes.map(([alpha2, , numeric]) => [numeric, alpha2]));

// Every code DB-IP can return (IPv4 and IPv6 files), third column.
const dbipDir = dirname(repoRequire.resolve('@ip-location-db/dbip-country/package.json'));
const dbipVersion = version(repoRequire, '@ip-location-db/dbip-country');
const wanted = new Set();
for (const file of ['dbip-country-ipv4-num.csv', 'dbip-country-ipv6-num.csv']) {
  for (const line of readFileSync(join(dbipDir, file), 'utf8').split('\n')) {
    const code = line.split(',')[2]?.trim();
    if (code && /^[A-Z]{2}$/.test(code) && code !== 'ZZ') wanted.add(code);
  }
}

/** Natural Earth features without an ISO numeric id that still stand for a code. */
const BY_NAME = { Kosovo: 'XK' };

/**
 * Territories inside another feature's multipolygon: [code, parent feature name, bbox
 * [west, south, east, north]]; the largest parent polygon whose centroid is in the box is used.
 */
const TERRITORIES = [
  ['GF', 'France', [-55, 1.5, -51, 6.5]], // French Guiana
  ['GP', 'France', [-62, 15.8, -60.9, 16.6]], // Guadeloupe
  ['MQ', 'France', [-61.3, 14.3, -60.7, 15]], // Martinique
  ['RE', 'France', [55.1, -21.5, 55.9, -20.8]], // Réunion
  ['YT', 'France', [44.9, -13.1, 45.4, -12.5]], // Mayotte
  ['SJ', 'Norway', [10, 74, 35, 81]], // Svalbard (and Jan Mayen, smaller)
  ['BV', 'Norway', [3.2, -54.6, 3.6, -54.3]], // Bouvet Island
  ['BQ', 'Netherlands', [-68.5, 11.9, -62.9, 17.7]], // Bonaire, Sint Eustatius, Saba
  ['TK', 'New Zealand', [-172.6, -9.5, -171.1, -8.5]], // Tokelau
  ['CX', 'Indian Ocean Ter.', [105.4, -10.7, 105.8, -10.3]], // Christmas Island
  ['CC', 'Indian Ocean Ter.', [96.7, -12.3, 97, -11.8]], // Cocos (Keeling) Islands
];

/**
 * Countries whose largest polygon is not where most of their people (and their networks) are:
 * the polygon holding the capital ([lon, lat]) is used instead. Malaysia's and Indonesia's
 * largest polygons are their parts of Borneo, New Zealand's is the South Island; the largest
 * polygon put their points 1,000 km or more from Kuala Lumpur and Jakarta.
 */
const CAPITAL_POLYGON = {
  MY: [101.69, 3.14], // Kuala Lumpur, Peninsular Malaysia
  ID: [106.85, -6.21], // Jakarta, Java
  NZ: [174.78, -41.29], // Wellington, North Island
};

const countries = feature(topology, topology.objects.countries).features;

/** The feature's polygons as GeoJSON Polygon geometries, each with its spherical area. */
function polygons(f) {
  const g = f.geometry;
  if (!g) return [];
  const list = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
  return list.map((coordinates) => {
    const polygon = { type: 'Polygon', coordinates };
    return { polygon, area: geoArea(polygon) };
  });
}

function inBox([lon, lat], [w, s, e, n]) {
  return lon >= w && lon <= e && lat >= s && lat <= n;
}

const round = (x) => Math.round(x * 100) / 100;

/**
 * [lat, lon] of one polygon: its spherical centroid, or its pole of inaccessibility when the
 * (rounded) centroid lies outside it.
 */
function point(polygon) {
  const c = geoCentroid(polygon);
  const centroid = { lat: round(c[1]), lon: round(c[0]), how: 'centroid' };
  if (geoContains(polygon, [centroid.lon, centroid.lat])) return centroid;
  const [lon, lat] = polylabel(polygon.coordinates, 0.001);
  return { lat: round(lat), lon: round(lon), how: 'polylabel' };
}

const positions = new Map();
const notes = [];
const byName = new Map(countries.map((f) => [f.properties.name, f]));

for (const f of countries) {
  const code = f.id !== undefined ? alpha2ByNumeric.get(f.id) : BY_NAME[f.properties.name];
  if (!code || !wanted.has(code) || positions.has(code)) continue;
  const parts = polygons(f);
  if (parts.length === 0) continue;
  const capital = CAPITAL_POLYGON[code];
  const chosen = (capital && parts.find(({ polygon }) => geoContains(polygon, capital))) || parts.reduce((a, b) => (b.area > a.area ? b : a));
  if (capital && !geoContains(chosen.polygon, capital)) notes.push(`${code}: no polygon holds its capital, the largest used`);
  const p = point(chosen.polygon);
  positions.set(code, [p.lat, p.lon]);
  if (p.how !== 'centroid') notes.push(`${code} (${f.properties.name}): centroid outside, pole of inaccessibility used`);
}

for (const [code, parentName, box] of TERRITORIES) {
  if (!wanted.has(code) || positions.has(code)) continue;
  const parent = byName.get(parentName);
  if (!parent) throw new Error(`no Natural Earth feature named ${parentName} for ${code}`);
  const inside = polygons(parent).filter(({ polygon }) => inBox(geoCentroid(polygon), box));
  if (inside.length === 0) {
    notes.push(`${code}: no polygon of ${parentName} inside its box`);
    continue;
  }
  const largest = inside.reduce((a, b) => (b.area > a.area ? b : a));
  const p = point(largest.polygon);
  positions.set(code, [p.lat, p.lon]);
  if (p.how !== 'centroid') notes.push(`${code} (in ${parentName}): centroid outside, pole of inaccessibility used`);
}

// Check: each point must lie inside its own country's feature (or, for the boxed territories, its box).
for (const [code, [lat, lon]] of positions) {
  const territory = TERRITORIES.find(([c]) => c === code);
  if (territory) {
    if (!inBox([lon, lat], territory[2])) notes.push(`${code}: point outside its box`);
    continue;
  }
  const f = countries.find((x) => (x.id !== undefined ? alpha2ByNumeric.get(x.id) : BY_NAME[x.properties.name]) === code);
  if (f && !geoContains(f, [lon, lat])) notes.push(`${code}: rounded point ${lat},${lon} falls just outside ${f.properties.name} (too small for 2 decimals)`);
}

const sorted = Object.fromEntries([...positions].sort(([a], [b]) => a.localeCompare(b)));
const missing = [...wanted].filter((c) => !positions.has(c)).sort();
const out = {
  source: `Natural Earth 4.1.0 Admin 0 countries 1:10m, via the npm package world-atlas@${atlasVersion} (countries-10m.json); codes: those in @ip-location-db/dbip-country@${dbipVersion}`,
  licence: 'Natural Earth data is in the public domain (naturalearthdata.com/about/terms-of-use); world-atlas is ISC. No attribution required.',
  method:
    'Per ISO 3166-1 alpha-2 code: the polygon with the largest spherical area (for MY, ID and NZ the polygon holding the capital: their largest are Borneo and the South Island), its spherical centroid (d3-geo geoCentroid) rounded to 2 decimals, or its pole of inaccessibility (polylabel) when the rounded centroid lies outside the polygon; [lat, lon]. Territories folded into another country in Natural Earth (GF GP MQ RE YT in France, SJ BV in Norway, BQ in the Netherlands, TK in New Zealand, CX CC in "Indian Ocean Ter.") use the largest polygon inside a fixed bounding box. Generated by ingest/enrich/make-country-positions.mjs.',
  positions: sorted,
};
const target = join(here, 'countryPositions.json');
const body = JSON.stringify(out, null, 2).replace(/\[\n\s+(-?[\d.]+),\n\s+(-?[\d.]+)\n\s+\]/g, '[$1, $2]');
writeFileSync(target, `${body}\n`);
console.log(`wrote ${positions.size} positions to ${target}`);
for (const note of notes) console.log(`note: ${note}`);
console.log(`not placed (${missing.length}): ${missing.join(' ') || 'none'}`);
