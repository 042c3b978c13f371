import { api, type Scope } from '../api/client';
import type { ApiEdge, ApiNode, Profile } from '../api/types';
import { isPrincipalLabel, Label, Rel } from '../../../graph/vocabulary';
import { hasTimeline, lookOf } from '../graph/kinds';
import { eventsBehind, type Link } from '../graph/drillDown';
import { parseAggregateId } from '../graph/elements';
import { Histogram, type Bucket } from './Histogram';
import { Show } from './States';
import { useApi } from '../state/useApi';
import type { GraphMode, TimelineState } from '../state/urlState';
import { KindIcon } from './KindIcon';
import { RoleChain } from './RoleChain';
import { FindingSection, FlowsSection, howMany, LocationSection, TrafficSection } from './ProfileExtras';
import { PinButton } from '../cases/PinButton';
import { ArchiveInCase } from '../cases/ArchiveInCase';
import { Shown, shownText } from './Shown';
import { InvestigationPanel } from './InvestigationPanel';

interface Props {
  readonly entity: string;
  /** null while the graph (which decides the scope) loads. */
  readonly scope: Scope | null;
  readonly onScope: (from: string, to: string) => void;
  /** The timeline of an entity, narrowed (and over its own span, for a drill-down). */
  readonly onTimeline: (entity: string, narrowed?: Omit<TimelineState, 'entity'>) => void;
  readonly onInvestigate: (entity: string, mode?: GraphMode) => void;
}


interface Item {
  readonly entity: ApiNode;
  readonly count: number | null;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly newlyObserved?: boolean;
}

/** The profile of the focused entity: every section of the API's profile, drillable to events. */
export function EntityPanel({ entity, scope, onScope, onTimeline, onInvestigate }: Props) {
  const aggregate = parseAggregateId(entity);
  const profile = useApi(aggregate || !scope ? null : JSON.stringify([entity, scope]), (signal) => api.profile(entity, scope!, signal));
  if (aggregate) {
    return (
      <aside className="entity-panel">
        <h2>Grouped neighbours</h2>
        <p>
          {aggregate.kind} neighbours of <span className="mono"><Shown text={aggregate.parent} /></span> over {aggregate.relationship}, grouped by the per-kind cap. Click the node to expand them.
        </p>
      </aside>
    );
  }
  return (
    <aside className="entity-panel" aria-label="Entity profile">
      <Show value={profile} what="the profile">
        {(p) => <ProfileBody profile={p} onScope={onScope} onTimeline={onTimeline} onInvestigate={onInvestigate} />}
      </Show>
    </aside>
  );
}

function ProfileBody({ profile, onScope, onTimeline, onInvestigate }: { profile: Profile } & Omit<Props, 'entity' | 'scope'>) {
  const e = profile.entity;
  const s = profile.sections as Record<string, unknown>;
  const findings = listOf<ApiNode>(s.findings);
  const flows = listOf<Parameters<typeof FlowsSection>[0]['flows']['items'][number]>(s.flows);
  const look = lookOf(e.kind);
  const activity = s.activity as { hourly?: Bucket[]; totalCalls?: number; failures?: number } | undefined;
  // Top APIs are counted in the profile's scope: their calls are listed in that scope.
  const inScope = { from: profile.scope.from, to: profile.scope.to };
  // Seen for the first time inside the scope: nothing came before to compare with, so every
  // address, agent and API would be "new". Say so instead of marking them all.
  const firstSeen = typeof e.properties.firstSeen === 'string' ? e.properties.firstSeen : null;
  const noBaseline = firstSeen !== null && firstSeen >= profile.scope.from;
  const isNew = (flag: boolean | undefined) => Boolean(flag) && !noBaseline;
  return (
    <div className="profile">
      <header>
        <span className="kind-badge" style={{ background: look.colour }}>
          {look.title}
        </span>
        <h2 title={shownText(e.key)}>
          <Shown text={e.label} />
        </h2>
        <div className="mono muted key">
          <Shown text={e.key} />
        </div>
        <div className="actions">
          {hasTimeline(e.id) ? (
            <button type="button" onClick={() => onTimeline(e.id)} title="Open the timeline (T)">
              Timeline
            </button>
          ) : null}
          <button type="button" onClick={() => onInvestigate(e.id)}>
            Centre graph here
          </button>
          <PinButton kind="entity" ref={e.id} what={e.label} />
        </div>
        {e.kind === Label.Finding ? <ArchiveInCase findingId={e.key} archived={e.properties.archived === true} /> : null}
      </header>
      <Properties properties={e.properties} open={e.kind === Label.Finding} />
      {e.kind === Label.Finding ? <FindingSection id={e.id} onInvestigate={onInvestigate} /> : null}
      {s.location ? <LocationSection location={s.location as Parameters<typeof LocationSection>[0]['location']} /> : null}
      {noBaseline && activity?.hourly ? (
        <p className="muted no-baseline" role="note">
          First seen {firstSeen!.slice(0, 16).replace('T', ' ')}, inside this scope: there is no earlier activity to compare with, so nothing is marked new. Drag on the histogram to narrow the scope and compare with what came before it.
        </p>
      ) : null}
      {activity?.hourly ? (
        <section>
          <h3>
            Activity:{' '}
            {/* The totals are its own calls in the profile's scope: each opens exactly those. */}
            <button type="button" className="link" title="These calls" onClick={() => onTimeline(e.id, { ownCalls: true, ...inScope })}>
              {(activity.totalCalls ?? 0).toLocaleString('en-US')} calls
            </button>
            ,{' '}
            <button type="button" className="link failed" title="The calls that failed" onClick={() => onTimeline(e.id, { ownCalls: true, errorsOnly: true, ...inScope })}>
              {(activity.failures ?? 0).toLocaleString('en-US')} failed
            </button>
          </h3>
          <Histogram buckets={activity.hourly} onBrush={onScope} />
        </section>
      ) : null}
      {noBaseline ? null : <NewlyObserved sections={s} />}
      {Array.isArray(s.topApis) && s.topApis.length ? (
        <Section title="Top APIs">
          <table className="mini">
            <tbody>
              {(s.topApis as { service: string; name: string; calls: number; failures: number; newlyObserved: boolean }[]).map((a) => (
                <tr key={`${a.service}:${a.name}`}>
                  <td>
                    <button type="button" className="link" onClick={() => onTimeline(e.id, { eventName: a.name, ownCalls: true, ...inScope })} title="Show these calls">
                      <Shown text={`${a.service}:${a.name}`} />
                    </button>
                    {isNew(a.newlyObserved) ? <span className="new">new</span> : null}
                  </td>
                  <td className="num">{a.calls.toLocaleString('en-US')}</td>
                  <td className="num failed">{a.failures ? a.failures.toLocaleString('en-US') : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      ) : null}
      {(
        [
          ['sourceIps', 'Source IPs'],
          ['userAgents', 'User agents'],
          ['resources', 'Resources'],
          ['accessKeys', 'Access keys'],
          ['principals', 'Principals'],
          ['interfaces', 'Interfaces'],
          ['addresses', 'Addresses'],
          ['runsAs', 'Runs as'],
          ['instances', 'On instances'],
          ['sessions', 'Sessions on it'],
        ] as const
      ).map(([name, title]) => {
        const list = listOf(s[name]);
        return list ? <ItemList key={name} title={title} list={list} onInvestigate={onInvestigate} isNew={isNew} onEvents={(item) => {
              const events = eventsOf(e, name, item);
              return events ? () => onTimeline(events.entity, events) : null;
            }} /> : null;
      })}
      {flows ? <FlowsSection flows={flows} /> : null}
      {Array.isArray(s.traffic) ? <TrafficSection traffic={s.traffic as Parameters<typeof TrafficSection>[0]['traffic']} /> : null}
      {s.sessions && (s.sessions as { nodes?: ApiNode[] }).nodes?.length ? (
        <RoleChain entity={e} sessions={s.sessions as { total: number; nodes: ApiNode[]; edges: ApiEdge[] }} onInvestigate={onInvestigate} onTimeline={(id) => onTimeline(id)} />
      ) : null}
      {findings ? (
        <Section title={`Findings ${howMany(findings.total, findings.items.length)}`}>
          <ul className="items">
            {findings.items.map((f) => (
              <li key={f.id}>
                <EntityLink node={f} onInvestigate={onInvestigate} />
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      {/* Last, so the profile's sections keep their places while the investigation loads. */}
      {isPrincipalLabel(e.kind) || e.kind === Label.AccessKey ? <InvestigationPanel entity={e.id} scope={inScope} onTimeline={onTimeline} onInvestigate={onInvestigate} /> : null}
    </div>
  );
}

/** A profile list, `{ total, items }` (the server caps every list and says how many there are); none when empty. */
function listOf<T = Item>(value: unknown): { total: number; items: T[] } | null {
  // A plain list: what a server from before the totals sends.
  if (Array.isArray(value)) return value.length ? { total: value.length, items: value as T[] } : null;
  const list = value as { total?: number; items?: T[] } | undefined;
  return list?.items?.length ? { total: list.total ?? list.items.length, items: list.items } : null;
}

function NewlyObserved({ sections }: { sections: Record<string, unknown> }) {
  const countries = (sections.newlyObservedCountries as string[] | undefined) ?? [];
  const asns = (sections.newlyObservedAsns as string[] | undefined) ?? [];
  if (!countries.length && !asns.length) return null;
  return (
    <div className="newly" role="note">
      Newly observed: {[...countries, ...asns].map((v) => <span key={v} className="new"><Shown text={v} /></span>)}
    </div>
  );
}

/** How each profile list links its items to the entity, as the aggregate edge it was read from. */
const LINKS: Record<string, (owner: string, item: string) => Link> = {
  sourceIps: (owner, item) => ({ kind: Rel.CALLED_FROM, source: owner, target: item }),
  userAgents: (owner, item) => ({ kind: Rel.USED_AGENT, source: owner, target: item }),
  resources: (owner, item) => ({ kind: Rel.ACCESSED, source: owner, target: item }),
  accessKeys: (owner, item) => ({ kind: Rel.KEY_OF, source: item, target: owner }),
  principals: (owner, item) => ({ kind: Rel.CALLED_FROM, source: item, target: owner }),
  runsAs: (owner, item) => ({ kind: Rel.SESSION_OF, source: owner, target: item }),
};

/**
 * The raw events behind a profile item: those its count counts (the aggregate edge's, over the
 * edge's span: a principal's own calls from an address or with an agent, its calls naming a
 * resource, the calls signed with a key), else the item's own timeline when it has one.
 */
function eventsOf(owner: ApiNode, section: string, item: Item): TimelineState | null {
  const link = LINKS[section]?.(owner.id, item.entity.id);
  if (link) return eventsBehind({ ...link, firstSeen: item.firstSeen, lastSeen: item.lastSeen });
  return hasTimeline(item.entity.id) ? { entity: item.entity.id } : null;
}

function ItemList({ title, list, onInvestigate, onEvents, isNew }: { title: string; list: { total: number; items: Item[] }; onInvestigate: (id: string) => void; onEvents: (item: Item) => (() => void) | null; isNew: (flag: boolean | undefined) => boolean }) {
  return (
    <Section title={`${title} ${howMany(list.total, list.items.length)}`}>
      <ul className="items">
        {list.items.map((item) => (
          <li key={item.entity.id}>
            <EntityLink node={item.entity} onInvestigate={onInvestigate} />
            {isNew(item.newlyObserved) ? <span className="new">new</span> : null}
            {item.count !== null ? <span className="num muted"> ×{item.count.toLocaleString('en-US')}</span> : null}
            {typeof item.entity.properties.country === 'string' ? <span className="muted"> <Shown text={item.entity.properties.country} /></span> : null}
            {(() => {
              const open = onEvents(item);
              return open ? (
                <button type="button" className="link events" onClick={open} title="The raw events behind this">
                  events
                </button>
              ) : null;
            })()}
          </li>
        ))}
      </ul>
    </Section>
  );
}

function EntityLink({ node, onInvestigate }: { node: ApiNode; onInvestigate: (id: string) => void }) {
  return (
    <button type="button" className="link" title={`${shownText(node.id)}\n(centre the graph here)`} onClick={() => onInvestigate(node.id)}>
      <KindIcon kind={node.kind} />
      <Shown text={node.label} />
    </button>
  );
}

function Properties({ properties, open }: { properties: Record<string, unknown>; open: boolean }) {
  const rows = Object.entries(properties).filter(([k, v]) => v !== null && v !== undefined && k !== 'raw' && typeof v !== 'object');
  return (
    <details className="properties" open={open}>
      <summary>Properties</summary>
      <dl>
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>
              <Shown text={k} />
            </dt>
            <dd className="mono">
              <Shown text={String(v)} />
            </dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section>
      <h3>{title}</h3>
      {children}
    </section>
  );
}
