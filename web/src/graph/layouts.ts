import type { LayoutOptions } from 'cytoscape';
import type { Layout } from '../state/urlState';

/** Above this many nodes the default layout is rings (see below). */
export const RINGS_ABOVE = 800;

/**
 * Layouts by purpose: fcose for neighbourhoods (force-directed; rings above RINGS_ABOVE nodes,
 * `force` keeps it at any size), dagre for chains (role sessions started by sessions, left to right),
 * breadth-first from the root for hop distance, concentric by degree. `incremental`: nodes were
 * added to a view already drawn; the force layouts continue from the current positions.
 */
export function layoutOptions(layout: Layout, nodeCount: number, root: string | null, incremental = false): LayoutOptions {
  const common = { animate: false, fit: true, padding: 40 } as const;
  switch (layout) {
    case 'dagre':
      return { name: 'dagre', rankDir: 'LR', nodeSep: 20, rankSep: 80, ...common } as LayoutOptions;
    case 'breadthfirst':
      return { name: 'breadthfirst', directed: false, spacingFactor: 1.1, ...(root ? { roots: [root] } : {}), ...common } as LayoutOptions;
    case 'concentric':
      return { name: 'concentric', minNodeSpacing: 20, ...common } as LayoutOptions;
    default:
      // The default on a very large neighbourhood is rings by degree: the force layout of a
      // thousand nodes costs about a second before anything is drawn. "force" runs it anyway.
      if (nodeCount > RINGS_ABOVE && layout === 'fcose') return { name: 'concentric', minNodeSpacing: 12, ...common } as LayoutOptions;
      // Incremental (nodes added to a drawn view): start from where everything is. fcose's draft
      // quality needs a random start, so it takes the default quality then.
      return {
        name: 'fcose',
        quality: nodeCount > 400 && !incremental ? 'draft' : 'default',
        randomize: !incremental,
        nodeRepulsion: 6000,
        idealEdgeLength: 90,
        nodeSeparation: 60,
        packComponents: true,
        ...common,
      } as LayoutOptions;
  }
}
