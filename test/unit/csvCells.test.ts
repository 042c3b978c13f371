import { describe, expect, it } from 'vitest';
import { neutraliseCell } from '../../export/csv';

describe('neutraliseCell (every CSV cell is attacker-controlled text)', () => {
  it('prefixes what a spreadsheet would run as a formula', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(neutraliseCell(`${start}HYPERLINK("http://x","y")`)).toBe(`"'${start}HYPERLINK(""http://x"",""y"")"`);
  });

  it('also looks past leading spaces and quotes, which some spreadsheets trim on import', () => {
    expect(neutraliseCell(' =HYPERLINK("http://x")')).toBe(`"' =HYPERLINK(""http://x"")"`);
    expect(neutraliseCell('"=1+1')).toBe(`"'""=1+1"`);
    expect(neutraliseCell("' +cmd")).toBe(`"'' +cmd"`);
    expect(neutraliseCell('\u00a0=1+1')).toBe(`"'\u00a0=1+1"`);
    expect(neutraliseCell('\n@SUM(A1)')).toBe(`"'\n@SUM(A1)"`);
    expect(neutraliseCell('   ')).toBe('"   "');
  });

  it('quotes every cell and doubles the quotes inside, and leaves harmless text alone', () => {
    expect(neutraliseCell('GetObject')).toBe('"GetObject"');
    expect(neutraliseCell('a,b\nc')).toBe('"a,b\nc"');
    expect(neutraliseCell('say "hi"')).toBe('"say ""hi"""');
    expect(neutraliseCell('a =b')).toBe('"a =b"');
    expect(neutraliseCell('1-2')).toBe('"1-2"');
    expect(neutraliseCell(443)).toBe('"443"');
    expect(neutraliseCell(false)).toBe('"false"');
    expect(neutraliseCell('')).toBe('""');
    expect(neutraliseCell(null)).toBe('');
    expect(neutraliseCell(undefined)).toBe('');
  });
});
