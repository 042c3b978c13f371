import { describe, expect, it } from 'vitest';
import { neutraliseCell } from '../../export/csv';

describe('neutraliseCell (every CSV cell is attacker-controlled text)', () => {
  it('prefixes what a spreadsheet would run as a formula', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(neutraliseCell(`${start}HYPERLINK("http://x","y")`)).toBe(`"'${start}HYPERLINK(""http://x"",""y"")"`);
  });

  it('quotes every cell and doubles the quotes inside, and leaves harmless text alone', () => {
    expect(neutraliseCell('GetObject')).toBe('"GetObject"');
    expect(neutraliseCell('a,b\nc')).toBe('"a,b\nc"');
    expect(neutraliseCell('say "hi"')).toBe('"say ""hi"""');
    expect(neutraliseCell(' =not first')).toBe('" =not first"');
    expect(neutraliseCell(443)).toBe('"443"');
    expect(neutraliseCell(false)).toBe('"false"');
    expect(neutraliseCell('')).toBe('""');
    expect(neutraliseCell(null)).toBe('');
    expect(neutraliseCell(undefined)).toBe('');
  });
});
