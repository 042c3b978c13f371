import { createRequire } from 'node:module';

/**
 * Two changes to how the Neo4j driver writes a query's parameters, for the ingest's batches of
 * rows (megabytes of lists of numbers and strings per transaction):
 *
 * - A list's elements that are numbers or strings are packed where they stand. The driver makes
 *   a closure for every value it packs and calls it at once; for a flow load that was a fifth of
 *   all the memory the ingest allocated, and the collector's time with it.
 * - The bytes go to the socket in chunks of up to 64 KB, not 1,400 (the driver's fixed size, one
 *   `socket.write` each): the writes took 591 ms of a 1M-line flow load's main thread, 146 after.
 *
 * The bytes on the wire are the same Bolt messages (test/unit/boltWrites.test.ts packs the same
 * values both ways and compares them). The driver's version is pinned by package-lock.json; if
 * its internals are not where this expects them, nothing is changed and the driver works as it
 * ships.
 */

/** Bolt's largest chunk is 65,535 bytes; the chunker adds its 2-byte header inside its buffer. */
export const CHUNK_BUFFER_BYTES = 65_000;

export interface PackerLike {
  packable(x: unknown, dehydrate?: (x: unknown) => unknown): () => void;
  packListHeader(size: number): void;
  packFloat(x: number): void;
  packString(x: string): void;
}

export interface ChunkerLike {
  _bufferSize: number;
  flush(): unknown;
}

let applied: boolean | null = null;

/** Applies both changes once per process; true when they are in place. */
export function fasterBoltWrites(): boolean {
  if (applied !== null) return applied;
  applied = false;
  try {
    // Resolved from the driver itself: the connection package is its dependency, not ours.
    const fromDriver = createRequire(createRequire(import.meta.url).resolve('neo4j-driver'));
    const packstream = fromDriver('neo4j-driver-bolt-connection/lib/packstream/packstream-v1.js') as { Packer?: { prototype: PackerLike } };
    const chunking = fromDriver('neo4j-driver-bolt-connection/lib/channel/chunking.js') as { Chunker?: { prototype: ChunkerLike } };
    const packer = packstream.Packer?.prototype;
    const chunker = chunking.Chunker?.prototype;
    if (!packer || !chunker || typeof packer.packable !== 'function' || typeof packer.packListHeader !== 'function' || typeof packer.packFloat !== 'function' || typeof packer.packString !== 'function' || typeof chunker.flush !== 'function') {
      return false;
    }
    packListsInPlace(packer);
    largerChunks(chunker);
    applied = true;
  } catch {
    applied = false;
  }
  return applied;
}

/** Packs a list's numbers and strings without a closure each (exported for its test). */
export function packListsInPlace(packer: PackerLike): void {
  const packable = packer.packable;
  packer.packable = function (this: PackerLike, x: unknown, dehydrate?: (x: unknown) => unknown) {
    if (!Array.isArray(x)) return packable.call(this, x, dehydrate);
    return () => {
      this.packListHeader(x.length);
      for (let i = 0; i < x.length; i++) {
        const value: unknown = x[i];
        // A number or a string is what the driver's own closure would write for it (no type
        // transformer takes a primitive); anything else takes the driver's way.
        if (typeof value === 'number') this.packFloat(value);
        else if (typeof value === 'string') this.packString(value);
        else this.packable(value === undefined ? null : value, dehydrate)();
      }
    };
  };
}

/** Makes every chunk buffer after the first one CHUNK_BUFFER_BYTES (exported for its test). */
export function largerChunks(chunker: ChunkerLike): void {
  const flush = chunker.flush;
  chunker.flush = function (this: ChunkerLike) {
    // The first buffer was made at the driver's size; each one after a flush is made at ours.
    this._bufferSize = CHUNK_BUFFER_BYTES;
    return flush.call(this);
  };
}
