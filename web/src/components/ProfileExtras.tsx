import { api } from '../api/client';
import type { ApiEdge, ApiNode } from '../api/types';
import { useApi } from '../state/useApi';
import { KindIcon } from './KindIcon';
import { Show } from './States';
import { Rel } from '../../../graph/vocabulary';
import { Shown, shownText } from './Shown';

/**
 * The parts of a profile only some kinds have: where an address is and its traffic by port, an
 * instance's traffic per hour, and for a finding the entities it is about and names, with the
 * raw finding. All of it is text from the logs: rendered as text.
 */

interface Location {
  readonly country: string | null;
  readonly city: string | null;
  readonly asn: number | null;
  readonly asnOrg: string | null;
  readonly isp: string | null;
  readonly source: string | null;
}

export function LocationSection({ location }: { location: Location }) {
  const parts = [location.city, location.country].filter(Boolean).join(', ');
  const network = location.asn !== null ? `AS${location.asn}${location.asnOrg ? ` ${location.asnOrg}` : ''}` : location.isp;
  if (!parts && !network) return null;
  return (
    <section>
      <h3>Location</h3>
      <div>
        {parts ? <Shown text={parts} /> : 'unknown place'}
        {network ? (
          <span className="muted">
            {' '}
            · <Shown text={network} />
          </span>
        ) : null}
        {location.source ? <span className="muted"> (from {location.source})</span> : null}
      </div>
    </section>
  );
}

interface FlowRow {
  readonly direction: string;
  readonly port: number;
  readonly protocol: number | string;
  readonly action: string;
  readonly bytes: number;
  readonly packets: number;
  readonly flows: number;
  readonly peers: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
}

const PROTOCOLS: Record<string, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPv6' };

/** "(312, 50 shown)": a capped list says how many there are in all. */
export function howMany(total: number, shown: number): string {
  return `(${total.toLocaleString('en-US')}${total > shown ? `, ${shown.toLocaleString('en-US')} shown` : ''})`;
}

export function FlowsSection({ flows: list }: { flows: { readonly total: number; readonly items: readonly FlowRow[] } }) {
  const flows = list.items;
  if (!flows.length) return null;
  return (
    <section>
      <h3>Flows by port {howMany(list.total, flows.length)}</h3>
      <table className="mini flows">
        <thead>
          <tr>
            <th>dir</th>
            <th>port</th>
            <th>action</th>
            <th className="num">bytes</th>
            <th className="num">flows</th>
            <th className="num">peers</th>
          </tr>
        </thead>
        <tbody>
          {flows.map((f) => (
            <tr key={`${f.direction}:${f.port}:${f.protocol}:${f.action}`} title={`${f.firstSeen.slice(0, 16).replace('T', ' ')} → ${f.lastSeen.slice(0, 16).replace('T', ' ')}`}>
              <td>{f.direction === 'in' ? '← in' : 'out →'}</td>
              <td className="mono">
                {f.port}/{PROTOCOLS[String(f.protocol)] ?? f.protocol}
              </td>
              <td className={f.action === 'REJECT' ? 'failed' : ''}>
                <Shown text={f.action} />
              </td>
              <td className="num">{bytes(f.bytes)}</td>
              <td className="num">{f.flows.toLocaleString('en-US')}</td>
              <td className="num">{f.peers.toLocaleString('en-US')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function TrafficSection({ traffic }: { traffic: readonly { hour: string; bytesOut: number; bytesIn: number; flows: number }[] }) {
  if (!traffic.length) return null;
  const out = traffic.reduce((s, t) => s + t.bytesOut, 0);
  const inbound = traffic.reduce((s, t) => s + t.bytesIn, 0);
  const peak = traffic.reduce((best, t) => (t.bytesOut > best.bytesOut ? t : best), traffic[0]!);
  return (
    <section>
      <h3>Traffic</h3>
      <div>
        {bytes(out)} out, {bytes(inbound)} in over {traffic.length} hour{traffic.length === 1 ? '' : 's'}
        {peak.bytesOut > 0 ? <span className="muted"> · most out {peak.hour.slice(0, 13).replace('T', ' ')}:00 ({bytes(peak.bytesOut)})</span> : null}
      </div>
    </section>
  );
}

/** What a finding is about (AFFECTS) and what its action names (INVOLVES), and the raw finding. */
export function FindingSection({ id, onInvestigate }: { id: string; onInvestigate: (id: string) => void }) {
  const detail = useApi(id, (signal) => api.finding(id, signal));
  return (
    <Show value={detail} what="the finding">
      {(d) => (
        <>
          <FindingEntities title="About" edges={d.edges.filter((e) => e.kind === Rel.AFFECTS)} entities={d.entities} onInvestigate={onInvestigate} />
          <FindingEntities title="Involves" edges={d.edges.filter((e) => e.kind !== Rel.AFFECTS)} entities={d.entities} onInvestigate={onInvestigate} />
          <details className="raw-finding">
            <summary>Raw finding</summary>
            <pre className="mono" data-testid="raw-finding">
              <Shown text={JSON.stringify(d.finding.raw, null, 2)} />
            </pre>
          </details>
        </>
      )}
    </Show>
  );
}

function FindingEntities({ title, edges, entities, onInvestigate }: { title: string; edges: readonly ApiEdge[]; entities: readonly ApiNode[]; onInvestigate: (id: string) => void }) {
  const targets = new Set(edges.map((e) => e.target));
  const shown = entities.filter((n) => targets.has(n.id));
  if (!shown.length) return null;
  return (
    <section>
      <h3>{title}</h3>
      <ul className="items">
        {shown.map((n) => (
          <li key={n.id}>
            <button type="button" className="link" title={`${shownText(n.id)}\n(centre the graph here)`} onClick={() => onInvestigate(n.id)}>
              <KindIcon kind={n.kind} />
              <Shown text={n.label} />
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
