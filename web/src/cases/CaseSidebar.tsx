import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { CaseHeader, CasePin } from '../api/types';
import { Shown } from '../components/Shown';
import { Failure } from '../components/States';
import { useApi } from '../state/useApi';
import { investigate, openView, viewUrl, type ViewState } from '../state/urlState';
import type { SetViewState } from '../state/useViewState';
import { useCase } from './caseContext';
import { Markdown } from './Markdown';
import { VERDICT_CHOICES, VERDICT_WORDS, type VerdictOrNone } from './verdicts';

const STATUSES: readonly CaseHeader['status'][] = ['open', 'contained', 'closed'];

/**
 * The case beside the investigation: open or pick one; its pins with verdict and note inline;
 * its notes (Markdown); saved views and queries; the findings archived in it. Every change goes
 * to the server, which logs it with its author.
 */
export function CaseSidebar({ state, onChange }: { state: ViewState; onChange: SetViewState }) {
  const work = useCase();
  const close = () => onChange((s) => ({ ...s, caseOpen: false }));
  return (
    <aside className="case-sidebar" aria-label="The case">
      {work.caseId ? <OpenCase state={state} onChange={onChange} onClose={close} /> : <CaseList onPick={(caseId) => onChange((s) => ({ ...s, caseId }), 'push')} onClose={close} />}
    </aside>
  );
}

/** The sidebar's top line: what it shows, and the button that closes it. */
function SidebarHead({ onClose, children }: { onClose: () => void; children: ReactNode }) {
  return (
    <header className="case-head">
      {children}
      <button type="button" onClick={onClose} aria-label="Close the case sidebar">
        ✕
      </button>
    </header>
  );
}

function CaseList({ onPick, onClose }: { onPick: (caseId: string) => void; onClose: () => void }) {
  const [version, setVersion] = useState(0);
  const list = useApi(`cases:${version}`, (signal) => api.cases.list(signal));
  const [title, setTitle] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const create = async () => {
    try {
      const opened = await api.cases.open(title.trim());
      setTitle('');
      onPick(opened.caseId);
    } catch (failure) {
      setError(failure as Error);
      setVersion((v) => v + 1);
    }
  };
  return (
    <>
      <SidebarHead onClose={onClose}>
        <h2>Cases</h2>
      </SidebarHead>
      <form
        className="case-new"
        onSubmit={(e) => {
          e.preventDefault();
          if (title.trim()) void create();
        }}
      >
        <input value={title} onChange={(e) => setTitle(e.target.value)} placeholder="What happened, in a few words" aria-label="New case title" maxLength={200} />
        <button type="submit" disabled={!title.trim()}>
          Open a case
        </button>
      </form>
      {error ? <Failure error={error} what="the case" /> : null}
      {list.status === 'error' ? <Failure error={list.error} what="the cases" /> : null}
      {list.status === 'ready' ? (
        list.data.cases.length === 0 ? (
          <p className="muted">No cases yet. A case keeps what the team concludes: pins with verdicts, notes, saved views.</p>
        ) : (
          <ul className="case-list">
            {list.data.cases.map((c) => (
              <li key={c.caseId}>
                <button type="button" className="link" onClick={() => onPick(c.caseId)}>
                  <Shown text={c.title} />
                </button>
                <span className={`case-status status-${c.status}`}>{c.status}</span>
                <span className="muted">
                  {c.pins} pins{c.verdicts.malicious ? `, ${c.verdicts.malicious} malicious` : ''} · {c.updatedAt.slice(0, 16).replace('T', ' ')}
                </span>
              </li>
            ))}
          </ul>
        )
      ) : null}
    </>
  );
}

function OpenCase({ state, onChange, onClose }: { state: ViewState; onChange: SetViewState; onClose: () => void }) {
  const work = useCase();
  const file = work.file;
  const caseId = work.caseId!;
  if (!file) {
    return (
      <>
        <SidebarHead onClose={onClose}>
          <h2>Case</h2>
        </SidebarHead>
        {work.error ? <Failure error={work.error} what="the case" /> : <p className="muted">Loading the case…</p>}
        <button type="button" className="link" onClick={() => onChange((s) => ({ ...s, caseId: null, casePage: false }))}>
          ← All cases
        </button>
      </>
    );
  }
  return (
    <>
      <SidebarHead onClose={onClose}>
        <button type="button" className="link" onClick={() => onChange((s) => ({ ...s, caseId: null, casePage: false }))} title="All cases">
          ←
        </button>
        <h2 title={file.caseId}>
          <Shown text={file.title} />
        </h2>
      </SidebarHead>
      <div className="case-meta">
        <label>
          Status{' '}
          <select value={file.status} aria-label="Case status" onChange={(e) => void work.change(() => api.cases.update(caseId, { status: e.target.value as CaseHeader['status'] }, { status: file.status }))}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <span className="muted mono">{file.caseId}</span>
        <button type="button" onClick={() => onChange((s) => ({ ...s, casePage: true, cypher: null }), 'push')}>
          Report
        </button>
      </div>
      <CaseFields key={`${file.caseId}:${file.title}:${file.owner ?? ''}`} title={file.title} owner={file.owner} />
      {work.error ? <Failure error={work.error} what="the change" /> : null}

      <section className="case-section" aria-label="Pinned">
        <h3>Pinned ({file.pins.length})</h3>
        {file.pins.length === 0 ? <p className="muted">Pin entities, findings and events with ☆ Pin: in the entity panel, the findings list and the timeline.</p> : null}
        <ul className="case-pins">
          {file.pins.map((pin) => (
            <PinRow key={pin.pinId} pin={pin} onOpen={() => pin.kind === 'entity' && onChange((s) => investigate(s, pin.ref), 'push')} />
          ))}
        </ul>
      </section>

      <Notes />

      <section className="case-section" aria-label="Saved views">
        <h3>Saved views</h3>
        <ul className="case-views">
          {file.views.map((v) => (
            <li key={v.viewId}>
              <button type="button" className="link" onClick={() => onChange((s) => openView(s, v.url), 'push')} title={v.url}>
                <Shown text={v.name} />
              </button>
              <button type="button" className="remove" aria-label={`Remove the saved view ${v.name}`} onClick={() => void work.change(() => api.cases.removeView(caseId, v.viewId))}>
                ✕
              </button>
            </li>
          ))}
        </ul>
        <SaveForm what="view" placeholder="Name this view" disabled={!state.root && state.cypher === null} onSave={(name) => work.change(() => api.cases.saveView(caseId, name, viewUrl(state)))} />
      </section>

      <section className="case-section" aria-label="Saved queries">
        <h3>Saved queries</h3>
        <ul className="case-views">
          {file.queries.map((q) => (
            <li key={q.queryId}>
              <button type="button" className="link" onClick={() => onChange((s) => ({ ...s, cypher: q.query, casePage: false }), 'push')} title={q.query}>
                <Shown text={q.name} />
              </button>
              <button type="button" className="remove" aria-label={`Remove the saved query ${q.name}`} onClick={() => void work.change(() => api.cases.removeQuery(caseId, q.queryId))}>
                ✕
              </button>
            </li>
          ))}
        </ul>
        {state.cypher ? <SaveForm what="query" placeholder="Name the console's query" onSave={(name) => work.change(() => api.cases.saveQuery(caseId, name, state.cypher!))} /> : <p className="muted">Open the Cypher console to save its query here.</p>}
      </section>

      {file.findings.length ? (
        <section className="case-section" aria-label="Findings triaged">
          <h3>Findings triaged</h3>
          <ul>
            {file.findings.map((f) => (
              <li key={f.findingId}>
                <span className="mono">{f.findingId.slice(0, 12)}…</span> {f.archived ? 'archived' : 'unarchived'}: <Shown text={f.reason} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

/** The title and owner, changed in place (saved when the field is left). */
function CaseFields({ title: savedTitle, owner: savedOwner }: { title: string; owner: string | null }) {
  const work = useCase();
  const caseId = work.caseId!;
  const [title, setTitle] = useState(savedTitle);
  const [owner, setOwner] = useState(savedOwner ?? '');
  return (
    <div className="case-fields">
      <label>
        Title <input value={title} maxLength={200} aria-label="Case title" onChange={(e) => setTitle(e.target.value)} onBlur={() => title.trim() && title !== savedTitle && void work.change(() => api.cases.update(caseId, { title: title.trim() }, { title: savedTitle }))} />
      </label>
      <label>
        Owner{' '}
        <input
          value={owner}
          maxLength={100}
          placeholder="who leads it"
          aria-label="Case owner"
          onChange={(e) => setOwner(e.target.value)}
          onBlur={() => owner.trim() !== (savedOwner ?? '') && void work.change(() => api.cases.update(caseId, { owner: owner.trim() || null }, { owner: savedOwner }))}
        />
      </label>
    </div>
  );
}

/** A pin: what it is, its verdict and note, changed in place. */
function PinRow({ pin, onOpen }: { pin: CasePin; onOpen: () => void }) {
  const work = useCase();
  const caseId = work.caseId!;
  const [note, setNote] = useState(pin.note);
  const field = useRef<HTMLTextAreaElement>(null);
  // A note changed elsewhere (a teammate, another tab) replaces the field, unless it is being typed in.
  useEffect(() => {
    if (document.activeElement !== field.current) setNote(pin.note);
  }, [pin.note]);
  const verdict: VerdictOrNone = pin.verdict ?? 'undecided';
  return (
    <li className={`case-pin verdict-${verdict}`} data-pin={pin.ref}>
      <div className="pin-title">
        <button type="button" className="link" onClick={onOpen} disabled={pin.kind !== 'entity'} title={pin.ref}>
          <Shown text={pin.label} />
        </button>
        <span className="muted">{pin.kind === 'event' ? `event ${pin.eventTime?.slice(0, 19).replace('T', ' ') ?? ''}` : pin.ref.slice(0, pin.ref.indexOf(':'))}</span>
        {pin.present ? null : <span className="muted">(not in the graph now)</span>}
        <button type="button" className="remove" aria-label={`Unpin ${pin.label}`} onClick={() => void work.change(() => api.cases.unpin(caseId, pin.pinId))}>
          ✕
        </button>
      </div>
      <select
        value={verdict}
        aria-label={`Verdict for ${pin.label}`}
        onChange={(e) => void work.change(() => api.cases.updatePin(caseId, pin.pinId, { verdict: e.target.value === 'undecided' ? null : (e.target.value as NonNullable<CasePin['verdict']>) }, { verdict: pin.verdict }))}
      >
        {VERDICT_CHOICES.map((v) => (
          <option key={v} value={v}>
            {VERDICT_WORDS[v]}
          </option>
        ))}
      </select>
      <textarea
        ref={field}
        value={note}
        placeholder="Why (saved when you leave the field)"
        aria-label={`Note for ${pin.label}`}
        maxLength={4000}
        rows={note ? 2 : 1}
        onChange={(e) => setNote(e.target.value)}
        onBlur={() => note !== pin.note && void work.change(() => api.cases.updatePin(caseId, pin.pinId, { note }, { note: pin.note }))}
      />
    </li>
  );
}

function Notes() {
  const work = useCase();
  const caseId = work.caseId!;
  const [text, setText] = useState('');
  const [editing, setEditing] = useState<{ noteId: string; text: string } | null>(null);
  const notes = work.file?.notes ?? [];
  return (
    <section className="case-section" aria-label="Notes">
      <h3>Notes</h3>
      {notes.map((n) =>
        editing?.noteId === n.noteId ? (
          <form
            key={n.noteId}
            className="case-note-edit"
            onSubmit={(e) => {
              e.preventDefault();
              void work.change(() => api.cases.editNote(caseId, n.noteId, editing.text, n.text)).then(() => setEditing(null));
            }}
          >
            <textarea value={editing.text} rows={5} aria-label="Edit the note" onChange={(e) => setEditing({ noteId: n.noteId, text: e.target.value })} />
            <button type="submit">Save</button>
            <button type="button" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </form>
        ) : (
          <article key={n.noteId} className="case-note" data-note={n.noteId}>
            <Markdown text={n.text} />
            <footer className="muted">
              {n.createdBy}, {n.createdAt.slice(0, 16).replace('T', ' ')}
              {n.updatedAt !== n.createdAt ? ` (edited by ${n.updatedBy})` : ''}{' '}
              <button type="button" className="link" onClick={() => setEditing({ noteId: n.noteId, text: n.text })}>
                edit
              </button>{' '}
              <button type="button" className="link" onClick={() => void work.change(() => api.cases.removeNote(caseId, n.noteId))}>
                remove
              </button>
            </footer>
          </article>
        ),
      )}
      <form
        className="case-note-new"
        onSubmit={(e) => {
          e.preventDefault();
          if (!text.trim()) return;
          void work.change(() => api.cases.addNote(caseId, text)).then(() => setText(''));
        }}
      >
        <textarea value={text} rows={3} placeholder="A note, in Markdown" aria-label="New note" maxLength={20000} onChange={(e) => setText(e.target.value)} />
        <button type="submit" disabled={!text.trim()}>
          Add note
        </button>
      </form>
    </section>
  );
}

function SaveForm({ what, placeholder, disabled, onSave }: { what: string; placeholder: string; disabled?: boolean; onSave: (name: string) => Promise<void> }) {
  const [name, setName] = useState('');
  return (
    <form
      className="case-save"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) void onSave(name.trim()).then(() => setName(''));
      }}
    >
      <input value={name} placeholder={placeholder} aria-label={`Name of the ${what} to save`} maxLength={200} disabled={disabled} onChange={(e) => setName(e.target.value)} />
      <button type="submit" disabled={disabled || !name.trim()}>
        Save {what}
      </button>
    </form>
  );
}
