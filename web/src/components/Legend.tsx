import { useState } from 'react';
import { LEGEND } from '../graph/kinds';
import { KindIcon } from './KindIcon';

/** What each colour and shape means; collapsible so it never hides the graph. */
export function Legend() {
  const [open, setOpen] = useState(false);
  return (
    <div className={`legend ${open ? 'open' : ''}`}>
      <button type="button" onClick={() => setOpen(!open)} aria-expanded={open}>
        Legend
      </button>
      {open ? (
        <ul>
          {LEGEND.map(({ kind, look }) => (
            <li key={kind}>
              <KindIcon kind={kind} size={18} /> {look.title}
            </li>
          ))}
          <li>
            <span className="kind-dot ring" /> has findings (red ring: high severity)
          </li>
          <li>
            <span className="kind-dot dashed" /> aggregate: neighbours grouped by the cap, click to expand
          </li>
        </ul>
      ) : null}
    </div>
  );
}
