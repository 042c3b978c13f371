import { useEffect, useRef } from 'react';
import { api } from '../api/client';
import { endpoint, formatCount, nextOffset, pageRange, previousOffset, protocolName, recordContext, recordCount, shortTime, spanText } from '../graph/flowRecords';
import { useApi } from '../state/useApi';
import type { FlowsState } from '../state/urlState';
import { Empty, Failure, Loading } from './States';
import { Shown, shownText } from './Shown';

/**
 * The flow-log records behind a FLOW edge, in the timeline's place: every record the edge counts,
 * in time order, a page of 100 at a time, over the edge's own span. Every field comes from the
 * logs (an attacker can write some of them): all of it is rendered as text.
 */
export function FlowRecordsPanel({ flows, onChange }: { flows: FlowsState; onChange: (next: FlowsState | null) => void }) {
  const offset = flows.offset ?? 0;
  const page = useApi(JSON.stringify(flows), (signal) => api.flows(flows, signal));
  // The total of this edge's records stays known while another page loads, so the pager (and the
  // keyboard focus on it) does not go away between pages.
  const edge = JSON.stringify([flows.src, flows.dst, flows.from, flows.to]);
  const known = useRef<{ edge: string; total: number } | null>(null);
  if (page.status === 'ready') known.current = { edge, total: page.data.total };
  const total = known.current?.edge === edge ? known.current.total : null;
  const next = total === null ? null : nextOffset(offset, total);
  const previous = total === null ? null : previousOffset(offset, total);
  const go = (to: number) => onChange({ ...flows, offset: to > 0 ? to : undefined });

  // Opened from the canvas, where the keyboard cannot be: it starts in the panel.
  const panel = useRef<HTMLElement>(null);
  useEffect(() => panel.current?.focus(), [flows.src, flows.dst]);

  return (
    <section className="flow-panel" aria-label="Flow records" tabIndex={-1} ref={panel}>
      <header className="toolbar">
        <strong>Flow records</strong>{' '}
        <span className="mono">
          <Shown text={flows.src} /> → <Shown text={flows.dst} />
        </span>
        <span data-testid="flow-total">{total === null ? 'counting…' : recordCount(total)}</span>
        <span className="muted" title="The span of the edge drilled into: every record it counts">
          {spanText(flows.from, flows.to)}
        </span>
        <span className="pager" role="group" aria-label="Pages">
          <button type="button" disabled={previous === null} onClick={() => previous !== null && go(previous)} title="The previous 100 records">
            Previous
          </button>
          <span data-testid="flow-range" aria-live="polite">
            {page.status === 'ready' ? pageRange(offset, page.data.flows.length, page.data.total) : '…'}
          </span>
          <button type="button" disabled={next === null} onClick={() => next !== null && go(next)} title="The next 100 records">
            Next
          </button>
        </span>
        <button type="button" onClick={() => onChange(null)} aria-label="Close the flow records">
          ✕
        </button>
      </header>
      {/* Focusable, so the keyboard can scroll a long page. */}
      <div className="flow-body" tabIndex={0} aria-label="Flow records, in time order">
        {page.status === 'loading' ? <Loading what="the flow records" /> : null}
        {page.status === 'error' ? <Failure error={page.error} what="the flow records" /> : null}
        {page.status === 'ready' && page.data.flows.length === 0 ? (
          <Empty>{page.data.total ? 'No records on this page: go back a page.' : 'No flow records from this address to that one in this span.'}</Empty>
        ) : null}
        {page.status === 'ready' && page.data.flows.length > 0 ? (
          <table className="flow-records">
            <thead>
              <tr>
                <th scope="col">Start (UTC)</th>
                <th scope="col">Source → destination</th>
                <th scope="col">Protocol</th>
                <th scope="col">Action</th>
                <th scope="col" className="num">
                  Packets
                </th>
                <th scope="col" className="num">
                  Bytes
                </th>
                <th scope="col">Interface</th>
              </tr>
            </thead>
            <tbody>
              {page.data.flows.map((f, i) => (
                <tr key={offset + i}>
                  <td className="mono" title={`until ${shortTime(f.end)}`}>
                    {shortTime(f.start)}
                  </td>
                  <td className="mono">
                    <Shown text={endpoint(f.src, f.srcPort, f.protocol)} /> → <Shown text={endpoint(f.dst, f.dstPort, f.protocol)} />
                  </td>
                  <td>{protocolName(f.protocol)}</td>
                  <td className={f.action === 'REJECT' ? 'failed' : ''}>
                    <Shown text={f.action} />
                  </td>
                  <td className="num">{formatCount(f.packets)}</td>
                  <td className="num">{formatCount(f.bytes)}</td>
                  <td className="mono" title={shownText(recordContext(f))}>
                    <Shown text={f.interfaceId} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
    </section>
  );
}
