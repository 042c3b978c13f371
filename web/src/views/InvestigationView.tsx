import type { ElementDefinition } from 'cytoscape';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, type Scope } from '../api/client';
import type { GraphView } from '../api/types';
import { EntityPanel } from '../components/EntityPanel';
import { useCase } from '../cases/caseContext';
import { GraphCanvas, zoomBy } from '../components/GraphCanvas';
import { Legend } from '../components/Legend';
import { FlowRecordsPanel } from '../components/FlowRecordsPanel';
import { Failure, Loading } from '../components/States';
import { TimelinePanel } from '../components/TimelinePanel';
import { mergeExpansion, newElements, parseAggregateId, toElements } from '../graph/elements';
import { defaultLayout, investigate, LAYOUTS, rootKind, type GraphMode, type Layout, type ViewState } from '../state/urlState';
import { isPrincipalLabel, Label, Rel } from '../../../graph/vocabulary';
import { eventsBehind, flowsBehind } from '../graph/drillDown';
import { groupQuietSessions } from '../graph/quietSessions';
import { hasTimeline } from '../graph/kinds';
import type { SetViewState } from '../state/useViewState';

const LAYOUT_NAMES: Record<Layout, string> = {
  fcose: 'neighbourhood (rings when large)',
  force: 'force-directed, any size',
  dagre: 'chains (dagre)',
  breadthfirst: 'by hop',
  concentric: 'rings by degree',
};

const NOTHING: readonly string[] = [];

interface Props {
  readonly state: ViewState;
  readonly dark: boolean;
  readonly onChange: SetViewState;
}

/**
 * The investigation: the blast radius of a finding (or the neighbourhood of an entity), grown
 * by the expansions in the URL, minus the hidden nodes; the entity panel beside it, and under
 * them the timeline or the flow records behind a FLOW edge (one in the other's place). Every change goes through the URL, so the view can be shared and undone.
 */
export function InvestigationView({ state, dark, onChange }: Props) {
  const root = state.root!;
  const scope: Scope = { from: state.from, to: state.to };
  const [elements, setElements] = useState<ElementDefinition[]>([]);
  const [load, setLoad] = useState<{ status: 'loading' | 'ready' } | { status: 'error'; error: Error }>({ status: 'loading' });
  const [notice, setNotice] = useState<string | null>(null);
  // The highlighted path: its elements (some may not be in the view yet) and what to say of it.
  const [path, setPath] = useState<{ elements: ElementDefinition[]; highlighted: string[]; notice: string } | null>(null);
  // The time scope the graph was drawn in: the brushed one, else the finding's (its sightings
  // ± a day). The profile uses it too, so "newly observed" means new in this scope.
  const [effectiveScope, setEffectiveScope] = useState<Scope>(scope);
  const history = useRef<ViewState[]>([]);

  const rootId = rootKind(root) === 'finding' ? (root.startsWith('Finding:') ? root : `Finding:${root}`) : root;
  // A role chain is drawn for principals; anything else shows its neighbourhood.
  // Roles have sessions (SESSION_OF) but start none: their chain would be empty.
  const rootLabel = root.slice(0, root.indexOf(':'));
  const chainable = rootKind(root) === 'entity' && isPrincipalLabel(rootLabel) && rootLabel !== Label.IamRole;
  const mode: GraphMode = state.mode === 'chain' && chainable ? 'chain' : 'neighbourhood';
  const graphKey = JSON.stringify([root, mode, state.from, state.to, state.expanded]);

  useEffect(() => {
    const controller = new AbortController();
    setLoad({ status: 'loading' });
    performance.mark('trailhound:graph-requested');
    (async () => {
      const chain = mode === 'chain' ? await api.roleChain(root, scope, controller.signal) : null;
      const base: GraphView = chain ?? (rootKind(root) === 'finding' ? await api.blastRadius(root, scope, controller.signal) : await api.neighbors(root, scope, {}, controller.signal));
      let all = toElements(chain ? groupQuietSessions(chain) : base);
      // Expansions use the time scope of the view (a finding's: its sightings ± a day).
      // A role chain is all time by default: its expansions take the server's default instead.
      const within: Scope = chain ? scope : { from: scope.from ?? base.scope.from, to: scope.to ?? base.scope.to };
      const failed: string[] = [];
      // Expansions load in parallel and merge in URL order, so the view is the same every time.
      const views = await Promise.all(
        state.expanded.map((id) => {
          const aggregate = parseAggregateId(id);
          // One expansion that no longer resolves (a link from another database) spoils nothing else.
          return (aggregate ? api.neighbors(aggregate.parent, within, { kinds: aggregate.kind, perKind: 500 }, controller.signal) : api.neighbors(id, within, {}, controller.signal)).catch((error: Error) => {
            if (controller.signal.aborted) throw error;
            failed.push(`${id}: ${error.message}`);
            return null;
          });
        }),
      );
      state.expanded.forEach((id, i) => {
        const view = views[i];
        if (!view) return;
        all = mergeExpansion(all, id, toElements(view));
      });
      // A finding's scope (its sightings ± a day) frames the profile too; an entity's own
      // neighbourhood leaves the profile its default (the 30 days before it was last seen).
      setEffectiveScope(rootKind(root) === 'finding' ? within : scope);
      if (controller.signal.aborted) return;
      performance.mark('trailhound:graph-received');
      setElements(all);
      // What the aggregates still on the canvas stand for (those expanded are gone from it).
      const truncated = all.reduce((sum, e) => sum + (e.group === 'nodes' && e.data.aggregate ? Number((e.data.aggregate as { count: number }).count) : 0), 0);
      const notes = [
        ...(chain && chain.sessions.shown < chain.sessions.total
          ? [`The ${chain.sessions.shown.toLocaleString('en-US')} most recently started of ${chain.sessions.total.toLocaleString('en-US')} sessions are shown: narrow the scope time to see others, or open the timeline for all of their calls.`]
          : []),
        ...(chain && chain.sessions.total === 0 ? ['No role sessions were started by this principal in the scope time.'] : []),
        ...(!chain && all.filter((e) => e.group === 'nodes').length <= 1 ? ['Nothing is linked to it in this scope time: clear or widen the scope time, or open its timeline.'] : []),
        ...(truncated > 0 ? [`${truncated.toLocaleString('en-US')} neighbours are grouped into aggregate nodes (click one to expand it).`] : []),
        ...(failed.length ? [`Could not expand ${failed.join('; ')}`] : []),
      ];
      setNotice(notes.length ? notes.join(' ') : null);
      setLoad({ status: 'ready' });
    })().catch((error: Error) => !controller.signal.aborted && setLoad({ status: 'error', error }));
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [graphKey]);

  // The path between two selected entities, found again whenever the link is opened.
  const pathKey = state.path.join('\n');
  useEffect(() => {
    const [from, to] = state.path;
    if (!from || !to) {
      setPath(null);
      return;
    }
    const controller = new AbortController();
    api
      .paths(from, to, controller.signal)
      .then((result) => {
        const found = result.paths[0];
        setPath(
          found
            ? { elements: toElements(result), highlighted: [...found.nodes, ...found.edges], notice: `Path of ${found.edges.length} hop(s) highlighted.` }
            : { elements: [], highlighted: [], notice: 'No observed path between the two selected entities within 6 hops.' },
        );
      })
      .catch((error: Error) => !controller.signal.aborted && setPath({ elements: [], highlighted: [], notice: error.message }));
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pathKey]);

  const withPath = useMemo(() => {
    if (!path?.elements.length) return elements;
    const extra = newElements(path.elements, new Set(elements.map((e) => String(e.data.id))));
    return extra.length ? [...elements, ...extra] : elements;
  }, [elements, path]);
  const hidden = useMemo(() => new Set(state.hidden), [state.hidden]);
  const openCase = useCase();
  const caseVerdicts = useMemo(() => new Map((openCase.file?.pins ?? []).filter((p) => p.kind === 'entity').map((p) => [p.ref, p.verdict ?? 'undecided'])), [openCase.file]);
  const shown = useMemo(() => withPath.filter((e) => !hidden.has(String(e.data.id)) && !hidden.has(String(e.data.source)) && !hidden.has(String(e.data.target))), [withPath, hidden]);

  // Changes apply to the latest state (several can fire from one gesture), and can be undone.
  const change = (patch: (s: ViewState) => Partial<ViewState>, mode: 'push' | 'replace' = 'replace') =>
    onChange((current) => {
      history.current.push(current);
      return { ...current, ...patch(current) };
    }, mode);
  // An expanded aggregate leaves the canvas, so it leaves the selection too.
  const expand = (id: string) => change((s) => (s.expanded.includes(id) ? {} : { expanded: [...s.expanded, id], selected: s.selected.filter((x) => x !== id || !parseAggregateId(x)) }));
  // Undo steps back within one investigation, never into the previous one.
  useEffect(() => {
    history.current = [];
  }, [root]);
  const hideSelected = () => change((s) => ({ hidden: [...s.hidden, ...s.selected.filter((id) => id !== rootId)], selected: [] }));
  const undo = () => {
    const previous = history.current.pop();
    if (previous) onChange(previous);
  };
  const togglePin = () =>
    change((s) => ({ pinned: s.selected.every((id) => s.pinned.includes(id)) ? s.pinned.filter((id) => !s.selected.includes(id)) : [...new Set([...s.pinned, ...s.selected])] }));
  // The selected nodes, pinned to the open case in one step (aggregates stand for many: not pinned).
  const pinSelected = () => {
    for (const id of state.selected) if (!parseAggregateId(id) && !openCase.pinOf(id)) void openCase.pin('entity', id);
  };
  const findPath = () => {
    if (state.selected.length === 2) change((s) => ({ path: [...s.selected] }));
  };
  const showAs = (next: GraphMode) => change(() => ({ mode: next, layout: defaultLayout(next), expanded: [], hidden: [], selected: [], pinned: [], path: [] }), 'push');

  // The entity in the panel: the last one picked, else the starting one.
  const focus = state.selected[state.selected.length - 1] ?? rootId;
  const keys = useRef<Record<string, () => void>>({});
  keys.current = {
    h: hideSelected,
    u: undo,
    p: togglePin,
    c: pinSelected,
    // The path between the two selected nodes; again clears it.
    l: () => (state.path.length ? change(() => ({ path: [] })) : findPath()),
    e: () => state.selected.forEach(expand),
    // The timeline of the entity in the panel (the last one picked), when it has one.
    t: () => {
      if (!parseAggregateId(focus) && hasTimeline(focus)) change(() => ({ timeline: { entity: focus }, flows: undefined }));
    },
    f: () => window.__trailhoundGraph?.fit(undefined, 40),
    '+': () => zoomBy(window.__trailhoundGraph ?? null, 1.25),
    '=': () => zoomBy(window.__trailhoundGraph ?? null, 1.25),
    '-': () => zoomBy(window.__trailhoundGraph ?? null, 0.8),
    // Escape steps back: first the selection, then the open flow records or timeline.
    escape: () =>
      state.selected.length > 0 ? change(() => ({ selected: [] })) : state.flows ? change(() => ({ flows: undefined })) : state.timeline ? change(() => ({ timeline: null })) : undefined,
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLTextAreaElement || e.metaKey || e.altKey) return;
      const key = e.ctrlKey && e.key === 'z' ? 'u' : e.ctrlKey ? '' : e.key.toLowerCase();
      const action = keys.current[key];
      if (action) {
        e.preventDefault();
        action();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <main className="investigation">
      <div className="graph-pane">
        <div className="toolbar" role="toolbar" aria-label="Graph">
          <button type="button" onClick={() => onChange(investigate(state, null), 'push')}>
            ← Findings
          </button>
          {chainable ? (
            <span className="segmented" role="group" aria-label="Show">
              <button type="button" aria-pressed={mode === 'neighbourhood'} onClick={() => mode !== 'neighbourhood' && showAs('neighbourhood')} title="Everything connected to it">
                Neighbourhood
              </button>
              <button type="button" aria-pressed={mode === 'chain'} onClick={() => mode !== 'chain' && showAs('chain')} title="Who started it, and the sessions it started through role chains">
                Role chain
              </button>
            </span>
          ) : null}
          <label>
            Layout{' '}
            <select value={state.layout} onChange={(e) => change(() => ({ layout: e.target.value as Layout }))} aria-label="Layout">
              {LAYOUTS.map((l) => (
                <option key={l} value={l}>
                  {LAYOUT_NAMES[l]}
                </option>
              ))}
            </select>
          </label>
          <button type="button" title="Expand the selected nodes (E, or double-click)" disabled={!state.selected.length} onClick={() => state.selected.forEach(expand)}>
            Expand
          </button>
          <button type="button" title="Hide the selected nodes (H)" disabled={!state.selected.length} onClick={hideSelected}>
            Hide
          </button>
          <button type="button" title="Pin the selected nodes in place, or unpin them (P)" disabled={!state.selected.length} onClick={togglePin}>
            {state.selected.length && state.selected.every((id) => state.pinned.includes(id)) ? 'Unpin' : 'Pin'}
          </button>
          {openCase.caseId ? (
            <button type="button" title="Pin the selected nodes to the open case (C)" disabled={!state.selected.length} onClick={pinSelected}>
              ☆ To case
            </button>
          ) : null}
          <button type="button" title="Highlight the shortest observed path between two selected nodes (L)" disabled={state.selected.length !== 2} onClick={findPath}>
            Path
          </button>
          {state.path.length ? (
            <button type="button" title="Clear the highlighted path (L)" onClick={() => change(() => ({ path: [] }))}>
              Clear path
            </button>
          ) : null}
          <button type="button" title="Undo (U or Ctrl+Z)" disabled={history.current.length === 0} onClick={undo}>
            Undo
          </button>
          {state.hidden.length ? (
            <button type="button" onClick={() => change(() => ({ hidden: [] }))}>
              Show {state.hidden.length} hidden
            </button>
          ) : null}
          {!state.from && !state.to && rootKind(root) === 'finding' && load.status === 'ready' && effectiveScope.from && effectiveScope.to ? (
            <span className="scope implicit" title="The finding's first to last sighting, a day either side. Drag on a histogram to choose another.">
              {effectiveScope.from.slice(0, 16).replace('T', ' ')} → {effectiveScope.to.slice(0, 16).replace('T', ' ')}
            </span>
          ) : null}
          {state.from || state.to ? (
            <span className="scope" title="The scope time of the whole view">
              {state.from?.slice(0, 16).replace('T', ' ') ?? '…'} → {state.to?.slice(0, 16).replace('T', ' ') ?? '…'}{' '}
              <button type="button" onClick={() => change(() => ({ from: null, to: null }))}>
                Clear time
              </button>
            </span>
          ) : null}
        </div>
        {notice || path?.notice ? (
          <div className="notice" role="status">
            {[notice, path?.notice].filter(Boolean).join(' ')}
          </div>
        ) : null}
        {load.status === 'error' ? <Failure error={load.error} what="the graph" /> : null}
        {load.status === 'loading' ? <Loading what="the graph" /> : null}
        <GraphCanvas
          elements={shown}
          root={rootId}
          layout={state.layout}
          selected={state.selected}
          pinned={state.pinned}
          highlighted={path?.highlighted ?? NOTHING}
          caseVerdicts={caseVerdicts}
          dark={dark}
          onSelect={(ids) =>
            onChange((s) => {
              // In the order they were picked: the path runs from the first to the second, the
              // panel shows the last.
              const now = new Set(ids);
              const selected = [...s.selected.filter((id) => now.has(id)), ...ids.filter((id) => !s.selected.includes(id))];
              return selected.join('\n') === s.selected.join('\n') ? s : { ...s, selected };
            })
          }
          onExpand={expand}
          onEdge={(edge) => {
            const events = eventsBehind(edge);
            const flows = events ? null : flowsBehind(edge);
            if (events) change(() => ({ timeline: events, flows: undefined }));
            // A new drill-down is a step of the investigation: Back returns to the graph without it.
            else if (flows) change(() => ({ flows, timeline: null }), 'push');
            else if (edge.kind === Rel.FLOW) setNotice('This FLOW edge stands for a group of addresses: expand the group, then click the edge of one pair for its flow records.');
            else setNotice(`${edge.kind} is structure: it has no raw records behind it.`);
          }}
        />
        <Legend />
      </div>
      <EntityPanel
        key={focus}
        entity={focus}
        // While the graph loads it decides the scope; if it fails, the profile still loads (and
        // says what is wrong when the entity is not there either).
        scope={load.status === 'loading' ? null : load.status === 'error' ? scope : effectiveScope}
        onScope={(from, to) => change(() => ({ from, to }))}
        onTimeline={(entity, narrowed) => change(() => ({ timeline: { entity, ...narrowed }, flows: undefined }))}
        onInvestigate={(entity, as) => onChange((s) => investigate(s, entity, as), 'push')}
      />
      {state.flows ? (
        <FlowRecordsPanel flows={state.flows} onChange={(flows) => change(() => ({ flows: flows ?? undefined }))} />
      ) : state.timeline ? (
        <TimelinePanel timeline={state.timeline} scope={load.status === 'ready' ? effectiveScope : scope} onChange={(timeline) => change(() => ({ timeline }))} />
      ) : null}
    </main>
  );
}
