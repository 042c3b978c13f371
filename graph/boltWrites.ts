import { createRequire } from 'node:module';

/**
 * Three changes to how the Neo4j driver writes a query's parameters, for the ingest's batches of
 * rows (megabytes of lists of numbers and strings per transaction):
 *
 * - A list's elements that are numbers or strings are packed where they stand. The driver makes
 *   a closure for every value it packs and calls it at once; for a flow load that was a fifth of
 *   all the memory the ingest allocated, and the collector's time with it.
 * - A short string (under 256 bytes: keys, addresses, element ids) is encoded straight into the
 *   chunk being filled. The driver makes a Buffer and a wrapper for every string, then copies it:
 *   160 MB of a 1M-line flow load's 2.3 GB of allocation.
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

/** The chunker's parts that packing a string in place writes through (checked before each use). */
interface ChunkerInternals {
  _ensure(size: number): void;
  _updatePos(size: number): number;
  writeUInt8(value: number): void;
  _buffer: { _buffer: Buffer; position: number } | null;
}

/** PackStream's markers for strings of up to 15 bytes, and up to 255. */
const TINY_STRING = 0x80;
const STRING_8 = 0xd0;

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
    if (typeof (chunker as unknown as Partial<ChunkerInternals>)._ensure !== 'function' || typeof (chunker as unknown as Partial<ChunkerInternals>)._updatePos !== 'function') return false;
    packListsInPlace(packer);
    packStringsInPlace(packer);
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

/**
 * Packs a string of under 256 bytes into the open chunk directly (exported for its test): the
 * same marker and bytes as the driver's packString, without its Buffer. Anything else, or a
 * channel that is not a chunker as expected, takes the driver's way.
 */
export function packStringsInPlace(packer: PackerLike): void {
  const packString = packer.packString;
  packer.packString = function (this: PackerLike & { _ch?: unknown }, x: string) {
    const chunker = this._ch as Partial<ChunkerInternals> | undefined;
    const size = Buffer.byteLength(x, 'utf8');
    if (size >= 0x100 || !chunker || typeof chunker._ensure !== 'function' || typeof chunker.writeUInt8 !== 'function' || typeof chunker._updatePos !== 'function') {
      packString.call(this, x);
      return;
    }
    if (size < 0x10) chunker.writeUInt8(TINY_STRING | size);
    else {
      chunker.writeUInt8(STRING_8);
      chunker.writeUInt8(size);
    }
    if (size === 0) return;
    // Room for the whole string in an open chunk (a new buffer if this one is too full).
    chunker._ensure(size);
    const out = chunker._buffer;
    if (!out || !Buffer.isBuffer(out._buffer)) throw new Error('the Neo4j driver changed: its chunk buffer is not where graph/boltWrites.ts expects it');
    out._buffer.write(x, out.position, size, 'utf8');
    out.position += size;
    chunker._updatePos(size);
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
