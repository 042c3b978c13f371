import { escapeName as n } from '../graph/cypher/escape';
import { cypherInt, type Graph } from '../graph/driver';
import { TrailhoundError } from '../graph/errors';
import { nodes } from '../graph/schema/nodes';
import { Label } from '../graph/vocabulary';
import type { Manifest } from './manifest';
import type { StoreIdentity } from './storeIdentity';

/**
 * A graph and its event store are one investigation: the graph's aggregate edges count exactly
 * the events the store holds. The graph records its store's id, so that a server or an ingest
 * pointed at the wrong folder (or at a graph emptied since) says so instead of showing counts
 * that the events do not back, or skipping events as duplicates of ones the graph never got.
 */
const META = `(m:${n(Label.TrailhoundMeta)} {${n(nodes.TrailhoundMeta.key)}: 'eventStore'})`;

/** The id of the store this graph's events are in, if it has one. */
export async function graphStoreId(graph: Graph): Promise<string | null> {
  const result = await graph.readLatest(`MATCH ${META} RETURN m.storeId AS id`);
  return (result.records[0]?.get('id') as string | undefined) ?? null;
}

/**
 * Checks that the store at `root` belongs to this graph, binding a new pair on first use.
 * `writing`: an ingest may bind; a server only checks.
 */
export async function checkStoreBinding(graph: Graph, root: string, store: StoreIdentity | null, manifest: Manifest, writing: boolean): Promise<void> {
  const bound = await graphStoreId(graph);
  const storeHasEvents = manifest.segments.length > 0;
  if (bound === null) {
    if (storeHasEvents && store) {
      throw new TrailhoundError(
        'STORE_MISMATCH',
        `The event store at ${root} holds events, but this graph has none of them (it is new, or was emptied since).`,
        'Give this graph an empty folder (--store <dir> or TRAILHOUND_EVENTS_DIR), or remove the old folder to start over: both must be loaded together.',
      );
    }
    if (writing && store) {
      await graph.run(`MERGE ${META} SET m.storeId = $id, m.migratedAt = coalesce(m.migratedAt, $now)`, { id: store.storeId, now: cypherInt(Date.now()) });
    }
    return;
  }
  if (!store) {
    throw new TrailhoundError(
      'STORE_MISSING',
      `This graph's events are in an event store that is not at ${root} (the graph expects store ${bound}).`,
      'Point --store (or TRAILHOUND_EVENTS_DIR) at the folder its ingests wrote; the demo keeps it in .data/demo/events.',
    );
  }
  if (store.storeId !== bound) {
    throw new TrailhoundError(
      'STORE_MISMATCH',
      `The event store at ${root} (store ${store.storeId}) is not this graph's (the graph expects store ${bound}).`,
      "Point --store (or TRAILHOUND_EVENTS_DIR) at this graph's own store, or NEO4J_URI at the graph this store was loaded with.",
    );
  }
}
