import { lookOf, type KindLook } from '../graph/kinds';

/** The outline of each node shape in a 24×24 box, as the graph draws it. */
const OUTLINES: Record<KindLook['shape'], string> = {
  ellipse: 'M12 1a11 11 0 1 0 0 22 11 11 0 0 0 0-22z',
  'round-rectangle': 'M5 2h14a3 3 0 0 1 3 3v14a3 3 0 0 1-3 3H5a3 3 0 0 1-3-3V5a3 3 0 0 1 3-3z',
  diamond: 'M12 0l12 12-12 12L0 12z',
  hexagon: 'M6 2h12l6 10-6 10H6L0 12z',
  tag: 'M1 2h15l7 10-7 10H1z',
  barrel: 'M3 2h18c2 3 2 17 0 20H3C1 19 1 5 3 2z',
  'round-triangle': 'M12 1l11 21H1z',
  octagon: 'M7 1h10l6 6v10l-6 6H7l-6-6V7z',
};

/** A kind's shape, colour and icon in one small picture: the legend and the panel match the graph. */
export function KindIcon({ kind, size = 16 }: { kind: string; size?: number }) {
  const look = lookOf(kind);
  return (
    <svg className="kind-icon" width={size} height={size} viewBox="0 0 24 24" role="img" aria-label={look.title}>
      <path d={OUTLINES[look.shape]} fill={look.colour} />
      <path d={look.icon} fill="#fff" transform="translate(5.4 5.4) scale(0.55)" />
    </svg>
  );
}
