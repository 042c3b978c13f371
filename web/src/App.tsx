import { useEffect, useState } from 'react';
import { SearchBox } from './components/SearchBox';
import { EMPTY_STATE, investigate } from './state/urlState';
import { useViewState } from './state/useViewState';
import { CaseProvider } from './cases/caseContext';
import { CaseSidebar } from './cases/CaseSidebar';
import { CaseView } from './cases/CaseView';
import { ConsoleView, EXAMPLE_QUERY } from './views/ConsoleView';
import { FindingsView } from './views/FindingsView';
import { InvestigationView } from './views/InvestigationView';

const THEME_KEY = 'trailhound.theme';

export function App() {
  const [state, setState] = useViewState();
  const [dark, setDark] = useState(() => (localStorage.getItem(THEME_KEY) ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light')) === 'dark');
  useEffect(() => {
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    localStorage.setItem(THEME_KEY, dark ? 'dark' : 'light');
  }, [dark]);
  useEffect(() => {
    document.title = state.casePage ? `${state.caseId} · Trailhound` : state.cypher !== null ? 'Cypher console · Trailhound' : state.root ? `${state.root} · Trailhound` : 'Findings · Trailhound';
  }, [state.root, state.cypher, state.casePage, state.caseId]);

  return (
    <div className="app">
      <header className="topbar">
        <a
          className="brand"
          href="/"
          onClick={(e) => {
            e.preventDefault();
            setState({ ...EMPTY_STATE, findings: state.findings, caseId: state.caseId, caseOpen: state.caseOpen }, 'push');
          }}
        >
          Trailhound
        </a>
        <SearchBox onPick={(node) => setState(investigate(state, node.id), 'push')} />
        <button type="button" className="console-open" aria-pressed={state.cypher !== null} onClick={() => setState({ ...state, cypher: state.cypher ?? EXAMPLE_QUERY, casePage: false }, 'push')} title="A read-only Cypher console">
          Cypher
        </button>
        <button type="button" className="case-open" aria-pressed={state.caseOpen} onClick={() => setState({ ...state, caseOpen: !state.caseOpen })} title="The case: pins with verdicts, notes, saved views">
          Case
        </button>
        <button type="button" className="theme" onClick={() => setDark(!dark)} title="Switch theme">
          {dark ? 'Light' : 'Dark'}
        </button>
      </header>
      <CaseProvider caseId={state.caseId}>
        <div className="workspace">
          {state.casePage && state.caseId ? (
            <CaseView onBack={() => setState({ ...state, casePage: false }, 'push')} />
          ) : state.cypher !== null ? (
            <ConsoleView query={state.cypher} dark={dark} onQuery={(cypher) => setState({ ...state, cypher })} onOpen={(id) => setState(investigate(state, id), 'push')} />
          ) : state.root ? (
            <InvestigationView state={state} dark={dark} onChange={setState} />
          ) : (
            <FindingsView state={state} onChange={(s) => setState(s)} onOpen={(id) => setState(investigate(state, id), 'push')} />
          )}
          {state.caseOpen ? <CaseSidebar state={state} onChange={setState} /> : null}
        </div>
      </CaseProvider>
      <footer className="shortcuts muted">Keys: / search · E expand · H hide · P pin in place · C pin to the case · L path · U undo · T timeline · F fit · + − zoom · Esc back</footer>
    </div>
  );
}
