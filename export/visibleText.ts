/**
 * Deceptive text shown for what it is. Every log field is attacker-controlled, and some
 * characters change how the rest reads without being seen: a right-to-left override makes
 * "ユーザー‮exe.txt" read as "…txt.exe", zero-width characters hide inside a user name, a
 * terminal escape recolours or rewrites a line. What a person reads (the UI, CSV, the CLI's text)
 * shows each of them as a visible marker such as ⟨U+202E⟩; what a program reads (the JSON exports,
 * the API, the event store) keeps the exact string.
 */

/**
 * Characters shown as markers: C0 and C1 controls except tab, line feed and carriage return
 * (the layout of multi-line messages), the soft hyphen, bidi marks, embeddings, overrides and
 * isolates, zero-width and invisible formatting characters, the Hangul and Khmer fillers and
 * vowels that render as nothing, variation selectors, the BOM, interlinear annotation marks,
 * tag characters (U+E0000-E007F, as surrogate pairs) and unpaired surrogates.
 */
const HIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u2028-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB]|\uDB40[\uDC00-\uDC7F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'g');

const NAMES: Readonly<Record<number, string>> = {
  0x200b: 'zero width space',
  0x200c: 'zero width non-joiner',
  0x200d: 'zero width joiner',
  0x200e: 'left-to-right mark',
  0x200f: 'right-to-left mark',
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
  0x2060: 'word joiner',
  0xfeff: 'zero width no-break space',
  0x00ad: 'soft hyphen',
  0x061c: 'arabic letter mark',
  0x001b: 'escape',
};

/** Whether the text holds a character that is invisible, changes direction, or controls a terminal. */
export function hasHiddenCharacters(text: string): boolean {
  return HIDDEN.test(text);
}

/** "U+202E" for a character (a code point; an unpaired surrogate as itself). */
function codeOf(character: string): string {
  const code = character.codePointAt(0)!;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The text with every hidden character replaced by a visible marker such as ⟨U+202E⟩; unchanged when it has none. */
export function revealHidden(text: string): string {
  return HIDDEN.test(text) ? text.replace(HIDDEN_ALL, (c) => `⟨${codeOf(c)}⟩`) : text;
}

/** What the text hides, once each, in order of first appearance: "U+202E right-to-left override". */
export function describeHidden(text: string): string[] {
  const found = new Map<string, string>();
  for (const match of text.matchAll(HIDDEN_ALL)) {
    const code = codeOf(match[0]);
    if (!found.has(code)) {
      const name = NAMES[match[0].codePointAt(0)!];
      found.set(code, name ? `${code} ${name}` : code);
    }
  }
  return [...found.values()];
}

/** The text in runs: plain text, and hidden characters (each a run of its own, as its marker). */
export function splitHidden(text: string): { readonly text: string; readonly hidden: boolean }[] {
  const parts: { text: string; hidden: boolean }[] = [];
  let at = 0;
  for (const match of text.matchAll(HIDDEN_ALL)) {
    if (match.index > at) parts.push({ text: text.slice(at, match.index), hidden: false });
    parts.push({ text: `⟨${codeOf(match[0])}⟩`, hidden: true });
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), hidden: false });
  return parts;
}
