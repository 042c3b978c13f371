import type { ReactNode } from 'react';
import type { Loadable } from '../state/useApi';

/** Designed loading, error and empty states, so a view never shows a blank box. */
export function Loading({ what }: { what: string }) {
  return (
    <div className="state state-loading" role="status">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function Failure({ error, what }: { error: Error & { hint?: string }; what: string }) {
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
