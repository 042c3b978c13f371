import cytoscape, { type Core, type ElementDefinition, type EventObject, type NodeSingular } from 'cytoscape';
import dagre from 'cytoscape-dagre';
import fcose from 'cytoscape-fcose';
import { useEffect, useRef, useState } from 'react';
import { layoutOptions } from '../graph/layouts';
import type { Link } from '../graph/drillDown';
import { graphStyle, LARGE_VIEW } from '../graph/style';
import { lookOf } from '../graph/kinds';
import type { Layout } from '../state/urlState';
import { Rel } from '../../../graph/vocabulary';
import { Shown } from './Shown';

cytoscape.use(fcose);
cytoscape.use(dagre);

/** Above this many elements the canvas uses Cytoscape's WebGL renderer where the browser has it. */
const WEBGL_THRESHOLD = 1000;

export interface GraphCanvasProps {
  readonly elements: readonly ElementDefinition[];
  readonly root: string | null;
  readonly layout: Layout;
  readonly selected: readonly string[];
  readonly pinned: readonly string[];
  readonly highlighted: readonly string[];
  /** Entities the open case pins, by id, with their verdict ('undecided' without one): badged on the canvas. */
  readonly caseVerdicts?: ReadonlyMap<string, string>;
  readonly dark: boolean;
  readonly onSelect: (ids: string[]) => void;
  readonly onExpand: (id: string) => void;
  /** A click on an edge: drill down to the events (or flow records) behind it. */
  readonly onEdge: (edge: Link) => void;
}

interface Tip {
  readonly x: number;
  readonly y: number;
  readonly title: string;
  readonly lines: string[];
}

declare global {
  interface Window {
    /** The live graph, for end-to-end tests and the console. */
    __trailhoundGraph?: Core;
  }
}

/**
 * The Cytoscape canvas. It owns the Cytoscape instance; the investigation owns what is shown.
 * Labels and tooltips are drawn as text (canvas text and React text nodes), never as HTML.
 */
export function GraphCanvas(props: GraphCanvasProps) {
  const container = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const drawnForSpeed = useRef(false);
  const handlers = useRef(props);
  handlers.current = props;
  const [tip, setTip] = useState<Tip | null>(null);
  const [webgl, setWebgl] = useState(false);
  const large = props.elements.length > WEBGL_THRESHOLD && rendererChoice() !== 'canvas' && supportsWebgl();

  // One instance per renderer choice: WebGL is an option at creation only.
  useEffect(() => {
    const cy = cytoscape({
      container: container.current!,
      style: graphStyle(handlers.current.dark, drawnForSpeed.current),
      minZoom: 0.05,
      maxZoom: 4,
      // Fluid with thousands of elements: while panning or zooming, draw a snapshot (labels
      // hidden), and hide edges when the view is large.
      textureOnViewport: true,
      hideEdgesOnViewport: large,
      ...(large ? { webgl: true } : {}),
    } as cytoscape.CytoscapeOptions);
    cyRef.current = cy;
    setWebgl(large);
    window.__trailhoundGraph = cy;
    cy.on('select unselect', () => {
      // Batched: a box selection fires once per node. Nodes only: a click on an edge drills down
      // to what is behind it, it does not put the edge in the panel (it has no profile).
      queueMicrotask(() => handlers.current.onSelect(cy.$('node:selected').map((n) => n.id())));
    });
    cy.on('dbltap', 'node', (e: EventObject) => handlers.current.onExpand(e.target.id()));
    cy.on('tap', 'node.aggregate', (e: EventObject) => handlers.current.onExpand(e.target.id()));
    cy.on('tap', 'edge', (e: EventObject) => {
      const d = e.target.data() as { kind: string; source: string; target: string; firstSeen: string | null; lastSeen: string | null };
      handlers.current.onEdge({ kind: d.kind, source: d.source, target: d.target, firstSeen: d.firstSeen, lastSeen: d.lastSeen });
    });
    cy.on('mouseover', 'node', (e: EventObject) => setTip(describeNode(e.target as NodeSingular)));
    cy.on('mouseover', 'edge', (e: EventObject) => {
      const d = e.target.data() as Record<string, unknown>;
      const mid = e.target.renderedMidpoint();
      const flow = d.kind === Rel.FLOW;
      setTip({
        x: mid.x,
        y: mid.y,
        title: String(d.kind),
        lines: [`${d.count ?? 1} ${flow ? 'flow record(s)' : 'observation(s)'}`, `first ${text(d.firstSeen)}`, `last ${text(d.lastSeen)}`, flow ? 'click for the flow records behind it' : 'click for the events behind it'],
      });
    });
    cy.on('mouseout viewport', () => setTip(null));
    // Notices and the timeline change the canvas's size: Cytoscape must know, or clicks land
    // beside the nodes they aim at.
    const resize = new ResizeObserver(() => cy.resize());
    resize.observe(container.current!);
    // Cytoscape keeps where its canvas is on the page and reads it again only when the canvas is
    // resized, or an ancestor scrolls or ends a transition: a canvas moved without a change of
    // size (a panel beside it, a bar above it) took clicks for the spot they would have hit before,
    // opening the events of an edge the investigator did not click. Checked as each gesture starts,
    // before Cytoscape's own listeners (capture).
    const element = container.current!;
    let placed = element.getBoundingClientRect();
    const recheckPlace = () => {
      const now = element.getBoundingClientRect();
      if (now.left === placed.left && now.top === placed.top && now.width === placed.width && now.height === placed.height) return;
      placed = now;
      cy.resize();
    };
    element.addEventListener('pointerdown', recheckPlace, true);
    element.addEventListener('pointerover', recheckPlace, true);
    return () => {
      element.removeEventListener('pointerdown', recheckPlace, true);
      element.removeEventListener('pointerover', recheckPlace, true);
      resize.disconnect();
      cy.destroy();
      cyRef.current = null;
      if (window.__trailhoundGraph === cy) delete window.__trailhoundGraph;
    };
  }, [large]);

  // What the canvas was last laid out for: a change of layout or root lays everything out again.
  const laidOut = useRef<{ layout: Layout; root: string | null } | null>(null);

  // Sync the elements: add what is new, remove what is gone, then lay out only as much as needed:
  // hiding a node moves nothing, an expansion places the new nodes beside their neighbours and
  // settles the picture from where it is, so the investigator's mental map survives.
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    // Marks for the UI benchmark's breakdown (Performance panel shows them too).
    performance.mark('trailhound:sync-start');
    const wanted = new Set(props.elements.map((e) => String(e.data.id)));
    const present = new Set(cy.elements().map((e) => e.id()));
    // Choose the style before adding: restyling a thousand drawn nodes costs more than drawing them.
    const speed = props.elements.filter((e) => e.group === 'nodes').length > LARGE_VIEW;
    if (speed !== drawnForSpeed.current) {
      drawnForSpeed.current = speed;
      cy.style(graphStyle(handlers.current.dark, speed));
    }
    let added = cy.collection().nodes();
    cy.batch(() => {
      cy.elements().filter((e) => !wanted.has(e.id())).remove();
      // Edges go in only with both ends: a stray edge would stop Cytoscape.
      const nodes = new Set(props.elements.filter((e) => e.group === 'nodes').map((e) => String(e.data.id)));
      const fresh = props.elements.filter((e) => !present.has(String(e.data.id)) && (e.group === 'nodes' || (nodes.has(String(e.data.source)) && nodes.has(String(e.data.target)))));
      added = cy.add(fresh as ElementDefinition[]).nodes();
      cy.nodes().removeClass('root');
      if (props.root) cy.getElementById(props.root).addClass('root');
    });
    performance.mark('trailhound:elements-added');
    const same = laidOut.current !== null && laidOut.current.layout === props.layout && laidOut.current.root === props.root && present.size > 0;
    if (!same || added.length > cy.nodes().length / 2) {
      cy.layout(layoutOptions(props.layout, cy.nodes().length, props.root)).run();
    } else if (added.length > 0) {
      placeBesideNeighbours(added);
      cy.layout(layoutOptions(props.layout, cy.nodes().length, props.root, true)).run();
    }
    laidOut.current = { layout: props.layout, root: props.root };
    performance.mark('trailhound:layout-done');
    cy.container()?.setAttribute('data-ready', String(cy.nodes().length));
  }, [props.elements, props.layout, props.root, webgl]);

  useEffect(() => {
    cyRef.current?.style(graphStyle(props.dark, drawnForSpeed.current));
  }, [props.dark]);

  // Selection, pins and the highlighted path follow the view state. Keyed by content, not array
  // identity: a render between a tap and its state update must not undo the tap's selection.
  const selectedKey = props.selected.join('\n');
  const pinnedKey = props.pinned.join('\n');
  const highlightedKey = props.highlighted.join('\n');
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.batch(() => {
      const want = new Set(props.selected);
      cy.nodes().forEach((n) => {
        if (want.has(n.id()) && !n.selected()) n.select();
        if (!want.has(n.id()) && n.selected()) n.unselect();
        if (props.pinned.includes(n.id())) n.lock();
        else n.unlock();
      });
      cy.elements().removeClass('on-path');
      for (const id of props.highlighted) cy.getElementById(id).addClass('on-path');
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedKey, pinnedKey, highlightedKey, props.elements]);

  // The open case's pins wear a ring in their verdict's colour (the case's badge).
  const caseKey = [...(props.caseVerdicts ?? new Map<string, string>())].map(([id, v]) => `${id}=${v}`).join('\n');
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.batch(() => {
      cy.nodes('.in-case').forEach((n) => {
        n.removeClass('in-case');
        for (const c of n.classes()) if (c.startsWith('case-')) n.removeClass(c);
      });
      for (const [id, verdict] of props.caseVerdicts ?? []) cy.getElementById(id).addClass(`in-case case-${verdict}`);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [caseKey, props.elements]);

  return (
    <div className="graph-canvas">
      <div ref={container} className="cy" data-testid="graph" aria-label="Investigation graph" />
      <div className="graph-controls" role="toolbar" aria-label="Zoom">
        <button type="button" title="Zoom in (+)" onClick={() => zoomBy(cyRef.current, 1.25)}>
          +
        </button>
        <button type="button" title="Zoom out (−)" onClick={() => zoomBy(cyRef.current, 0.8)}>
          −
        </button>
        <button type="button" title="Fit (F)" onClick={() => cyRef.current?.fit(undefined, 40)}>
          Fit
        </button>
      </div>
      {webgl ? <div className="renderer-note">WebGL renderer ({props.elements.length.toLocaleString('en-US')} elements)</div> : null}
      {tip ? (
        <div className="tooltip" style={{ left: tip.x + 14, top: tip.y + 14 }} role="tooltip">
          <strong>
            <Shown text={tip.title} />
          </strong>
          {tip.lines.map((line, i) => (
            <div key={i}>{line}</div>
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** New nodes start beside the nodes they link to (or in the middle), spread on a small circle. */
function placeBesideNeighbours(added: cytoscape.NodeCollection): void {
  added.forEach((node, i) => {
    const placed = node.neighborhood('node').filter((m) => !added.has(m));
    const centre = placed.length ? placed.boundingBox({}) : node.cy().extent();
    const angle = (i * 2 * Math.PI) / Math.max(6, added.length);
    node.position({ x: (centre.x1 + centre.x2) / 2 + 60 * Math.cos(angle), y: (centre.y1 + centre.y2) / 2 + 60 * Math.sin(angle) });
  });
}

function describeNode(node: NodeSingular): Tip {
  const d = node.data() as Record<string, unknown>;
  const pos = node.renderedPosition();
  const aggregate = d.aggregate as { count: number; relationship: string; kind: string; beyondCap?: boolean } | null;
  const lines = aggregate
    ? [`${aggregate.count} more ${aggregate.kind} over ${aggregate.relationship}`, aggregate.beyondCap ? 'beyond the 500 an expansion shows: narrow the scope time, or export the timeline' : 'click to expand']
    : [lookOf(String(d.kind)).title, ...(Number(d.findingCount) > 0 ? [`${d.findingCount} finding(s), max severity ${d.severity ?? '?'}`] : []), ...(d.hop !== null ? [`${d.hop} hop(s) from the start`] : []), 'double-click to expand'];
  return { x: pos.x, y: pos.y, title: String(d.fullLabel ?? d.label), lines };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.replace('T', ' ').slice(0, 19) : '–';
}

/** Zoom about the centre of the canvas (the buttons and the + and - keys). */
export function zoomBy(cy: Core | null, factor: number): void {
  if (!cy) return;
  cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
}

/** `?renderer=canvas` turns the WebGL renderer off (a driver that draws it badly). */
function rendererChoice(): string | null {
  return new URLSearchParams(window.location.search).get('renderer');
}

/**
 * WebGL that a GPU draws. Software WebGL (SwiftShader, llvmpipe: VMs, remote desktops, headless
 * browsers) draws a thousand nodes several times slower than the 2D canvas, so it is not used.
 */
function supportsWebgl(): boolean {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return false;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    if (rendererChoice() === 'webgl') return true;
    return !/swiftshader|llvmpipe|software|softpipe/i.test(renderer);
  } catch {
    return false;
  }
}
