import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MAX_LISTED_REJECTS,
  addressMatches,
  parseIntelText,
  readIntel,
  type IntelEntry,
  type IntelRead,
} from '../../graph/investigations/indicators/intel/readIntel';
import { isPrivateEntry } from '../../graph/investigations/indicators/intel/privateEntries';

const FIXTURES = join(import.meta.dirname, '../fixtures/intel');
const fixture = (name: string) => join(FIXTURES, name);
const tmp = mkdtempSync(join(tmpdir(), 'trailhound-intel-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let files = 0;
/** Writes bytes to a new file in the temporary directory and returns its path. */
function tempFile(name: string, content: string | Buffer): string {
  files += 1;
  const path = join(tmp, `${files}-${name}`);
  writeFileSync(path, content);
  return path;
}

/** The 1-based number of the first line of a fixture that holds `needle`. */
function lineOf(name: string, needle: string): number {
  const index = readFileSync(fixture(name), 'utf8').split('\n').findIndex((line) => line.includes(needle));
  expect(index, `${needle} in ${name}`).toBeGreaterThanOrEqual(0);
  return index + 1;
}

const indicators = (read: IntelRead) => read.entries.map((e) => e.indicator);
const byIndicator = (read: IntelRead, indicator: string): IntelEntry => {
  const entry = read.entries.find((e) => e.indicator === indicator);
  expect(entry, indicator).toBeDefined();
  return entry!;
};
const text = (lines: string[]) => `${lines.join('\n')}\n`;

describe('plain lists', () => {
  it('reads a FireHOL-style netset: addresses, ranges and IPv6 normalised, comments and blank lines skipped', async () => {
    const file = fixture('plain.txt');
    const read = await readIntel(file);
    expect(read.format).toBe('list');
    expect(indicators(read)).toEqual([
      '192.0.2.15',
      '192.0.2.16',
      '198.51.100.0/24',
      '203.0.113.0/25',
      '45.137.21.9',
      '194.26.192.64/26',
      '2001:db8:7:1::4a',
      '2001:db8::bad',
      '2001:db8:abcd::/48',
      '198.51.100.200',
    ]);
    expect(byIndicator(read, '192.0.2.16')).toEqual({
      indicator: '192.0.2.16',
      kind: 'ip',
      description: null,
      confidence: null,
      validUntil: null,
      reference: `${file}:${lineOf('plain.txt', '192.0.2.16/32')}`,
    });
    expect(byIndicator(read, '203.0.113.0/25').kind).toBe('cidr');
    expect(byIndicator(read, '203.0.113.0/25').description).toBe('host bits set in the source: 203.0.113.0/25');
    expect(byIndicator(read, '45.137.21.9').description).toBe('ssh brute force, 2024-06-12');
    // 14 comment lines, 1 blank line, the "//" comment, the domain and the duplicate 192.0.2.15.
    expect(read.skipped).toBe(14 + 1 + 1 + 1 + 1);
  });

  it('rejects what is not an address or range, naming the line and why', async () => {
    const read = await readIntel(fixture('plain.txt'));
    expect(read.rejected).toEqual([
      { position: `line ${lineOf('plain.txt', '999.1.1.1')}`, reason: expect.stringContaining('999 in "999.1.1.1" is not an octet') },
      { position: `line ${lineOf('plain.txt', '010.1.1.1')}`, reason: expect.stringContaining('leading zeros') },
      { position: `line ${lineOf('plain.txt', '10.0.0.0/7')}`, reason: expect.stringContaining('too broad to be an indicator') },
      { position: `line ${lineOf('plain.txt', '1.2.3.4/33')}`, reason: expect.stringContaining('an IPv4 prefix is at most /32') },
    ]);
  });

  it('reads a Spamhaus DROP list and keeps each SBL number as the description', async () => {
    const read = await readIntel(fixture('drop.txt'));
    expect(read.format).toBe('list');
    expect(read.rejected).toEqual([]);
    expect(read.skipped).toBe(4);
    expect(read.entries.map((e) => [e.indicator, e.kind, e.description])).toEqual([
      ['1.10.16.0/20', 'cidr', 'SBL256894'],
      ['2.56.192.0/22', 'cidr', 'SBL459831'],
      ['5.134.128.0/19', 'cidr', 'SBL270738'],
      ['192.0.2.0/24', 'cidr', 'SBL610001'],
      ['198.51.100.128/25', 'cidr', 'SBL610002'],
      ['203.0.113.0/24', 'cidr', 'SBL610003'],
    ]);
  });

  it('accepts CRLF, tabs, extra spaces, every comment style and defanged or bracketed addresses', () => {
    const read = parseIntelText(
      '\ufeff  192.0.2.1  \r\n\t198.51.100.2\t# honeypot\r\n203.0.113.3;scanner\r\n192.0.2.4 // from a report\r\n' +
        '198.51.100[.]5\r\n[2001:db8::6]\r\n[2001:db8::7]:443\r\n192.0.2.8:8080\r\n203.0.113.9,QakBot\r\n   \r\n',
      'mixed.txt',
    );
    expect(read.rejected).toEqual([]);
    expect(read.entries.map((e) => [e.indicator, e.description])).toEqual([
      ['192.0.2.1', null],
      ['198.51.100.2', 'honeypot'],
      ['203.0.113.3', 'scanner'],
      ['192.0.2.4', 'from a report'],
      ['198.51.100.5', null],
      ['2001:db8::6', null],
      ['2001:db8::7', null],
      ['192.0.2.8', null],
      ['203.0.113.9', 'QakBot'],
    ]);
    expect(read.entries[3]!.reference).toBe('mixed.txt:4');
    expect(read.skipped).toBe(1);
  });

  it('rejects malformed addresses with a reason for each', () => {
    const bad = ['1.2.3', '1.2.3.4.5', '256.0.0.1', '2001:db8::1::2', 'fe80::1%eth0', '2001:db8::/129', '12345:db8::1', '1.2.3.0/x', 'AS13335', '-'];
    const read = parseIntelText(text(bad), 'bad.txt');
    expect(read.entries).toEqual([]);
    expect(read.rejected.map((r) => r.position)).toEqual(bad.map((_, i) => `line ${i + 1}`));
    expect(read.rejected[4]!.reason).toContain('zone index');
    expect(read.rejected[5]!.reason).toContain('at most /128');
    expect(read.rejected[8]!.reason).toBe('not an address or CIDR range: "AS13335"');
  });

  it('skips domains, URLs, hashes, e-mail addresses and hosts-file lines: indicators, but not of addresses', () => {
    const read = parseIntelText(
      text([
        'evil.example.com',
        '*.cdn-updates.example.net',
        'http://198.51.100.9/payload.bin',
        'hxxps://phish.example[.]org/login',
        'd41d8cd98f00b204e9800998ecf8427e',
        'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f',
        'billing@invoice-portal.example',
        '0.0.0.0 ads.example.com',
        '127.0.0.1 localhost',
        '192.0.2.77',
      ]),
      'mixed.txt',
    );
    expect(read.rejected).toEqual([]);
    expect(indicators(read)).toEqual(['192.0.2.77']);
    expect(read.skipped).toBe(9);
  });
});

describe('normalisation', () => {
  it('zeroes host bits without rejecting, makes /32 and /128 plain addresses, and reads IPv4-mapped IPv6 as IPv4', () => {
    const read = parseIntelText(
      text(['10.1.2.3/8', '203.0.113.77/28', '192.0.2.9/32', '2001:db8::1/128', '2001:db8:1:2:3:4:5:6/64', '::ffff:198.51.100.23', '::FFFF:c633:6417', '::ffff:203.0.113.0/120']),
      'n.txt',
    );
    expect(read.rejected).toEqual([]);
    expect(read.entries.map((e) => [e.indicator, e.kind])).toEqual([
      ['10.0.0.0/8', 'cidr'],
      ['203.0.113.64/28', 'cidr'],
      ['192.0.2.9', 'ip'],
      ['2001:db8::1', 'ip'],
      ['2001:db8:1:2::/64', 'cidr'],
      ['198.51.100.23', 'ip'],
      // the same address in hex: a duplicate
      ['203.0.113.0/24', 'cidr'],
    ]);
    expect(read.skipped).toBe(1);
  });

  it('writes IPv6 in lowercase compressed form (RFC 5952)', () => {
    const cases: [string, string][] = [
      ['2001:0DB8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
      ['2001:db8:0:0:1:0:0:0', '2001:db8:0:0:1::'],
      ['0:0:0:0:0:0:0:1', '::1'],
      ['2001:DB8::A:B', '2001:db8::a:b'],
      ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ];
    const read = parseIntelText(text(cases.map(([input]) => input)), 'v6.txt');
    expect(indicators(read)).toEqual(cases.map(([, output]) => output));
  });

  it('rejects ranges broader than /8 for IPv4 or /32 for IPv6 as too broad to be indicators', () => {
    const read = parseIntelText(text(['0.0.0.0/0', '128.0.0.0/1', '10.0.0.0/7', '10.0.0.0/8', '2001:db8::/31', '::/0', '2001:db8::/32', '::ffff:0:0/96']), 'broad.txt');
    expect(indicators(read)).toEqual(['10.0.0.0/8', '2001:db8::/32']);
    expect(read.rejected.map((r) => r.position)).toEqual(['line 1', 'line 2', 'line 3', 'line 5', 'line 6', 'line 8']);
    expect(read.rejected[0]!.reason).toBe('"0.0.0.0/0" is too broad to be an indicator: it would flag 4.3 billion addresses (the broadest accepted is /8 for IPv4)');
    expect(read.rejected[2]!.reason).toContain('33 million addresses');
    expect(read.rejected[3]!.reason).toContain('(the broadest accepted is /32 for IPv6)');
  });

  it('keeps a duplicate once, the first, and counts the others as skipped', () => {
    const read = parseIntelText(text(['192.0.2.1 # first', '192.0.2.1/32 # second', '::ffff:192.0.2.1 # third', '198.51.100.0/24', '198.51.100.9/24', '2001:DB8::1', '2001:db8:0::1']), 'dup.txt');
    expect(read.entries.map((e) => [e.indicator, e.description])).toEqual([
      ['192.0.2.1', 'first'],
      ['198.51.100.0/24', null],
      ['2001:db8::1', null],
    ]);
    expect(read.skipped).toBe(4);
  });
});

describe('CSV', () => {
  it('reads the abuse.ch Feodo Tracker CSV: comments before the header, dst_ip as the address, malware as the description', async () => {
    const file = fixture('feodo.csv');
    const read = await readIntel(file);
    expect(read.format).toBe('csv');
    expect(read.entries.map((e) => [e.indicator, e.description])).toEqual([
      ['203.0.113.45', 'QakBot'],
      ['198.51.100.23', 'Emotet'],
      ['192.0.2.201', 'Dridex'],
      ['162.243.103.246', 'Pikabot, loader'],
      ['2001:db8:feed::c2', 'IcedID "BokBot"'],
    ]);
    expect(read.entries[0]!.reference).toBe(`${file}:${lineOf('feodo.csv', '203.0.113.45')}`);
    expect(read.rejected).toEqual([
      { position: `line ${lineOf('feodo.csv', '203.0.113.300')}`, reason: expect.stringContaining('300 in "203.0.113.300" is not an octet') },
      { position: `line ${lineOf('feodo.csv', '2024-05-27')}`, reason: 'no address in the dst_ip column' },
    ]);
    // 8 comment lines before the header, the footer, and 203.0.113.45 again (port 995).
    expect(read.skipped).toBe(8 + 1 + 1);
  });

  it('follows RFC 4180 quoting: quoted commas, doubled quotes, a quoted cell over two lines', () => {
    const read = parseIntelText(
      ['ip,comment', '"192.0.2.1","C2, then proxy"', '198.51.100.2,"said ""hello"""', '203.0.113.3,"first line', 'second line"', '192.0.2.4,plain'].join('\r\n'),
      'q.csv',
    );
    expect(read.rejected).toEqual([]);
    expect(read.entries.map((e) => [e.indicator, e.description, e.reference])).toEqual([
      ['192.0.2.1', 'C2, then proxy', 'q.csv:2'],
      ['198.51.100.2', 'said "hello"', 'q.csv:3'],
      ['203.0.113.3', 'first line\nsecond line', 'q.csv:4'],
      ['192.0.2.4', 'plain', 'q.csv:6'],
    ]);
  });

  it('finds the address, description and confidence columns by header name, in any case or spelling', () => {
    const read = parseIntelText(
      text(['Indicator Type,IP Address,Comment,Confidence', 'scanner,192.0.2.10,Mass SSH scanning,90', 'c2,198.51.100.0/24,,high', 'c2,203.0.113.9,beacon,not sure', 'tor,2001:DB8::9,exit node,101']),
      'otx.csv',
    );
    expect(read.format).toBe('csv');
    expect(read.entries.map((e) => [e.indicator, e.description, e.confidence])).toEqual([
      ['192.0.2.10', 'Mass SSH scanning', 90],
      ['198.51.100.0/24', null, 85],
      ['203.0.113.9', 'beacon', null],
      ['2001:db8::9', 'exit node', null],
    ]);
  });

  it('uses a header written as a comment (ThreatFox, older abuse.ch exports) and reads ip:port values', () => {
    const read = parseIntelText(
      text([
        '################################################################',
        '# ThreatFox IOCs: recent ip-port - CSV',
        '################################################################',
        '# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","reference","tags","anonymous","reporter"',
        '"2024-06-17 08:00:11", "1290811", "198.51.100.66:443", "ip:port", "botnet_cc", "win.cobalt_strike", "Agentemis", "Cobalt Strike", "", "100", "", "CobaltStrike", "0", "abuse_ch"',
        '"2024-06-17 08:01:12", "1290812", "update-cdn.example.net", "domain", "botnet_cc", "win.cobalt_strike", "", "Cobalt Strike", "", "75", "", "None", "0", "abuse_ch"',
      ]),
      'threatfox.csv',
    );
    expect(read.format).toBe('csv');
    expect(read.rejected).toEqual([]);
    expect(read.entries).toEqual([
      { indicator: '198.51.100.66', kind: 'ip', description: 'Cobalt Strike', confidence: 100, validUntil: null, reference: 'threatfox.csv:5' },
    ]);
    expect(read.skipped).toBe(4 + 1);
  });

  it('takes a commented header only when the rows under it have its columns: a list stays a list', () => {
    const legacy = parseIntelText(text(['# Firstseen,DstIP,DstPort,LastOnline,Malware', '2019-05-27 19:03:09,192.0.2.66,447,2019-06-17,TrickBot']), 'legacy.csv');
    expect(legacy.format).toBe('csv');
    expect(legacy.entries.map((e) => [e.indicator, e.description])).toEqual([['192.0.2.66', 'TrickBot']]);
    const list = parseIntelText(text(['# ip, first seen, reason', '192.0.2.1 # scanner', '198.51.100.0/24 ; SBL1']), 'list.txt');
    expect(list.format).toBe('list');
    expect(list.entries.map((e) => [e.indicator, e.description])).toEqual([
      ['192.0.2.1', 'scanner'],
      ['198.51.100.0/24', 'SBL1'],
    ]);
  });

  it('rejects a quoted cell that never closes without losing the rows around it', () => {
    const read = parseIntelText(text(['ip,description', '192.0.2.1,ok', '198.51.100.2,"never closed', '203.0.113.3,swallowed']), 'open.csv');
    expect(indicators(read)).toEqual(['192.0.2.1']);
    expect(read.rejected).toEqual([{ position: 'line 3', reason: 'a quoted cell is never closed: the record was not read' }]);

    // Past 64 KiB the record is given up and reading starts again on the next line.
    const long = parseIntelText(text(['ip,description', '198.51.100.2,"opens here', ...Array.from({ length: 2000 }, () => 'x'.repeat(60)), '203.0.113.3,after']), 'open.csv');
    expect(long.rejected[0]).toEqual({ position: 'line 2', reason: 'a quoted cell runs past 64 KiB (a quote never closed?): the record was not read' });
    expect(long.rejected.slice(1).every((r) => r.reason.startsWith('not an address or CIDR range: "xxx'))).toBe(true);
    expect(indicators(long)).toEqual(['203.0.113.3']);
  });

  it('refuses a forced CSV whose first row names no address column', () => {
    const read = parseIntelText(text(['first_seen,host', '2024-01-01,192.0.2.1']), 'nohead.csv', { format: 'csv' });
    expect(read.format).toBe('csv');
    expect(read.entries).toEqual([]);
    expect(read.rejected).toEqual([{ position: 'line 1', reason: expect.stringContaining('not a header naming an address column') }]);
  });
});

describe('STIX 2.1', () => {
  it('reads address indicators from a bundle: single, OR, IPv6, network-traffic, ISSUBSET, expired, and address objects', async () => {
    const file = fixture('indicators.stix.json');
    const read = await readIntel(file);
    expect(read.format).toBe('stix');
    expect(read.rejected).toEqual([]);
    expect(indicators(read)).toEqual([
      '198.51.100.1',
      '203.0.113.0/24',
      '198.51.100.7',
      '2001:db8::8:800:200c:417a',
      '192.0.2.44',
      '2001:db8:dead::/48',
      '203.0.113.250',
      '185.220.101.47',
    ]);
    expect(byIndicator(read, '198.51.100.1')).toEqual({
      indicator: '198.51.100.1',
      kind: 'ip',
      description: 'Cobalt Strike team server: Beacon callbacks observed over HTTPS.',
      confidence: 85,
      validUntil: Date.UTC(2099, 11, 31),
      reference: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
    });
    // Both addresses of the OR pattern carry the indicator's fields.
    expect(byIndicator(read, '198.51.100.7')).toMatchObject({ confidence: 60, reference: 'indicator--c5e8e0f4-0c6a-4b2e-8d0e-6a1f6c2f7e11' });
    expect(byIndicator(read, '203.0.113.0/24')).toMatchObject({ kind: 'cidr', description: 'Bulletproof hosting range and its mail relay' });
    expect(byIndicator(read, '2001:db8::8:800:200c:417a').description).toBe('IPv6 scanner hitting exposed SSH.');
    // Expired: kept, with its end for the caller to judge.
    expect(byIndicator(read, '203.0.113.250')).toMatchObject({ validUntil: Date.UTC(2023, 3, 10, 9), confidence: 40 });
    expect(byIndicator(read, '185.220.101.47').reference).toBe('ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd');
    expect(indicators(read)).not.toContain('192.0.2.80'); // revoked
    // identity, domain, hash, URL, revoked, snort, malware, relationship, domain-name object
    expect(read.skipped).toBe(9);
  });

  it('reads a bare array of objects and IN lists, and ignores negated and inexact comparisons', () => {
    const read = parseIntelText(
      JSON.stringify([
        { type: 'indicator', id: 'indicator--a', pattern: "[ipv4-addr:value IN ('192.0.2.1', '192.0.2.2')]" },
        { type: 'indicator', id: 'indicator--b', pattern: "[ipv4-addr:value != '198.51.100.1']" },
        { type: 'indicator', id: 'indicator--c', pattern: "[ipv4-addr:value NOT = '198.51.100.2']" },
        { type: 'indicator', id: 'indicator--d', pattern: "[ipv4-addr:value LIKE '198.51.100.%'] AND [ipv4-addr:value ISSUPERSET '198.51.100.3']" },
        { type: 'indicator', id: 'indicator--e', pattern: "[ipv4-addr:value = '203.0.113.5'] FOLLOWEDBY [domain-name:value = 'x.example'] WITHIN 600 SECONDS" },
        { type: 'ipv6-addr', value: '2001:DB8::44' },
      ]),
      'array.json',
    );
    expect(read.format).toBe('stix');
    expect(indicators(read)).toEqual(['192.0.2.1', '192.0.2.2', '203.0.113.5', '2001:db8::44']);
    expect(read.entries[3]!.reference).toBe('array.json:objects[5]');
    expect(read.skipped).toBe(3);
  });

  it('reads an escaped quote as part of one string literal: quotes injected into a value add no address', () => {
    const read = parseIntelText(
      JSON.stringify({
        type: 'bundle',
        objects: [
          { type: 'indicator', id: 'indicator--inj1', pattern: "[domain-name:value = 'x\\' OR ipv4-addr:value = \\'10.0.0.0/8']" },
          { type: 'indicator', id: 'indicator--inj2', pattern: "[ipv4-addr:value = '198.51.100.9\\' OR ipv4-addr:value = \\'10.0.0.0/8']" },
          { type: 'indicator', id: 'indicator--inj3', pattern: "[ipv4-addr:value = '192.0.2.1'] OR [ipv4-addr:value = '192.0.2.2" },
        ],
      }),
      'inject.json',
    );
    expect(read.entries).toEqual([]);
    expect(read.skipped).toBe(1);
    expect(read.rejected).toEqual([
      { position: 'objects[1]', reason: 'pattern value: "198.51.100.9\' OR ipv4-addr:value = \'10.0.0.0" is not an address' },
      { position: 'objects[2]', reason: 'the pattern does not parse: a string literal is never closed' },
    ]);
  });

  it('rejects objects that are not STIX objects, indicators without patterns and bad addresses, each by position', () => {
    const read = parseIntelText(
      JSON.stringify({
        type: 'bundle',
        objects: [
          'indicator',
          null,
          { id: 'indicator--no-type' },
          { type: 'indicator', id: 'indicator--nopattern' },
          { type: 'indicator', pattern: "[ipv4-addr:value = '999.1.1.1']" },
          { type: 'ipv4-addr', value: '0.0.0.0/0' },
          { type: 'indicator', pattern: "[ipv4-addr:value = '192.0.2.1']", confidence: 'high', valid_until: 'soon', description: 'x'.repeat(2000) },
        ],
      }),
      'bad.json',
    );
    expect(read.rejected.map((r) => r.position)).toEqual(['objects[0]', 'objects[1]', 'objects[2]', 'objects[3]', 'objects[4]', 'objects[5]']);
    expect(read.rejected[3]!.reason).toBe('an indicator without a pattern');
    expect(read.rejected[5]!.reason).toContain('too broad');
    expect(read.entries).toEqual([
      { indicator: '192.0.2.1', kind: 'ip', description: `${'x'.repeat(499)}…`, confidence: null, validUntil: null, reference: 'bad.json:objects[6]' },
    ]);
  });

  it('gives JSON that does not parse one reject naming where, and no entries', async () => {
    const broken = '{\n  "type": "bundle",\n  "objects": [\n    {"type": "ipv4-addr", "value": "192.0.2.1"},\n    {"type": "ipv4-addr" "value": "192.0.2.2"}\n  ]\n}\n';
    const fromText = parseIntelText(broken, 'broken.json');
    const fromFile = await readIntel(tempFile('broken.json', broken));
    for (const read of [fromText, fromFile]) {
      expect(read.format).toBe('stix');
      expect(read.entries).toEqual([]);
      expect(read.rejected).toEqual([{ position: 'line 5, column 26', reason: expect.stringMatching(/^not valid JSON: /) }]);
    }
    expect(parseIntelText('{"type": "bundle", "objects": [', 'cut.json').rejected).toEqual([
      { position: 'line 1, column 32', reason: 'not valid JSON: Unexpected end of JSON input' },
    ]);
    expect(parseIntelText('"just a string"', 'x.json', { format: 'stix' }).rejected[0]!.reason).toBe('JSON that is neither a STIX bundle nor an array of STIX objects');
  });
});

describe('format detection', () => {
  it('detects the format by content, not by name', () => {
    expect(parseIntelText('\n\n  {"type":"bundle","objects":[]}', 'a.txt').format).toBe('stix');
    expect(parseIntelText('[\n {"type":"ipv4-addr","value":"192.0.2.1"}\n]', 'a.csv').format).toBe('stix');
    expect(parseIntelText('[2001:db8::1]\n192.0.2.1\n', 'a.json').format).toBe('list');
    expect(parseIntelText('# c2 list\nnetwork;source\n192.0.2.0/24;honeypot\n', 'a.txt').format).toBe('csv');
    expect(parseIntelText('value\n192.0.2.1\n', 'a.txt').entries[0]!.reference).toBe('a.txt:2');
    expect(parseIntelText('192.0.2.1,comment\n', 'a.csv').format).toBe('list');
    expect(parseIntelText('', 'empty').format).toBe('list');
  });

  it('lets a forced format override detection', () => {
    const asList = parseIntelText('ip,comment\n192.0.2.1,x\n', 'a.csv', { format: 'list' });
    expect(asList.format).toBe('list');
    expect(indicators(asList)).toEqual(['192.0.2.1']);
    expect(asList.rejected).toEqual([{ position: 'line 1', reason: 'not an address or CIDR range: "ip"' }]);
    const asStix = parseIntelText('192.0.2.1\n', 'a.txt', { format: 'stix' });
    expect(asStix.format).toBe('stix');
    expect(asStix.entries).toEqual([]);
    expect(asStix.rejected).toHaveLength(1);
  });
});

describe('files and gzip', () => {
  const list = text(['# gzipped feed', '192.0.2.1', '198.51.100.0/24', '2001:db8::1']);

  it('reads gzip by its magic bytes, with or without a .gz name, lists and STIX alike', async () => {
    for (const name of ['feed.txt.gz', 'feed.txt']) {
      const read = await readIntel(tempFile(name, gzipSync(list)));
      expect(read.format).toBe('list');
      expect(indicators(read)).toEqual(['192.0.2.1', '198.51.100.0/24', '2001:db8::1']);
      expect(read.skipped).toBe(1);
    }
    const stix = await readIntel(tempFile('bundle.json.gz', gzipSync(readFileSync(fixture('indicators.stix.json')))));
    expect(stix.format).toBe('stix');
    expect(stix.entries).toHaveLength(8);
    const csv = await readIntel(tempFile('feodo.csv.gz', gzipSync(readFileSync(fixture('feodo.csv')))));
    expect(csv.format).toBe('csv');
    expect(csv.entries).toHaveLength(5);
  });

  it('keeps what was read before gzip data is cut short, and rejects the rest', async () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    const gz = gzipSync(text(lines));
    const read = await readIntel(tempFile('cut.txt.gz', gz.subarray(0, Math.floor(gz.length / 2))));
    expect(read.entries.length).toBeGreaterThan(0);
    expect(read.entries.length).toBeLessThan(50_000);
    expect(read.rejected).toEqual([{ position: expect.stringMatching(/^after line \d+$/), reason: expect.stringContaining('gzip data is corrupt or cut short') }]);
  });

  it('reads a file without a final newline, and throws only when the file cannot be read', async () => {
    expect(indicators(await readIntel(tempFile('nonl.txt', '192.0.2.1\r\n192.0.2.2')))).toEqual(['192.0.2.1', '192.0.2.2']);
    await expect(readIntel(join(tmp, 'missing.txt'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a STIX file over 512 MiB before reading it', async () => {
    const path = tempFile('huge.json', '{');
    truncateSync(path, 512 * 1024 * 1024 + 1); // sparse: no disk, no time
    const read = await readIntel(path, { format: 'stix' });
    expect(read.entries).toEqual([]);
    expect(read.rejected).toEqual([{ position: 'file', reason: expect.stringContaining('one over 512 MiB is refused (this one is 513 MiB)') }]);
  });
});

describe('hostile input', () => {
  it('refuses binary data and UTF-16 as one reject, without reading on', async () => {
    const binary = Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00'), Buffer.alloc(5000, 0x41), Buffer.from('\n192.0.2.1\n')]);
    for (const read of [await readIntel(tempFile('archive.zip', binary)), parseIntelText(binary.toString('latin1'), 'archive.zip')]) {
      expect(read.entries).toEqual([]);
      expect(read.rejected).toEqual([{ position: 'file', reason: expect.stringContaining('binary data, not text (a NUL') }]);
    }
    const utf16 = await readIntel(tempFile('utf16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('192.0.2.1\r\n', 'utf16le')])));
    expect(utf16.rejected).toEqual([{ position: 'file', reason: 'UTF-16 text: save the file as UTF-8' }]);
  });

  it('never throws on random bytes, and quotes what it rejects without control or direction-changing characters', async () => {
    let seed = 20240617;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const bytes = Buffer.alloc(200_000);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = 1 + Math.floor(random() * 255); // no NUL
    const garbage = Buffer.concat([bytes, Buffer.from('\n\u202egnp.exe\n192.0.2.99\n')]);
    const read = await readIntel(tempFile('garbage.bin', garbage));
    expect(indicators(read)).toEqual(['192.0.2.99']);
    expect(read.rejected.length).toBeGreaterThan(100);
    for (const reject of read.rejected) expect(reject.reason).not.toMatch(/[\u0000-\u001f\u007f\u202e]/);
    expect(read.rejected.some((r) => r.reason.includes('\\u202egnp.exe'))).toBe(true);
  });

  it('rejects a line over 64 KiB unread and goes on with the next', async () => {
    const huge = `192.0.2.1 ${'A'.repeat(1024 * 1024)}`;
    const content = `198.51.100.1\n${huge}\n203.0.113.3\n`;
    for (const read of [await readIntel(tempFile('long.txt', content)), parseIntelText(content, 'long.txt')]) {
      expect(indicators(read)).toEqual(['198.51.100.1', '203.0.113.3']);
      expect(read.rejected).toEqual([{ position: 'line 2', reason: `longer than 64 KiB (${(huge.length).toLocaleString('en-US')} bytes): not read` }]);
    }
    // A single 1 MB line of text is rejected whole.
    const single = await readIntel(tempFile('one.txt', 'x'.repeat(1024 * 1024)));
    expect(single.format).toBe('list');
    expect(single.rejected).toEqual([{ position: 'line 1', reason: 'longer than 64 KiB (1,048,576 bytes): not read' }]);
  });

  it('reads a minified STIX bundle on one line of several MB: one long line is normal JSON', async () => {
    const objects = Array.from({ length: 30_000 }, (_, i) => ({
      type: 'indicator',
      id: `indicator--${i}`,
      pattern: `[ipv4-addr:value = '10.${i >> 8}.${i & 255}.1']`,
    }));
    const json = JSON.stringify({ type: 'bundle', objects });
    expect(json.length).toBeGreaterThan(1024 * 1024);
    const read = await readIntel(tempFile('minified.json', json));
    expect(read.format).toBe('stix');
    expect(read.entries).toHaveLength(30_000);
    expect(read.entries[29_999]!.indicator).toBe('10.117.47.1');
  });

  it('reads past JSON nested 100,000 levels deep without recursing into it', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const json = `{"type":"bundle","objects":[{"type":"indicator","id":"indicator--deep","x_nested":${deep},"pattern":"[ipv4-addr:value = '192.0.2.7']"}]}`;
    const read = parseIntelText(json, 'deep.json');
    expect(indicators(read)).toEqual(['192.0.2.7']);
    const broken = parseIntelText(`${json.slice(0, -3)}`, 'deep.json');
    expect(broken.entries).toEqual([]);
    expect(broken.rejected).toHaveLength(1);
  });

  it('stops at maxEntries with a reject saying so, in every format', async () => {
    const list = await readIntel(tempFile('many.txt', text(['192.0.2.1', '192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'])), { maxEntries: 2 });
    expect(indicators(list)).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(list.rejected).toEqual([{ position: 'line 4', reason: 'stopped at the limit of 2 entries: this and the rest were not read' }]);
    const csv = parseIntelText(text(['ip', '192.0.2.1', '192.0.2.2']), 'm.csv', { maxEntries: 1 });
    expect(csv.rejected).toEqual([{ position: 'line 3', reason: expect.stringContaining('limit of 1 entries') }]);
    const stix = await readIntel(fixture('indicators.stix.json'), { maxEntries: 2 });
    expect(indicators(stix)).toEqual(['198.51.100.1', '203.0.113.0/24']);
    expect(stix.rejected).toEqual([{ position: 'objects[2]', reason: expect.stringContaining('limit of 2 entries') }]);
  });

  it(`lists at most ${MAX_LISTED_REJECTS.toLocaleString('en-US')} rejects, then one saying how many more`, () => {
    const read = parseIntelText(text([...Array.from({ length: MAX_LISTED_REJECTS + 50 }, (_, i) => `bad-${i}`), '192.0.2.1']), 'rejects.txt');
    expect(indicators(read)).toEqual(['192.0.2.1']);
    expect(read.rejected).toHaveLength(MAX_LISTED_REJECTS + 1);
    expect(read.rejected.at(-1)).toEqual({ position: `from line ${MAX_LISTED_REJECTS + 1}`, reason: '50 more rejects not listed (only the first 10,000 are)' });
  });

  it('cuts descriptions to 500 characters without splitting a character', () => {
    const read = parseIntelText(text(['ip,description', `192.0.2.1,${'a'.repeat(498)}😀😀`, `192.0.2.2,${'b'.repeat(499)}😀`]), 'd.csv');
    expect(read.entries.map((e) => e.description)).toEqual([`${'a'.repeat(498)}…`, `${'b'.repeat(499)}…`]);
    for (const e of read.entries) expect(e.description!.length).toBeLessThanOrEqual(500);
    expect(read.entries[0]!.description).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe('addressMatches', () => {
  const entries = parseIntelText(
    text(['192.0.2.1 # exact', '198.51.100.0/24 # range', '198.51.100.128/25 # narrower', '10.0.0.0/8 # wide', '2001:db8::1 # v6 exact', '2001:db8:dead::/48 # v6 range']),
    'm.txt',
  ).entries;
  const match = addressMatches(entries);
  const flagged = (ip: string) => match(ip).map((e) => e.description);

  it('answers exact addresses, and every range that holds an address, narrowest first', () => {
    expect(flagged('192.0.2.1')).toEqual(['exact']);
    expect(flagged('198.51.100.7')).toEqual(['range']);
    expect(flagged('198.51.100.200')).toEqual(['narrower', 'range']);
    expect(flagged('10.255.255.255')).toEqual(['wide']);
  });

  it('answers nothing for addresses outside every entry, and for what is not an address', () => {
    for (const ip of ['192.0.2.2', '198.51.101.0', '11.0.0.0', '9.255.255.255', '2001:db8::2', '2001:db8:deae::1', '', 'evil.example', '198.51.100.0/24']) {
      expect(match(ip), ip).toEqual([]);
    }
  });

  it('matches IPv6 in any textual form, and IPv4-mapped IPv6 as its IPv4 address', () => {
    expect(flagged('2001:DB8:0:0:0:0:0:1')).toEqual(['v6 exact']);
    expect(flagged('2001:db8:dead:beef::42')).toEqual(['v6 range']);
    expect(flagged('::ffff:192.0.2.1')).toEqual(['exact']);
    expect(flagged('::ffff:c633:64c8')).toEqual(['narrower', 'range']);
  });

  it('keeps every entry that flags the same address', () => {
    const twice = addressMatches([...entries, { ...entries[0]!, reference: 'other.txt:9' }]);
    expect(twice('192.0.2.1').map((e) => e.reference)).toEqual(['m.txt:1', 'other.txt:9']);
  });
});

describe('private and reserved space', () => {
  it('tells entries that name private or reserved space, whole or in part, from public ones', () => {
    const read = parseIntelText(text(['10.1.2.3', '172.20.0.0/16', '192.0.0.0/8', '100.64.0.0/10', '100.0.0.0/8', '169.254.169.254', 'fd00::1', 'fe80::/64', '172.0.0.0/12', '198.51.100.7', '203.0.113.0/24', '2001:db8::/32', '11.0.0.0/8']), 'list');
    const flagged = read.entries.filter(isPrivateEntry).map((e) => e.indicator);
    expect(flagged).toEqual(['10.1.2.3', '172.20.0.0/16', '192.0.0.0/8', '100.64.0.0/10', '100.0.0.0/8', '169.254.169.254', 'fd00::1', 'fe80::/64']);
    expect(read.entries.filter((e) => !isPrivateEntry(e)).map((e) => e.indicator)).toEqual(['172.0.0.0/12', '198.51.100.7', '203.0.113.0/24', '2001:db8::/32', '11.0.0.0/8']);
  });
});
