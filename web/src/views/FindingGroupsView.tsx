import { useState } from 'react';
import { api } from '../api/client';
import type { FindingGroup, FindingGroups } from '../api/types';
import { Empty, Show } from '../components/States';
import { Shown, shownText } from '../components/Shown';
import { lookOf, severityBand } from '../graph/kinds';
import { useApi } from '../state/useApi';
import { time } from './FindingsView';

/**
 * Finding groups: findings that share a principal, key, address, instance or bucket within a
 * week, each told in a generated sentence, ranked by severity and the tactics it spans. A
 * finding or an entity is a click into the graph; a group opens its merged timeline.
 */
export function FindingGroupsView({ onOpen }: { onOpen: (id: string) => void }) {
  const groups = useApi('groups', (signal) => api.findingGroups(signal));
  return <Show value={groups} what="finding groups">{(data) => <GroupList data={data} onOpen={onOpen} />}</Show>;
}

function GroupList({ data, onOpen }: { data: FindingGroups; onOpen: (id: string) => void }) {
  if (data.groups.length === 0) return <Empty>No two findings share an entity within {data.scope.windowHours} hours: there are no groups.</Empty>;
  return (
    <>
      <p className="count">
        {data.total} {data.total === 1 ? 'group' : 'groups'}; {data.ungroupedFindings} {data.ungroupedFindings === 1 ? 'finding shares' : 'findings share'} nothing with another{data.truncated ? ` (only the ${data.findingsRead.toLocaleString('en-US')} most severe findings were grouped)` : ''}.
      </p>
      <ol className="finding-groups" aria-label="Finding groups">
        {data.groups.map((g) => (
          <li key={g.id} data-group={g.id}>
            <Group group={g} onOpen={onOpen} />
          </li>
        ))}
      </ol>
    </>
  );
}

function Group({ group: g, onOpen }: { group: FindingGroup; onOpen: (id: string) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <article className="finding-group">
      <header>
        <span className={`severity severity-${severityBand(g.severity)}`}>{g.severity.toFixed(1)}</span> <strong>#{g.rank}</strong> {g.findings.length} findings · {g.tactics.join(' → ')}
      </header>
      <p className="summary">
        <Shown text={g.summary} />
      </p>
      <div className="involved">
        {g.findings.map((f) => (
          <button key={f.id} type="button" className="chip" onClick={() => onOpen(f.id)} title={shownText(f.title ?? f.type)}>
            <Shown text={f.type} />
          </button>
        ))}
      </div>
      <div className="involved">
        Shared:{' '}
        {g.sharedEntities.slice(0, 8).map((e) => (
          <button key={e.id} type="button" className="chip" style={{ borderColor: lookOf(e.kind).colour }} onClick={() => onOpen(e.id)} title={`${shownText(e.id)}: ${e.findingIds.length} findings (${e.via.join(', ')})`}>
            <Shown text={e.label} />
          </button>
        ))}
      </div>
      <button type="button" className="link" onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? 'Hide the merged timeline' : 'Merged timeline'}
      </button>
      {open ? <MergedTimeline id={g.id} onOpen={onOpen} /> : null}
    </article>
  );
}

function MergedTimeline({ id, onOpen }: { id: string; onOpen: (id: string) => void }) {
  const detail = useApi(id, (signal) => api.findingGroup(id, signal));
  return (
    <Show value={detail} what="the merged timeline">
      {(d) => (
        <>
          <table className="merged-timeline" aria-label="Merged timeline">
            <tbody>
              {d.timeline.entries.map((entry, i) =>
                entry.kind === 'finding' ? (
                  <tr key={`f${i}`} className="timeline-finding">
                    <td className="mono">{time(entry.time)}</td>
                    <td>finding</td>
                    <td colSpan={2}>
                      <button type="button" className="link" onClick={() => onOpen(entry.finding.id)}>
                        <Shown text={entry.finding.type} />
                      </button>
                    </td>
                  </tr>
                ) : (
                  <tr key={`e${i}`}>
                    <td className="mono">{time(entry.time)}</td>
                    <td>
                      <Shown text={entry.event.principal?.label ?? ''} />
                    </td>
                    <td className="mono">
                      <Shown text={entry.event.eventName ?? ''} />
                      {entry.event.errorCode ? <span className="failed"> {entry.event.errorCode}</span> : null}
                    </td>
                    <td className="mono">
                      <Shown text={entry.event.sourceIp ?? entry.event.sourceIPAddress ?? ''} />
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
          {d.timeline.eventsTruncated ? <p className="muted">Only the first {d.timeline.eventsShown} calls are shown: open a principal&apos;s timeline for all of them.</p> : null}
        </>
      )}
    </Show>
  );
}
