import { describeHidden, hasHiddenCharacters, revealHidden, splitHidden } from '../../../export/visibleText';

/**
 * Log text as a person must read it: every field is attacker-controlled, and a right-to-left
 * override, a zero-width character or a terminal escape would make it read as something else.
 * Such characters are shown as marked ⟨U+202E⟩ markers, and the value is flagged with what it
 * hides; text without them renders as it is. React renders all of it as text, never as markup.
 */
export function Shown({ text }: { text: string | number | null | undefined }) {
  if (text === null || text === undefined) return null;
  const value = String(text);
  if (!hasHiddenCharacters(value)) return <>{value}</>;
  const hidden = describeHidden(value);
  return (
    <span
      className="hidden-chars"
      data-hidden-chars={hidden.map((h) => h.split(' ')[0]).join(' ')}
      title={`This value holds characters that are invisible or change how text reads: ${hidden.join(', ')}. Each is shown as ⟨U+…⟩.`}
    >
      <span className="hidden-chars-flag" aria-label="holds hidden characters">
        ⚠
      </span>
      {splitHidden(value).map((part, i) =>
        part.hidden ? (
          <mark key={i} className="hidden-char">
            {part.text}
          </mark>
        ) : (
          part.text
        ),
      )}
    </span>
  );
}

/** The same for text that cannot hold markup (titles, graph labels, options): markers only. */
export function shownText(text: string | number | null | undefined): string {
  return text === null || text === undefined ? '' : revealHidden(String(text));
}
