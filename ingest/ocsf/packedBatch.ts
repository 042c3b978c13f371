import type { Converted } from './convert';

/**
 * A batch of converted records as it crosses from the conversion thread: the events' text (the
 * bulk of it, about 1.3 KB an event) as UTF-8 in one buffer that is handed over, not copied, and
 * made into strings only when the reader takes the batch. Sent as strings, the reader's heap held
 * every batch waiting ahead of it (up to eight, 16,000 events): young objects that lived through
 * collection after collection, copied and then promoted each time. The rest (a redacted event's
 * `stored` copy, findings, flow lines, rejections) still crosses as strings: rarer, or short.
 */
export interface PackedBatch {
  /** The batch, each event whose text is in `bytes` marked `packed` ('' in its place). */
  readonly items: readonly (Converted | PackedEvent)[];
  /** The events' text, one after another. */
  readonly bytes: Uint8Array;
  /** Where each event's text ends in `bytes`, in the order the events come. */
  readonly ends: Uint32Array;
}

type PackedEvent = Extract<Converted, { k: 'event' }> & { readonly packed: true };

export function packBatch(batch: readonly Converted[]): PackedBatch {
  const items: (Converted | PackedEvent)[] = [];
  const texts: string[] = [];
  let size = 0;
  for (const c of batch) {
    // Text that UTF-8 cannot hold as it is (a lone surrogate) stays a string. The conversion's
    // JSON never has one (JSON.stringify escapes it, DuckDB's text is UTF-8), but nothing may
    // change on the way.
    if (c.k !== 'event' || !(c.text as unknown as { isWellFormed(): boolean }).isWellFormed()) {
      items.push(c);
      continue;
    }
    texts.push(c.text);
    size += Buffer.byteLength(c.text, 'utf8');
    items.push({ ...c, text: '', packed: true });
  }
  // Its own memory, not a slice of Buffer's shared pool: the whole of it is handed over.
  const bytes = Buffer.allocUnsafeSlow(size);
  const ends = new Uint32Array(texts.length);
  let at = 0;
  for (const [i, text] of texts.entries()) {
    at += bytes.write(text, at, 'utf8');
    ends[i] = at;
  }
  return { items, bytes, ends };
}

/** What the reader gets: the batch as it was converted. */
export function unpackBatch(packed: PackedBatch): Converted[] {
  const bytes = Buffer.from(packed.bytes.buffer, packed.bytes.byteOffset, packed.bytes.byteLength);
  const out: Converted[] = [];
  let start = 0;
  let i = 0;
  for (const c of packed.items) {
    if (!('packed' in c)) {
      out.push(c);
      continue;
    }
    const { packed: _, ...event } = c;
    const end = packed.ends[i++]!;
    out.push({ ...event, text: bytes.toString('utf8', start, end) });
    start = end;
  }
  return out;
}
