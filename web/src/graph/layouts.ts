import type { LayoutOptions } from 'cytoscape';
import type { Layout } from '../state/urlState';

/**
 * Layouts by purpose: fcose for neighbourhoods (force-directed, fast enough for thousands of
 * nodes at draft quality), dagre for chains (role sessions started by sessions, left to right),
 * breadth-first from the root for hop distance, concentric by degree.
 */
export function layoutOptions(layout: Layout, nodeCount: number, root: string | null): LayoutOptions {
  const common = { animate: false, fit: true, padding: 40 } as const;
  switch (layout) {
    case 'dagre':
      return { name: 'dagre', rankDir: 'LR', nodeSep: 20, rankSep: 80, ...common } as LayoutOptions;
    case 'breadthfirst':
      return { name: 'breadthfirst', directed: false, spacingFactor: 1.1, ...(root ? { roots: [root] } : {}), ...common } as LayoutOptions;
    case 'concentric':
      return { name: 'concentric', minNodeSpacing: 20, ...common } as LayoutOptions;
    default:
      return {
        name: 'fcose',
        quality: nodeCount > 400 ? 'draft' : 'default',
        randomize: true,
        nodeRepulsion: 6000,
        idealEdgeLength: 90,
        nodeSeparation: 60,
        packComponents: true,
        ...common,
      } as LayoutOptions;
  }
}
