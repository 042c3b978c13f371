import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { FindingList } from '../api/types';
import { Empty, Show } from '../components/States';
import { lookOf, severityBand } from '../graph/kinds';
import { useApi } from '../state/useApi';
import type { ViewState } from '../state/urlState';
import { PinButton } from '../cases/PinButton';
import { useCase } from '../cases/caseContext';
import { Shown, shownText } from '../components/Shown';
import { FindingGroupsView } from './FindingGroupsView';
import { Label, PRINCIPAL_LABELS } from '../../../graph/vocabulary';

const SORTS: Record<string, string> = { severity: 'Severity', updatedAt: 'Last updated', eventFirstSeen: 'First seen', eventLastSeen: 'Last seen', count: 'Count' };

/** Every finding, most severe first: the investigator's starting point. A click investigates it. */
export function FindingsView({ state, onChange, onOpen }: { state: ViewState; onChange: (s: ViewState) => void; onOpen: (findingId: string) => void }) {
  const f = state.findings;
  const [text, setText] = useState(f.q);
  const [narrow, setNarrow] = useState({ type: f.type, account: f.account, region: f.region });
  // Back and Forward change the URL: the boxes show what the list is filtered by.
  useEffect(() => {
    setText(f.q);
    setNarrow({ type: f.type, account: f.account, region: f.region });
  }, [f.q, f.type, f.account, f.region]);
  const findings = useApi(f.groups ? null : JSON.stringify(f), (signal) => api.findings(f, signal));
  const set = (patch: Partial<ViewState['findings']>) => onChange({ ...state, findings: { ...f, ...patch } });
  const tabs = (
    <nav className="tabs" aria-label="Findings or groups">
      <button type="button" aria-pressed={!f.groups} onClick={() => set({ groups: false })}>
        Findings
      </button>
      <button type="button" aria-pressed={f.groups} onClick={() => set({ groups: true })}>
        Finding groups
      </button>
    </nav>
  );
  if (f.groups) {
    return (
      <main className="findings-view">
        {tabs}
        <FindingGroupsView onOpen={onOpen} />
      </main>
    );
  }
  return (
    <main className="findings-view">
      {tabs}
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          set({ q: text.trim(), type: narrow.type.trim(), account: narrow.account.trim(), region: narrow.region.trim() });
        }}
      >
        <input type="search" placeholder="Filter findings: type, title, resource…" value={text} onChange={(e) => setText(e.target.value)} aria-label="Filter findings" />
        <input type="search" placeholder="Type prefix, e.g. Backdoor:" value={narrow.type} onChange={(e) => setNarrow({ ...narrow, type: e.target.value })} aria-label="Type prefix" />
        <input type="search" placeholder="Account id" value={narrow.account} onChange={(e) => setNarrow({ ...narrow, account: e.target.value })} aria-label="Account id" size={14} />
        <input type="search" placeholder="Region" value={narrow.region} onChange={(e) => setNarrow({ ...narrow, region: e.target.value })} aria-label="Region" size={12} />
        <button type="submit">Filter</button>
        <label>
          Severity ≥{' '}
          <select value={f.severityMin ?? ''} onChange={(e) => set({ severityMin: e.target.value === '' ? null : Number(e.target.value) })} aria-label="Minimum severity">
            <option value="">any</option>
            <option value="7">high (7)</option>
            <option value="4">medium (4)</option>
            <option value="1">low (1)</option>
          </select>
        </label>
        <label>
          Sort{' '}
          <select value={f.sort} onChange={(e) => set({ sort: e.target.value })} aria-label="Sort findings">
            {Object.entries(SORTS).map(([value, name]) => (
              <option key={value} value={value}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => set({ ascending: !f.ascending })} aria-label="Sort order" title="Reverse the order">
          {f.ascending ? '↑ ascending' : '↓ descending'}
        </button>
        <label>
          <input type="checkbox" checked={f.includeArchived} onChange={(e) => set({ includeArchived: e.target.checked })} /> archived
        </label>
      </form>
      <Show value={findings} what="findings">
        {(data) => <FindingsTable data={data} onOpen={onOpen} sort={f.sort} ascending={f.ascending} onSort={(sort) => set(sort === f.sort ? { ascending: !f.ascending } : { sort, ascending: false })} />}
      </Show>
    </main>
  );
}

/** A column header that sorts by its column (a second click reverses the order). */
function SortHeader({ column, label, sort, ascending, onSort }: { column: string; label: string; sort: string; ascending: boolean; onSort: (column: string) => void }) {
  const active = sort === column;
  return (
    <th aria-sort={active ? (ascending ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="link" onClick={() => onSort(column)} title={`Sort by ${label.toLowerCase()}`}>
        {label}
        {active ? (ascending ? ' ↑' : ' ↓') : ''}
      </button>
    </th>
  );
}

function FindingsTable({ data, onOpen, sort, ascending, onSort }: { data: FindingList; onOpen: (id: string) => void; sort: string; ascending: boolean; onSort: (column: string) => void }) {
  const header = (column: string, label: string) => <SortHeader column={column} label={label} sort={sort} ascending={ascending} onSort={onSort} />;
  // Rows pin to the open case; without one, no column for it.
  const inCase = useCase().caseId !== null;
  if (data.findings.length === 0) return <Empty>No findings match. Load GuardDuty findings with <code>npx trailhound ingest</code>, or widen the filter.</Empty>;
  return (
    <>
      <p className="count">
        {data.findings.length.toLocaleString('en-US')} of {data.total.toLocaleString('en-US')} findings
        {data.total > data.findings.length ? ' (narrow the filter to see the rest)' : ''}
      </p>
      <table className="findings" aria-label="Findings">
        <thead>
          <tr>
            {header('severity', 'Severity')}
            <th>Type</th>
            <th>Title</th>
            <th>Affected</th>
            <th title="Indicators of compromise of the first principal or key it is about (high and medium)">Indicators</th>
            <th>Account / region</th>
            {header('eventFirstSeen', 'First seen')}
            {header('eventLastSeen', 'Last seen')}
            {header('count', 'Count')}
            {inCase ? <th>Case</th> : null}
          </tr>
        </thead>
        <tbody>
          {data.findings.map((finding, index) => {
            const p = finding.properties;
            const severity = typeof p.severity === 'number' ? p.severity : null;
            return (
              <tr key={finding.id} className="finding-row" tabIndex={0} onClick={() => onOpen(finding.id)} onKeyDown={(e) => e.key === 'Enter' && onOpen(finding.id)} data-finding={finding.findingId}>
                <td>
                  <span className={`severity severity-${severityBand(severity)}`}>{severity?.toFixed(1) ?? '–'}</span>
                </td>
                <td className="mono">
                  <Shown text={String(p.type ?? '')} />
                </td>
                <td>
                  <Shown text={String(p.title ?? '')} />
                  {finding.triage?.archived ? (
                    <span className="archived-badge" title={`Archived by ${finding.triage.by} in ${finding.triage.caseId}: ${finding.triage.reason}`}>
                      archived
                    </span>
                  ) : null}
                </td>
                <td>
                  {finding.affected.slice(0, 2).map((a) => (
                    <span key={a.id} className="chip" style={{ borderColor: lookOf(a.kind).colour }} title={shownText(a.id)}>
                      <Shown text={a.label} />
                    </span>
                  ))}
                  {finding.affected.length > 2 ? <span className="more">+{finding.affected.length - 2}</span> : null}
                </td>
                <td className="num">
                  <IndicatorCount entity={index < COUNTED_ROWS ? finding.affected.find((a) => INVESTIGABLE.has(a.kind))?.id : undefined} />
                </td>
                <td className="mono">
                  <Shown text={`${String(p.accountId ?? '')} ${String(p.region ?? '')}`} />
                </td>
                <td className="mono">{time(p.eventFirstSeen)}</td>
                <td className="mono">{time(p.eventLastSeen)}</td>
                <td className="num">{String(p.count ?? '')}</td>
                {inCase ? (
                  <td>
                    <PinButton kind="entity" ref={finding.id} what={String(p.title ?? finding.findingId)} />
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

/** Rows whose indicators are counted (each count is an investigation): the first, most relevant ones. */
const COUNTED_ROWS = 25;
const INVESTIGABLE = new Set<string>([...PRINCIPAL_LABELS, Label.AccessKey]);

/** How many high and medium indicators the investigation of a finding's principal or key raises. */
function IndicatorCount({ entity }: { entity: string | undefined }) {
  const answer = useApi(entity ?? null, (signal) => api.investigation(entity!, { from: null, to: null }, signal));
  if (!entity) return <span className="muted">–</span>;
  if (answer.status !== 'ready') return <span className="muted">{answer.status === 'loading' ? '…' : '?'}</span>;
  const s = answer.data.summary.bySeverity;
  const serious = s.high + s.medium;
  return (
    <span className={`indicator-count${s.high ? ' indicator-high' : serious ? ' indicator-medium' : ''}`} data-indicators={serious} title={`${s.high} high, ${s.medium} medium, ${s.low} low indicators for ${shownText(answer.data.entity.label)}`}>
      {serious}
    </span>
  );
}

export function time(value: unknown): string {
  return typeof value === 'string' ? value.replace('T', ' ').slice(0, 16) : '';
}
