import { useEffect, useState } from 'react';

export type Loadable<T> = { status: 'loading' } | { status: 'error'; error: Error & { hint?: string } } | { status: 'ready'; data: T };

/** Loads with the given function whenever `key` changes; a newer load aborts the older one. */
export function useApi<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Loadable<T> {
  const [state, setState] = useState<Loadable<T>>({ status: 'loading' });
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    setState({ status: 'loading' });
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ status: 'ready', data }),
      (error: Error) => !controller.signal.aborted && setState({ status: 'error', error }),
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return state;
}
