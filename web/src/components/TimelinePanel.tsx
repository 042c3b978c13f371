import { useEffect, useRef, useState } from 'react';
import { api, downloadExport, type Scope } from '../api/client';
import type { TimelineEvent } from '../api/types';
import type { TimelineState } from '../state/urlState';
import { Failure } from './States';
import { PinButton } from '../cases/PinButton';
import { Shown, shownText } from './Shown';

const ROW = 26;
const OVERSCAN = 10;

/**
 * The activity trace of an entity (for a principal, with every session it started), in a
 * virtualised table: only the rows in view are in the DOM, so 100,000 events scroll smoothly.
 * Pages load as the table scrolls; filters go to the server; exports take the same filters.
 */
export function TimelinePanel({ timeline, scope: viewScope, onChange }: { timeline: TimelineState; scope: Scope; onChange: (t: TimelineState | null) => void }) {
  // A drill-down from an aggregate brings its own span (all of its evidence); else the view's scope.
  const scope: Scope = timeline.from || timeline.to ? { from: timeline.from ?? null, to: timeline.to ?? null } : viewScope;
  const [events, setEvents] = useState<TimelineEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(false);
  const [scrollTop, setScrollTop] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  const body = useRef<HTMLDivElement>(null);
  const generation = useRef(0);
  const filters = { eventSource: timeline.eventSource, eventName: timeline.eventName, errorsOnly: timeline.errorsOnly, readOnly: timeline.readOnly, sourceIp: timeline.sourceIp, userAgent: timeline.userAgent, ownCalls: timeline.ownCalls, by: timeline.by };
  const key = JSON.stringify([timeline, scope]);

  const loadMore = async (from: string | null, reset: boolean, signal?: AbortSignal) => {
    // Pages of an older question (the filters changed meanwhile) are dropped, and do not end the
    // newer question's loading state.
    const asked = generation.current;
    const current = () => asked === generation.current && !signal?.aborted;
    setLoading(true);
    try {
      const page = await api.timeline(timeline.entity, scope, filters, from, signal);
      if (!current()) return;
      setEvents((old) => (reset ? page.events : [...old, ...page.events]));
      setCursor(page.nextCursor);
      setDone(page.nextCursor === null);
      setError(null);
    } catch (e) {
      if (current()) setError(e as Error);
    } finally {
      if (current()) setLoading(false);
    }
  };

  useEffect(() => {
    generation.current += 1;
    const controller = new AbortController();
    setEvents([]);
    setDone(false);
    setOpen(null);
    body.current?.scrollTo({ top: 0 });
    void loadMore(null, true, controller.signal);
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const height = body.current?.clientHeight ?? 300;
  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(events.length, Math.ceil((scrollTop + height) / ROW) + OVERSCAN);
  if (!loading && !done && last >= events.length - OVERSCAN && events.length > 0 && cursor) void loadMore(cursor, false);

  const services = [...new Set(events.map((e) => e.eventSource).filter((s): s is string => Boolean(s)))].sort();
  const set = (patch: Partial<TimelineState>) => onChange({ ...timeline, ...patch });
  return (
    <section className="timeline-panel" aria-label="Timeline">
      <header className="toolbar">
        <strong>Timeline</strong> <span className="mono"><Shown text={timeline.entity} /></span>
        {/* Any service can be typed (the suggestions are those of the rows loaded so far); Enter or a suggestion applies it. */}
        <input
          key={`service:${timeline.eventSource ?? ''}`}
          type="search"
          list="timeline-services"
          placeholder="service, e.g. s3.amazonaws.com"
          defaultValue={timeline.eventSource ?? ''}
          aria-label="Service"
          onKeyDown={(e) => e.key === 'Enter' && set({ eventSource: (e.target as HTMLInputElement).value.trim() || undefined })}
          onChange={(e) => (e.target.value === '' || services.includes(e.target.value)) && e.target.value !== (timeline.eventSource ?? '') && set({ eventSource: e.target.value || undefined })}
        />
        <datalist id="timeline-services">
          {services.map((service) => (
            <option key={service} value={service} />
          ))}
        </datalist>
        {/* Remounted when the URL's API filter changes (Back, Forward, a drill-down): never a stale box. */}
        <input key={timeline.eventName ?? ''} type="search" placeholder="API, e.g. GetObject" defaultValue={timeline.eventName ?? ''} aria-label="API" onKeyDown={(e) => e.key === 'Enter' && set({ eventName: (e.target as HTMLInputElement).value.trim() || undefined })} />
        <label>
          <input type="checkbox" checked={Boolean(timeline.errorsOnly)} onChange={(e) => set({ errorsOnly: e.target.checked || undefined })} /> errors only
        </label>
        <select value={timeline.readOnly === undefined ? '' : String(timeline.readOnly)} onChange={(e) => set({ readOnly: e.target.value === '' ? undefined : e.target.value === 'true' })} aria-label="Read-only">
          <option value="">reads and writes</option>
          <option value="true">read-only</option>
          <option value="false">changes only</option>
        </select>
        {timeline.ownCalls ? (
          <button type="button" className="chip-button" title="Include the calls made in the sessions it started" onClick={() => set({ ownCalls: undefined })}>
            own calls only ✕
          </button>
        ) : null}
        {timeline.by ? (
          <button type="button" className="chip-button" title={`Remove this filter: ${shownText(timeline.by)}`} onClick={() => set({ by: undefined })}>
            by <Shown text={timeline.by.slice(timeline.by.indexOf(':') + 1).split('/').pop()} /> ✕
          </button>
        ) : null}
        {timeline.from || timeline.to ? (
          <button type="button" className="chip-button" title="The span of the link drilled into; remove to use the view's scope time" onClick={() => set({ from: undefined, to: undefined })}>
            {(timeline.from ?? '…').slice(0, 16).replace('T', ' ')} → {(timeline.to ?? '…').slice(0, 16).replace('T', ' ')} ✕
          </button>
        ) : null}
        {timeline.sourceIp ? (
          <button type="button" className="chip-button" title="Remove this filter" onClick={() => set({ sourceIp: undefined })}>
            from <Shown text={timeline.sourceIp} /> ✕
          </button>
        ) : null}
        {timeline.userAgent ? (
          <button type="button" className="chip-button" title={`Remove this filter: ${shownText(timeline.userAgent)}`} onClick={() => set({ userAgent: undefined })}>
            with <Shown text={timeline.userAgent.length > 40 ? `${timeline.userAgent.slice(0, 40)}…` : timeline.userAgent} /> ✕
          </button>
        ) : null}
        <span className="exports">
          Export:{' '}
          {(['csv', 'timesketch', 'ocsf'] as const).map((format) => (
            <a key={format} href={api.exportUrl(timeline.entity, format, scope, filters)} download onClick={(e) => void downloadExport(e.currentTarget.href, e).catch((error: Error) => setError(error))}>
              {format === 'csv' ? 'CSV' : format === 'ocsf' ? 'OCSF' : 'Timesketch'}
            </a>
          ))}
        </span>
        <button type="button" onClick={() => onChange(null)} aria-label="Close the timeline">
          ✕
        </button>
      </header>
      {error ? <Failure error={error} what="the timeline" /> : null}
      <div className="timeline-head timeline-row">
        <span>Time (UTC)</span>
        <span>Principal</span>
        <span>API</span>
        <span>Source IP</span>
        <span>Error</span>
        <span>Case</span>
      </div>
      <div className="timeline-body" ref={body} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} data-testid="timeline">
        <div style={{ height: events.length * ROW, position: 'relative' }}>
          {events.slice(first, last).map((e, i) => (
            <div
              key={e.eventId}
              className={`timeline-row ${e.errorCode ? 'failed' : ''} ${e.inSession ? 'in-session' : ''}`}
              style={{ position: 'absolute', top: (first + i) * ROW, height: ROW }}
              onClick={() => setOpen(e.eventId)}
              data-event={e.eventId}
            >
              <span className="mono">{e.time.replace('T', ' ').slice(0, 19)}</span>
              <span title={shownText(e.principal?.id)}><Shown text={e.principal?.label} /></span>
              <span>
                <Shown text={`${(e.eventSource ?? '').replace('.amazonaws.com', '')}:${e.eventName ?? ''}`} />
              </span>
              <span className="mono"><Shown text={e.sourceIPAddress ?? e.sourceIp} /></span>
              <span className="failed"><Shown text={e.errorCode} /></span>
              <span>
                <PinButton kind="event" ref={e.eventId} what={`the ${e.eventName ?? ''} event of ${e.time.slice(0, 19)}`} />
              </span>
            </div>
          ))}
        </div>
        {!loading && events.length === 0 && !error ? <div className="state state-empty">No events in the scope with these filters.</div> : null}
      </div>
      <footer className="muted">
        {error
          ? `${events.length.toLocaleString('en-US')} events loaded before the error`
          : `${events.length.toLocaleString('en-US')} events${done ? '' : loading && events.length === 0 ? '' : ' loaded, more as you scroll'}`}
        {loading ? ' · loading…' : ''}
      </footer>
      {open ? <RawEvent eventId={open} onClose={() => setOpen(null)} /> : null}
    </section>
  );
}

/** The raw CloudTrail record, as text in a <pre>: never interpreted. */
function RawEvent({ eventId, onClose }: { eventId: string; onClose: () => void }) {
  const [text, setText] = useState('Loading…');
  useEffect(() => {
    const controller = new AbortController();
    api.event(eventId, controller.signal).then(
      (detail) => setText(JSON.stringify(detail.record, null, 2)),
      (error: Error) => setText(`Could not load the event: ${error.message}`),
    );
    return () => controller.abort();
  }, [eventId]);
  return (
    <div className="raw-event" role="dialog" aria-label="Raw event">
      <header>
        <strong>Event <Shown text={eventId} /></strong>
        <button type="button" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </header>
      <pre data-testid="raw-event"><Shown text={text} /></pre>
    </div>
  );
}
