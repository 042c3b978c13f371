import { useRef, useState } from 'react';

export interface Bucket {
  readonly hour: string;
  readonly success: number;
  readonly failure: number;
}

const WIDTH = 320;
const HEIGHT = 70;

/**
 * API calls per hour (failures stacked in red). Drag across it to set the scope time of the
 * whole view; the chosen range is drawn as a band.
 */
export function Histogram({ buckets, onBrush }: { buckets: readonly Bucket[]; onBrush: (from: string, to: string) => void }) {
  const svg = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null);
  if (buckets.length === 0) return <div className="muted">No API calls in the scope.</div>;
  const times = buckets.map((b) => Date.parse(b.hour));
  const start = Math.min(...times);
  const end = Math.max(...times) + 3_600_000;
  const max = Math.max(...buckets.map((b) => b.success + b.failure), 1);
  const x = (t: number) => ((t - start) / (end - start)) * WIDTH;
  const barWidth = Math.max(1, (3_600_000 / (end - start)) * WIDTH);
  const toTime = (px: number) => new Date(start + (Math.min(Math.max(px, 0), WIDTH) / WIDTH) * (end - start)).toISOString();
  const local = (e: React.PointerEvent) => {
    const box = svg.current!.getBoundingClientRect();
    return ((e.clientX - box.left) / box.width) * WIDTH;
  };
  return (
    <figure className="histogram">
      <svg
        ref={svg}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label="API calls per hour; drag to set the scope time"
        data-testid="histogram"
        onPointerDown={(e) => {
          (e.target as Element).setPointerCapture?.(e.pointerId);
          const p = local(e);
          setDrag({ x0: p, x1: p });
        }}
        onPointerMove={(e) => drag && setDrag({ ...drag, x1: local(e) })}
        onPointerUp={() => {
          if (drag && Math.abs(drag.x1 - drag.x0) > 2) onBrush(toTime(Math.min(drag.x0, drag.x1)), toTime(Math.max(drag.x0, drag.x1)));
          setDrag(null);
        }}
      >
        {buckets.map((b) => {
          const t = Date.parse(b.hour);
          const hs = (b.success / max) * (HEIGHT - 4);
          const hf = (b.failure / max) * (HEIGHT - 4);
          return (
            <g key={b.hour}>
              <title>{`${b.hour.slice(0, 13).replace('T', ' ')}h: ${b.success} ok, ${b.failure} failed`}</title>
              <rect x={x(t)} y={HEIGHT - hs - hf} width={barWidth} height={hs} className="bar-ok" />
              <rect x={x(t)} y={HEIGHT - hf} width={barWidth} height={hf} className="bar-failed" />
            </g>
          );
        })}
        {drag ? <rect className="brush" x={Math.min(drag.x0, drag.x1)} y={0} width={Math.abs(drag.x1 - drag.x0)} height={HEIGHT} /> : null}
      </svg>
      <figcaption>
        {new Date(start).toISOString().slice(0, 10)} → {new Date(end).toISOString().slice(0, 10)} · drag to set the scope time
      </figcaption>
    </figure>
  );
}
