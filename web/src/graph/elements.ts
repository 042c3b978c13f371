import type { ElementDefinition } from 'cytoscape';
import type { ApiEdge, ApiNode } from '../api/types';
import { severityBand } from './kinds';
import { revealHidden } from '../../../export/visibleText';

/** Labels longer than this are cut on the canvas (the full text is in the tooltip and panel). */
export const MAX_LABEL = 32;

export function shortLabel(text: string): string {
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
}

/**
 * API graph payload -> Cytoscape elements. Nodes keep their API id (kind:key), so a node
 * reached twice, by the blast radius and by an expansion, is one node. Labels are data, drawn
 * by Cytoscape on a canvas: never HTML.
 */
export function toElements(view: { nodes: readonly ApiNode[]; edges: readonly ApiEdge[] }): ElementDefinition[] {
  const ids = new Set(view.nodes.map((n) => n.id));
  const nodes: ElementDefinition[] = view.nodes.map((n) => {
    const aggregate = n.aggregate;
    const classes = [aggregate ? 'aggregate' : `kind-${n.kind}`];
    const severity = n.findings?.maxSeverity ?? (typeof n.properties.severity === 'number' ? n.properties.severity : null);
    const band = severityBand(severity);
    if (n.findings && n.findings.count > 0) classes.push('has-findings', `severity-${band}`);
    if (n.sample) classes.push('sample');
    return {
      group: 'nodes',
      data: {
        id: n.id,
        kind: n.kind,
        key: n.key,
        // Canvas labels are text only: hidden characters become visible markers (visibleText.ts).
        label: aggregate ? `+${aggregate.count} ${n.kind}` : shortLabel(revealHidden(n.label)),
        fullLabel: n.label,
        hop: n.hop ?? null,
        findingCount: n.findings?.count ?? 0,
        severity,
        aggregate: aggregate ?? null,
      },
      classes: classes.join(' '),
    };
  });
  const edges: ElementDefinition[] = view.edges
    .filter((e) => ids.has(e.source) && ids.has(e.target))
    .map((e) => ({
      group: 'edges',
      data: {
        id: e.id,
        source: e.source,
        target: e.target,
        kind: e.kind,
        count: e.count ?? null,
        label: e.count !== undefined && e.count > 1 ? `${e.kind} ×${e.count.toLocaleString('en-US')}` : e.kind,
        firstSeen: e.firstSeen ?? null,
        lastSeen: e.lastSeen ?? null,
      },
    }));
  return [...nodes, ...edges];
}

/**
 * The elements of `incoming` not already in the graph (`present` ids), for merging an
 * expansion into the view; edges whose ends are neither present nor incoming are dropped.
 */
export function newElements(incoming: readonly ElementDefinition[], present: ReadonlySet<string>): ElementDefinition[] {
  const fresh = incoming.filter((e) => !present.has(String(e.data.id)));
  const nodeIds = new Set([...present, ...fresh.filter((e) => e.group === 'nodes').map((e) => String(e.data.id))]);
  return fresh.filter((e) => e.group === 'nodes' || (nodeIds.has(String(e.data.source)) && nodeIds.has(String(e.data.target))));
}

/**
 * The view after one expansion: the new nodes and the edges whose ends are known. An expanded
 * aggregate gives way to what it stood for; where more neighbours stand behind it than one
 * expansion brings (500), the server answers with an aggregate of the same id for the rest. It
 * stays, marked as beyond the cap, so that the view never hides that there are more.
 */
export function mergeExpansion(view: readonly ElementDefinition[], expanded: string, incoming: readonly ElementDefinition[]): ElementDefinition[] {
  const isAggregate = parseAggregateId(expanded) !== null;
  const kept = isAggregate ? view.filter((e) => e.data.id !== expanded && e.data.source !== expanded && e.data.target !== expanded) : view;
  const present = new Set(kept.map((e) => String(e.data.id)));
  const marked = isAggregate ? incoming.map((e) => (e.data.id === expanded ? beyondCap(e) : e)) : incoming;
  return [...kept, ...newElements(marked, present)];
}

function beyondCap(element: ElementDefinition): ElementDefinition {
  const aggregate = element.data.aggregate as { count: number; kind: string } | null;
  if (!aggregate) return element;
  return {
    ...element,
    data: { ...element.data, label: `+${aggregate.count} more ${aggregate.kind}`, aggregate: { ...aggregate, beyondCap: true } },
    classes: `${element.classes ?? ''} beyond-cap`.trim(),
  };
}

/** aggregate:<parent>:<relationship>:<direction>:<kind>, the parent being kind:key. */
export function parseAggregateId(id: string): { parent: string; relationship: string; direction: string; kind: string } | null {
  if (!id.startsWith('aggregate:')) return null;
  const parts = id.slice('aggregate:'.length).split(':');
  if (parts.length < 5) return null;
  const kind = parts.pop()!;
  const direction = parts.pop()!;
  const relationship = parts.pop()!;
  return { parent: parts.join(':'), relationship, direction, kind };
}
