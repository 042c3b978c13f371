import type { StylesheetJson } from 'cytoscape';
import { LEGEND, iconUri } from './kinds';
import { VERDICT_COLOURS } from '../cases/verdicts';

/** Above this many nodes the canvas draws for speed: no icons, straight edges, no edge labels. */
export const LARGE_VIEW = 400;

/**
 * The canvas style: one colour, shape and icon per kind; findings ringed by severity. A large
 * view keeps colours and shapes but drops what costs most to draw (icons, curved edges with
 * arrows, edge labels): a thousand nodes then paint in a fraction of the time.
 */
export function graphStyle(dark: boolean, large = false): StylesheetJson {
  const text = dark ? '#e6e9ee' : '#1d232b';
  const halo = dark ? '#151a21' : '#ffffff';
  const edge = dark ? '#5b6573' : '#a4adb8';
  return [
    {
      selector: 'node',
      style: {
        width: 34,
        height: 34,
        'background-color': '#8b8f96',
        'background-fit': 'contain',
        'background-clip': 'none',
        'background-width': '60%',
        'background-height': '60%',
        label: 'data(label)',
        color: text,
        'font-size': 10,
        'text-valign': 'bottom',
        'text-margin-y': 4,
        'text-outline-color': halo,
        'text-outline-width': 2,
        'min-zoomed-font-size': 7,
        'border-width': 0,
      },
    },
    ...LEGEND.map(({ kind, look }) => ({
      selector: `node.kind-${kind}`,
      style: large ? { 'background-color': look.colour, shape: look.shape } : { 'background-color': look.colour, shape: look.shape, 'background-image': iconUri(kind) },
    })),
    { selector: 'node.aggregate', style: { shape: 'round-rectangle', width: 60, height: 24, 'background-color': dark ? '#2b3440' : '#e8ecf1', 'border-width': 1, 'border-style': 'dashed', 'border-color': edge, 'text-valign': 'center', 'text-margin-y': 0, 'font-size': 9 } },
    { selector: 'node.has-findings', style: { 'border-width': 4, 'border-color': '#e0a800' } },
    { selector: 'node.severity-high, node.severity-critical', style: { 'border-color': '#d33a2c' } },
    { selector: 'node.severity-low', style: { 'border-color': '#7aa7d9' } },
    { selector: 'node.sample', style: { opacity: 0.55 } },
    { selector: 'node.root', style: { width: 46, height: 46, 'font-weight': 'bold' } },
    { selector: 'node:selected', style: { 'overlay-color': '#3d8bfd', 'overlay-opacity': 0.25, 'overlay-padding': 6 } },
    // A node the open case pins: a ring outside the findings border, coloured by its verdict.
    { selector: 'node.in-case', style: { 'outline-width': 4, 'outline-offset': 3, 'outline-color': VERDICT_COLOURS.undecided, 'outline-opacity': 0.9 } },
    ...(Object.entries(VERDICT_COLOURS) as [string, string][]).map(([verdict, colour]) => ({ selector: `node.case-${verdict}`, style: { 'outline-color': colour } })),
    { selector: 'node:locked', style: { 'border-width': 3, 'border-style': 'double', 'border-color': text } },
    {
      selector: 'edge',
      style: {
        width: 'mapData(count, 1, 1000, 1, 6)',
        'line-color': edge,
        'target-arrow-color': edge,
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
        'curve-style': 'bezier',
        label: 'data(label)',
        'font-size': 8,
        color: dark ? '#aab3bf' : '#5b6573',
        'text-rotation': 'autorotate',
        'text-outline-color': halo,
        'text-outline-width': 2,
        'min-zoomed-font-size': 9,
      },
    },
    { selector: 'edge[!count]', style: { width: 1.5 } },
    ...(large
      ? [
          { selector: 'edge', style: { 'curve-style': 'haystack', 'haystack-radius': 0, label: '', 'target-arrow-shape': 'none' } },
          // Names only where the eye goes first (measuring a thousand labels delays the first frame);
          // every other name is in the tooltip and the panel.
          { selector: 'node', style: { label: '' } },
          { selector: 'node.root, node.has-findings, node.aggregate, node:selected', style: { label: 'data(label)' } },
        ]
      : []),
    { selector: '.on-path', style: { 'line-color': '#3d8bfd', 'target-arrow-color': '#3d8bfd', width: 4, 'z-index': 10 } },
    { selector: 'node.on-path', style: { 'overlay-color': '#3d8bfd', 'overlay-opacity': 0.35, 'overlay-padding': 8 } },
    { selector: '.faded', style: { opacity: 0.25 } },
  ] as StylesheetJson;
}
