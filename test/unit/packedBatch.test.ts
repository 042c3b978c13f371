import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { Converted } from '../../ingest/ocsf/convert';
import { packBatch, unpackBatch, type PackedBatch } from '../../ingest/ocsf/packedBatch';

describe('a converted batch packed to cross threads', () => {
  const batch: Converted[] = [
    { k: 'event', text: '{"eventID":"a","userAgent":"plain"}' },
    { k: 'flow', line: '2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 49152 6 1 60 1 2 ACCEPT OK' },
    { k: 'event', text: '{"eventID":"b","note":"Zürich – 東京 – 🛡️"}', stored: '{"eventID":"b","note":"[REDACTED]"}' },
    { k: 'invalid', reason: 'missing metadata.uid', excerpt: '{"class_uid":6003}' },
    { k: 'event', text: '', unchecked: true },
    { k: 'event', text: '{"eventID":"c","bad":"\ud800"}' },
    { k: 'finding', text: '{"id":"f"}' },
    { k: 'event', text: '{"eventID":"d"}', unchecked: true },
  ];

  it('gives back every record as it was, in order, multi-byte text and empty text included', () => {
    const packed = packBatch(batch);
    // What crosses is a copy, as postMessage makes it (the bytes' buffer is transferred).
    const crossed = structuredClone(packed, { transfer: [packed.bytes.buffer as ArrayBuffer] });
    expect(unpackBatch(crossed)).toEqual(batch);
  });

  it('holds the events whose text UTF-8 keeps as it is in the buffer, and leaves a lone surrogate a string', () => {
    const packed = packBatch(batch);
    expect(packed.ends).toHaveLength(4);
    expect(Buffer.from(packed.bytes).toString('utf8')).toBe(['{"eventID":"a","userAgent":"plain"}', '{"eventID":"b","note":"Zürich – 東京 – 🛡️"}', '', '{"eventID":"d"}'].join(''));
    expect(packed.items.filter((c) => c.k === 'event' && c.text !== '')).toEqual([{ k: 'event', text: '{"eventID":"c","bad":"\ud800"}' }]);
  });

  it('packs a batch with no events into an empty buffer', () => {
    const packed = packBatch([{ k: 'flow', line: 'x' }]);
    expect(packed.bytes.byteLength).toBe(0);
    expect(unpackBatch(packed)).toEqual([{ k: 'flow', line: 'x' }]);
  });
});

describe('a packed batch sent to another thread', () => {
  it('hands its bytes over (the sender keeps none) and arrives whole', async () => {
    const batch: Converted[] = [{ k: 'event', text: `{"eventID":"${'é'.repeat(30)}"}` }, { k: 'event', text: '{"eventID":"x"}', unchecked: true }];
    const packed = packBatch(batch);
    const { port1, port2 } = new MessageChannel();
    const arrived = new Promise<PackedBatch>((resolve) => port2.once('message', resolve));
    port1.postMessage(packed, [packed.bytes.buffer as ArrayBuffer]);
    const received = await arrived;
    port1.close();
    // Transferred, not copied: a pooled Buffer would have been copied and left whole here.
    expect(packed.bytes.byteLength).toBe(0);
    expect(unpackBatch(received)).toEqual(batch);
  });
});
