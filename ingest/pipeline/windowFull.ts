import { getHeapStatistics } from 'node:v8';

/**
 * A window commits once it has `windowEvents` events and the previous commit is done. While that
 * commit is still writing, the window keeps growing (fewer rows in all: an entity or edge seen in
 * both is written once) up to this many times the size, or this many distinct nodes and edges
 * (five times and 250,000 held 480 MB on a fresh server, whose first commits are slow).
 */
const WINDOW_GROWTH = 2;
const MAX_WINDOW_EVIDENCE = 80_000;
/**
 * ...and only while the heap is less than this full (garbage not yet collected included). What an
 * event holds differs by input, and how far a window grows by how fast the reader outruns the
 * graph: with OCSF converted on a second thread, two windows of 40,000 events (one growing, one
 * writing) held 244 MB of the 256 MB heap (bin/trailhound.js) and the ingest died. At this share
 * OCSF peaks at about 183 MB held; at 0.55, 157 MB, but CloudTrail's windows then stop growing
 * early and a 1M-event load took 5% longer; at 0.7 OCSF held 225 MB (docs/benchmarks.md).
 */
const HEAP_SHARE_TO_GROW = 0.6;
/**
 * Whatever its size, a window commits once the heap is this full: a large --batch-size would
 * otherwise fill the heap before the window reached it.
 */
const HEAP_SHARE_TO_COMMIT = 0.8;
/** The heap is asked every this many events while a window grows: asking costs a few microseconds. */
const HEAP_CHECK_EVERY = 1024;

export interface WindowSize {
  readonly events: number;
  /** Distinct nodes and edges the window's evidence holds. */
  readonly evidence: number;
}

/** The share of the heap limit in use (garbage not yet collected included: a window stops early rather than late). */
export function heapShareUsed(): number {
  const { used_heap_size, heap_size_limit } = getHeapStatistics();
  return used_heap_size / heap_size_limit;
}

/** Whether the window must commit now (waiting for the commit in flight, if any, first). */
export function windowIsFull(w: WindowSize, windowEvents: number, commitInFlight: boolean, heapShare: () => number = heapShareUsed): boolean {
  if (w.events < windowEvents) return w.events % HEAP_CHECK_EVERY === 0 && heapShare() >= HEAP_SHARE_TO_COMMIT;
  if (!commitInFlight) return true;
  if (w.events >= windowEvents * WINDOW_GROWTH || w.evidence >= MAX_WINDOW_EVIDENCE) return true;
  return (w.events - windowEvents) % HEAP_CHECK_EVERY === 0 && heapShare() >= HEAP_SHARE_TO_GROW;
}

/**
 * Distinct aggregates a flow-log part holds before it is handed to the loader: bounds the memory
 * of a file (TRAILHOUND_FLOW_PART_SIZE to tune; tests use small parts).
 */
export const FLOW_PART_SIZE = Number(process.env.TRAILHOUND_FLOW_PART_SIZE) || 25_000;

/**
 * Lines of a flow-log part held as values until the part ends (TRAILHOUND_FLOW_SMALL_PART_ROWS to
 * tune): a small part's rows then share the window's commit and segments (a small file is one small
 * part); a larger part's go to a commit of their own as they come.
 */
export const SMALL_PART_ROWS = Number(process.env.TRAILHOUND_FLOW_SMALL_PART_ROWS) || 5_000;

/**
 * A flow-log window takes parts until its evidence holds 1.2 times a part's size in distinct nodes
 * and edges (two or three parts, as pairs of addresses recur): a pair seen in several of them is
 * then one graph row. While the commit before is still writing it grows to 1.8 parts' worth
 * (45,000 for the default size). Larger windows merged more and cost more memory for no more
 * speed (5M flow lines into a warm database: twice and 3.2 times a part, 52-54 s and 392-403 MB
 * peak RSS; 1.2 and 1.8 times, 47.7 s twice and 350-358 MB; docs/benchmarks.md).
 */
const PART_WINDOW_EVIDENCE = Math.round(1.2 * FLOW_PART_SIZE);
const MAX_PART_WINDOW_EVIDENCE = Math.round(1.8 * FLOW_PART_SIZE);

/** Whether a flow-log window must commit after the part it just took. */
export function partWindowIsFull(evidence: number, commitInFlight: boolean, heapShare: () => number = heapShareUsed): boolean {
  if (evidence < PART_WINDOW_EVIDENCE) return heapShare() >= HEAP_SHARE_TO_COMMIT;
  if (!commitInFlight || evidence >= MAX_PART_WINDOW_EVIDENCE) return true;
  return heapShare() >= HEAP_SHARE_TO_GROW;
}
