import { api, type Scope } from '../api/client';
import type { Indicator, Investigation } from '../api/types';
import { lookOf } from '../graph/kinds';
import type { GraphMode, TimelineState } from '../state/urlState';
import { useApi } from '../state/useApi';
import { Show } from './States';
import { Shown, shownText } from './Shown';

interface Props {
  readonly entity: string;
  readonly scope: Scope;
  readonly onTimeline: (entity: string, narrowed?: Omit<TimelineState, 'entity'>) => void;
  readonly onInvestigate: (entity: string, mode?: GraphMode) => void;
}

/**
 * The investigation of a principal or key: indicators of compromise, most severe first, each
 * expandable to its explanation, the entities it involves (a click centres the graph on one)
 * and its events (a click opens them on the timeline).
 */
export function InvestigationPanel({ entity, scope, onTimeline, onInvestigate }: Props) {
  const answer = useApi(JSON.stringify([entity, scope]), (signal) => api.investigation(entity, scope, signal));
  return (
    <section className="investigation" aria-label="Investigation">
      <h3>Investigation</h3>
      <Show value={answer} what="the investigation">
        {(a) => <Indicators answer={a} onTimeline={onTimeline} onInvestigate={onInvestigate} />}
      </Show>
    </section>
  );
}

function Indicators({ answer, onTimeline, onInvestigate }: { answer: Investigation } & Pick<Props, 'onTimeline' | 'onInvestigate'>) {
  const s = answer.summary;
  return (
    <>
      <p className="muted">
        {s.calls.toLocaleString('en-US')} calls in {answer.scope.from.slice(0, 10)} – {answer.scope.to.slice(0, 10)}, against {s.baselineCalls.toLocaleString('en-US')} in the {answer.scope.baselineDays} days before.{' '}
        <span className="severity-counts" data-testid="indicator-counts">
          {(['high', 'medium', 'low', 'info'] as const).map((level) =>
            s.bySeverity[level] ? (
              <span key={level} className={`indicator-badge indicator-${level}`}>
                {s.bySeverity[level]} {level}
              </span>
            ) : null,
          )}
        </span>
      </p>
      {s.tactics.length ? <p className="tactics">ATT&amp;CK: {s.tactics.join(' → ')}</p> : null}
      {answer.indicators.length === 0 ? <p>No indicators of compromise in this scope.</p> : null}
      <ol className="indicators">
        {answer.indicators.map((i) => (
          <li key={i.id} data-indicator={i.type}>
            <IndicatorItem indicator={i} onTimeline={onTimeline} onInvestigate={onInvestigate} />
          </li>
        ))}
      </ol>
      {answer.notes.map((note) => (
        <p key={note} className="muted" role="note">
          {note}
        </p>
      ))}
    </>
  );
}

function IndicatorItem({ indicator: i, onTimeline, onInvestigate }: { indicator: Indicator } & Pick<Props, 'onTimeline' | 'onInvestigate'>) {
  const t = i.evidence.timeline;
  return (
    <details>
      <summary>
        <span className={`indicator-badge indicator-${i.severity}`}>{i.severity}</span> <Shown text={i.title} />
      </summary>
      <p>
        <Shown text={i.explanation} />
      </p>
      <p className="muted mono">
        {i.firstSeen.slice(0, 19).replace('T', ' ')}
        {i.lastSeen !== i.firstSeen ? ` – ${i.lastSeen.slice(0, 19).replace('T', ' ')}` : ''}
        {i.tactics.length ? ` · ${i.tactics.join(', ')}` : ''}
        {typeof i.details.techniqueId === 'string' ? ` · ${i.details.techniqueId}` : ''}
      </p>
      <div className="involved">
        {i.entities
          .filter((e) => e.role !== 'investigated')
          .map((e) => (
            <button key={e.id} type="button" className="chip" style={{ borderColor: lookOf(e.kind).colour }} title={`${e.role}: ${shownText(e.id)} — centre the graph here`} onClick={() => onInvestigate(e.id)}>
              <Shown text={e.label} />
            </button>
          ))}
      </div>
      {t ? (
        <button
          type="button"
          className="link"
          onClick={() => {
            const f = t.filters;
            onTimeline(t.entity, {
              from: t.from,
              to: t.to,
              ...(f.eventSource ? { eventSource: f.eventSource } : {}),
              ...(f.eventName ? { eventName: f.eventName } : {}),
              ...(f.sourceIp ? { sourceIp: f.sourceIp } : {}),
              ...(f.userAgent ? { userAgent: f.userAgent } : {}),
              ...(f.errorsOnly === 'true' ? { errorsOnly: true } : {}),
            });
          }}
        >
          Show the {i.evidence.eventCount.toLocaleString('en-US')} events
        </button>
      ) : null}
      <div className="muted mono event-ids" title="Events that prove it (earliest first)">
        {i.evidence.eventIds.slice(0, 3).join(' · ')}
        {i.evidence.eventIds.length > 3 ? ' …' : ''}
      </div>
    </details>
  );
}
