import { describe, expect, it } from 'vitest';
import { neutraliseCell } from '../../export/csv';
import { describeHidden, hasHiddenCharacters, revealHidden, splitHidden } from '../../export/visibleText';

/** The strings of the hostile corpus (test/fixtures/hostile/make-hostile.mjs). */
const DECEPTIVE = {
  rightToLeft: 'ユーザー\u202Eexe.txt',
  zeroWidth: 'ad\u200Bmin\u200D',
  bidiIsolate: 'invoice\u2067fdp.exe\u2069',
  control: 'line\u0007bell\u001b[31mred',
};

describe('deceptive text is shown for what it is', () => {
  it.each([
    [DECEPTIVE.rightToLeft, 'ユーザー⟨U+202E⟩exe.txt'],
    [DECEPTIVE.zeroWidth, 'ad⟨U+200B⟩min⟨U+200D⟩'],
    [DECEPTIVE.bidiIsolate, 'invoice⟨U+2067⟩fdp.exe⟨U+2069⟩'],
    [DECEPTIVE.control, 'line⟨U+0007⟩bell⟨U+001B⟩[31mred'],
    ['\uFEFFAKIA', '⟨U+FEFF⟩AKIA'],
    ['tag\uDB40\uDC41\uDB40\uDC42', 'tag⟨U+E0041⟩⟨U+E0042⟩'],
    ['lone \uD800 surrogate', 'lone ⟨U+D800⟩ surrogate'],
    ['soft\u00ADhyphen\u0085next', 'soft⟨U+00AD⟩hyphen⟨U+0085⟩next'],
  ])('%j -> %s', (input, shown) => {
    expect(hasHiddenCharacters(input)).toBe(true);
    expect(revealHidden(input)).toBe(shown);
    expect(splitHidden(input).map((p) => p.text).join('')).toBe(shown);
  });

  it('leaves ordinary text alone, in any script, with its line breaks and tabs', () => {
    for (const text of ['aws-cli/2.15.0 Python/3.11', 'ユーザー', 'مستخدم', 'Ünïcødé 😀 👩‍👩‍👧', 'line one\nline two\ttabbed\r\n', '']) {
      expect(hasHiddenCharacters(text), text).toBe(text.includes('\u200D')); // the family emoji joins with U+200D
    }
    expect(revealHidden('aws-cli/2.15.0')).toBe('aws-cli/2.15.0');
  });

  it('names what a value hides, once each', () => {
    expect(describeHidden(`${DECEPTIVE.rightToLeft} ${DECEPTIVE.rightToLeft} ${DECEPTIVE.zeroWidth}`)).toEqual([
      'U+202E right-to-left override',
      'U+200B zero width space',
      'U+200D zero width joiner',
    ]);
  });

  it('splits into plain runs and one marker per hidden character', () => {
    expect(splitHidden('a\u202Eb\u200B')).toEqual([
      { text: 'a', hidden: false },
      { text: '⟨U+202E⟩', hidden: true },
      { text: 'b', hidden: false },
      { text: '⟨U+200B⟩', hidden: true },
    ]);
  });

  it('CSV cells show the markers, and a formula behind a hidden character is still neutralised', () => {
    expect(neutraliseCell(DECEPTIVE.rightToLeft)).toBe('"ユーザー⟨U+202E⟩exe.txt"');
    expect(neutraliseCell('\u200B=HYPERLINK("x")')).toBe('"⟨U+200B⟩=HYPERLINK(""x"")"');
    expect(neutraliseCell('=1+1')).toBe(`"'=1+1"`);
  });
});
