import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import type { ApiNode } from '../api/types';
import { lookOf } from '../graph/kinds';

/**
 * Global search over the API's search (ARNs, keys, ids, addresses, CIDRs, names; prefixes such
 * as user: ip: bucket:). "/" focuses it; arrows and Enter choose; Escape closes.
 */
export function SearchBox({ onPick }: { onPick: (node: ApiNode) => void }) {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<ApiNode[]>([]);
  const [active, setActive] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

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
          setResults(r.results);
          setActive(0);
          setMessage(r.results.length === 0 ? `Nothing found (read as ${r.recognisedAs}).` : null);
        },
        (error: Error) => !controller.signal.aborted && setMessage(error.message),
      );
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q]);

  const pick = (node: ApiNode) => {
    onPick(node);
    setQ('');
    setResults([]);
    input.current?.blur();
  };

  return (
    <div className="search">
      <input
        ref={input}
        type="search"
        value={q}
        placeholder="Search: ARN, AKIA…, i-…, 203.0.113.0/24, user:alice   ( / )"
        aria-label="Search entities"
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, results.length - 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
          else if (e.key === 'Enter' && results[active]) pick(results[active]!);
          else if (e.key === 'Escape') setQ('');
          else return;
          e.preventDefault();
        }}
      />
      {results.length > 0 || message ? (
        <ul className="search-results" role="listbox">
          {message ? <li className="muted">{message}</li> : null}
          {results.map((node, i) => (
            <li key={node.id} role="option" aria-selected={i === active} className={i === active ? 'active' : ''} onMouseDown={() => pick(node)}>
              <span className="kind-dot" style={{ background: lookOf(node.kind).colour }} />
              <span className="kind">{lookOf(node.kind).title}</span> {node.label}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
