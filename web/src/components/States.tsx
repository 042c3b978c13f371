import { useState, type ReactNode } from 'react';
import { setToken } from '../api/client';
import type { Loadable } from '../state/useApi';

/** Designed loading, error and empty states, so a view never shows a blank box. */
export function Loading({ what }: { what: string }) {
  return (
    <div className="state state-loading" role="status">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function Failure({ error, what }: { error: Error & { hint?: string; status?: number }; what: string }) {
  if (error.status === 401) return <TokenForm />;
  return (
    <div className="state state-error" role="alert">
      <strong>Could not load {what}.</strong> {error.message}
      {error.hint ? <div className="hint">→ {error.hint}</div> : null}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

export function Show<T>({ value, what, children }: { value: Loadable<T>; what: string; children: (data: T) => ReactNode }) {
  if (value.status === 'loading') return <Loading what={what} />;
  if (value.status === 'error') return <Failure error={value.error} what={what} />;
  return <>{children(value.data)}</>;
}

/** The server runs with TRAILHOUND_TOKEN: ask for it once, keep it for this browser session. */
function TokenForm() {
  const [value, setValue] = useState('');
  return (
    <form
      className="state token-form"
      onSubmit={(e) => {
        e.preventDefault();
        setToken(value.trim());
        window.location.reload();
      }}
    >
      <p>This Trailhound server needs its access token (TRAILHOUND_TOKEN).</p>
      <input type="password" value={value} onChange={(e) => setValue(e.target.value)} aria-label="Access token" autoComplete="off" />{' '}
      <button type="submit">Use token</button>
    </form>
  );
}
