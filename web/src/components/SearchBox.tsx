import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import type { ApiNode } from '../api/types';
import { lookOf } from '../graph/kinds';
import { Shown } from './Shown';

/**
 * Global search over the API's search (ARNs, keys, ids, addresses, CIDRs, names; prefixes such
 * as user: ip: bucket:). "/" focuses it; arrows and Enter choose; Escape closes.
 */
export function SearchBox({ onPick }: { onPick: (node: ApiNode) => void }) {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<ApiNode[]>([]);
  // The text the results answer: while the next answer is on its way, they are stale.
  const [answered, setAnswered] = useState('');
  const [active, setActive] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  // Enter pressed before the answer came: take the first result when it comes.
  const pickWhenReady = useRef(false);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '/' && !(e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement)) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    const text = q.trim();
    if (text.length < 2) {
      setResults([]);
      setMessage(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api.search(text, controller.signal).then(
        (r) => {
          if (pickWhenReady.current && r.results[0]) {
            pickWhenReady.current = false;
            pick(r.results[0]);
            return;
          }
          pickWhenReady.current = false;
          setResults(r.results);
          setAnswered(text);
          setActive(0);
          setOpen(true);
          setMessage(r.results.length === 0 ? `Nothing found (read as ${r.recognisedAs}).` : r.more ? `The first ${r.results.length} matches: type more to narrow them.` : null);
        },
        (error: Error) => {
          if (controller.signal.aborted) return;
          pickWhenReady.current = false;
          setMessage(error.message);
        },
      );
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q]);

  function pick(node: ApiNode) {
    onPick(node);
    setQ('');
    setResults([]);
    input.current?.blur();
  }

  // The active row stays in view as the arrows move through a long list.
  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  return (
    <div className="search">
      <input
        ref={input}
        type="search"
        value={q}
        placeholder="Search: ARN, AKIA…, i-…, 203.0.113.0/24, user:alice   ( / )"
        aria-label="Search entities"
        role="combobox"
        aria-expanded={open && (results.length > 0 || message !== null)}
        aria-controls="search-results"
        aria-autocomplete="list"
        aria-activedescendant={open && results[active] ? `search-result-${active}` : undefined}
        onChange={(e) => {
          pickWhenReady.current = false;
          setQ(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        // A click elsewhere closes the list (a click on a result lands first: it picks on mousedown).
        onBlur={() => setOpen(false)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, results.length - 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
          else if (e.key === 'Enter' && results[active] && answered === q.trim()) pick(results[active]!);
          // Only while the answer to this text is still on its way.
          else if (e.key === 'Enter' && q.trim().length >= 2 && answered !== q.trim()) pickWhenReady.current = true;
          else if (e.key === 'Escape') setQ('');
          else return;
          e.preventDefault();
        }}
      />
      {open && (results.length > 0 || message) ? (
        <ul className="search-results" role="listbox" id="search-results" ref={list}>
          {message ? <li className="muted">{message}</li> : null}
          {results.map((node, i) => (
            <li key={node.id} id={`search-result-${i}`} role="option" aria-selected={i === active} className={i === active ? 'active' : ''} onMouseDown={() => pick(node)}>
              <span className="kind-dot" style={{ background: lookOf(node.kind).colour }} />
              <span className="kind">{lookOf(node.kind).title}</span> <Shown text={node.label} />
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
