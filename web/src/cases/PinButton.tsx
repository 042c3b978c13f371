import { useState } from 'react';
import { useCase } from './caseContext';
import { VERDICT_WORDS } from './verdicts';

/**
 * One click pins an entity, finding or event to the case being worked on. Pinned, it says so
 * with the verdict; without an open case it says how to open one.
 */
export function PinButton({ kind, ref: target, what }: { kind: 'entity' | 'event'; ref: string; what: string }) {
  const work = useCase();
  const [busy, setBusy] = useState(false);
  const pin = work.pinOf(target);
  if (!work.caseId) {
    return (
      <button type="button" className="pin-to-case" disabled title="Open a case first (Case, in the top bar) to pin to it">
        ☆ Pin
      </button>
    );
  }
  if (pin) {
    return (
      <span className={`pin-to-case pinned verdict-${pin.verdict ?? 'undecided'}`} title={`In the case: ${VERDICT_WORDS[pin.verdict ?? 'undecided']}${pin.note ? `: ${pin.note}` : ''}`} data-pinned={pin.verdict ?? 'undecided'}>
        ★ {VERDICT_WORDS[pin.verdict ?? 'undecided']}
      </span>
    );
  }
  return (
    <button
      type="button"
      className="pin-to-case"
      disabled={busy}
      aria-label={`Pin ${what} to the case`}
      title={`Pin ${what} to the case`}
      onClick={(e) => {
        // In a table row or a timeline row: pinning must not also open what the row opens.
        e.stopPropagation();
        setBusy(true);
        void work.pin(kind, target).finally(() => setBusy(false));
      }}
    >
      ☆ Pin
    </button>
  );
}
