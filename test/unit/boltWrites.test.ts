import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CHUNK_BUFFER_BYTES, fasterBoltWrites, largerChunks, packListsInPlace, packStringsInPlace, type ChunkerLike, type PackerLike } from '../../graph/boltWrites';

// The driver's own classes, loaded as graph/boltWrites.ts loads them.
const fromDriver = createRequire(createRequire(import.meta.url).resolve('neo4j-driver'));
type Sink = { write(buffer: { _buffer: Buffer }): void };
type PackerClass = new (channel: unknown) => PackerLike;
type ChunkerClass = new (channel: Sink, size?: number) => ChunkerLike & { messageBoundary(): void };
const { Packer } = fromDriver('neo4j-driver-bolt-connection/lib/packstream/packstream-v1.js') as { Packer: PackerClass };
const { Chunker } = fromDriver('neo4j-driver-bolt-connection/lib/channel/chunking.js') as { Chunker: ChunkerClass };
const shippedPackable = Packer.prototype.packable;

class InPlacePacker extends (Packer as unknown as new (channel: unknown) => PackerLike) {}
packListsInPlace(InPlacePacker.prototype);
packStringsInPlace(InPlacePacker.prototype);
const shippedPackString = Packer.prototype.packString;
class LargeChunker extends (Chunker as unknown as ChunkerClass) {}
largerChunks(LargeChunker.prototype);

/** What the ingest sends: a map of lists of rows, numbers, strings (multi-byte, long), nulls, nested lists and maps. */
function ingestLikeParams(rows: number): Record<string, unknown> {
  const list: unknown[] = [];
  for (let i = 0; i < rows; i++) {
    list.push([`10.0.${i % 256}.${i % 7}`, `arn:aws:iam::123456789012:user/é😀${i}`, 'x'.repeat(i % 300), 'é'.repeat(i % 140), '', 1_767_225_600_000 + i, i, 0.5, -1, null, undefined, true, false, ['443/tcp', `${i}`], [], { k: 'v', n: i }, i % 100 === 0 ? 'x'.repeat(70_000) : 's']);
  }
  return { rows: list, single: 'a', n: 3, nested: [[1, [2, ['three', null]]]] };
}

/** The Bolt messages in a chunked byte stream (2-byte size, payload; size 0 ends a message), and the largest chunk. */
function dechunk(bytes: Buffer): { messages: Buffer[]; largestChunk: number } {
  const messages: Buffer[] = [];
  let parts: Buffer[] = [];
  let largestChunk = 0;
  for (let at = 0; at < bytes.length; ) {
    const size = bytes.readUInt16BE(at);
    at += 2;
    if (size === 0) {
      messages.push(Buffer.concat(parts));
      parts = [];
      continue;
    }
    largestChunk = Math.max(largestChunk, size);
    parts.push(bytes.subarray(at, at + size));
    at += size;
  }
  expect(parts).toEqual([]);
  return { messages, largestChunk };
}

function send(PackerType: PackerClass, ChunkerType: ChunkerClass, params: Record<string, unknown>): { bytes: Buffer; writes: number } {
  const written: Buffer[] = [];
  const chunker = new ChunkerType({ write: (buffer) => void written.push(Buffer.from(buffer._buffer)) });
  const packer = new PackerType(chunker);
  for (let message = 0; message < 2; message++) {
    packer.packable(params, (x) => x)();
    chunker.messageBoundary();
    chunker.flush();
  }
  return { bytes: Buffer.concat(written), writes: written.length };
}

describe('Bolt writes (graph/boltWrites.ts)', () => {
  it('packs lists and strings into the same bytes as the driver, with the driver untouched', () => {
    expect(Packer.prototype.packable).toBe(shippedPackable);
    expect(Packer.prototype.packString).toBe(shippedPackString);
    const params = ingestLikeParams(2_000);
    const shipped = dechunk(send(Packer, Chunker, params).bytes);
    const inPlace = dechunk(send(InPlacePacker as unknown as PackerClass, Chunker, params).bytes);
    expect(shipped.messages).toHaveLength(2);
    expect(inPlace.messages).toHaveLength(2);
    expect(inPlace.messages[0]!.length).toBeGreaterThan(200_000);
    expect(inPlace.messages[0]!.equals(shipped.messages[0]!)).toBe(true);
    expect(inPlace.messages[1]!.equals(shipped.messages[1]!)).toBe(true);
  });

  it('still refuses what the driver cannot pack', () => {
    const chunker = new Chunker({ write: () => undefined });
    const packer = new InPlacePacker(chunker);
    expect(() => packer.packable([1, () => 2], (x) => x)()).toThrow(/Unable to pack/);
  });

  it('sends the same messages in chunks of up to 64 KB, far fewer writes to the socket', () => {
    const params = ingestLikeParams(2_000);
    const small = send(Packer, Chunker, params);
    const large = send(Packer, LargeChunker, params);
    const a = dechunk(small.bytes);
    const b = dechunk(large.bytes);
    expect(b.messages.map((m) => m.toString('hex'))).toEqual(a.messages.map((m) => m.toString('hex')));
    expect(a.largestChunk).toBeLessThanOrEqual(1_400);
    expect(b.largestChunk).toBeGreaterThan(1_400);
    expect(b.largestChunk).toBeLessThanOrEqual(Math.min(CHUNK_BUFFER_BYTES, 65_535));
    expect(large.writes * 20).toBeLessThan(small.writes);
  });

  it('finds the driver internals it changes in the installed driver', () => {
    // Fails when an upgraded driver moves them: the ingest then runs, slower, on the driver as it ships.
    expect(fasterBoltWrites()).toBe(true);
    expect(Packer.prototype.packable).not.toBe(shippedPackable);
    expect(Packer.prototype.packString).not.toBe(shippedPackString);
  });
});
