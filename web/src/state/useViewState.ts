import { useCallback, useEffect, useRef, useState } from 'react';
import { parseState, serializeState, type ViewState } from './urlState';

/**
 * The view state, read from and written to the URL. `push` adds a history entry (a new
 * finding, a new root: Back returns to it); `replace` does not (a selection, a filter).
 */
export type SetViewState = (next: ViewState | ((current: ViewState) => ViewState), mode?: 'push' | 'replace') => void;

export function useViewState(): [ViewState, SetViewState] {
  const [state, setState] = useState<ViewState>(() => parseState(window.location.search));
  // The latest state, for updates fired from Cytoscape events before React re-renders (a tap
  // selects and expands in one gesture: both changes must land).
  const latest = useRef(state);
  useEffect(() => {
    const onPop = () => {
      latest.current = parseState(window.location.search);
      setState(latest.current);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const update = useCallback<SetViewState>((nextOrUpdate, mode = 'replace') => {
    const next = typeof nextOrUpdate === 'function' ? nextOrUpdate(latest.current) : nextOrUpdate;
    latest.current = next;
    const url = `${window.location.pathname}${serializeState(next)}`;
    if (mode === 'push') window.history.pushState(null, '', url);
    else window.history.replaceState(null, '', url);
    setState(next);
  }, []);
  return [state, update];
}
