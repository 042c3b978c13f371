import { describe, expect, it } from 'vitest';
import { JsonRecordScanner, type ScanItem } from '../../ingest/read/jsonRecords';

/** Feeds text to the scanner in chunks of `chunkSize` bytes, as a stream would. */
function scan(text: string, chunkSize = 7, maxRecordBytes?: number): ScanItem[] {
  const scanner = new JsonRecordScanner(maxRecordBytes);
  const bytes = Buffer.from(text, 'utf8');
  const out: ScanItem[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) out.push(...scanner.push(bytes.subarray(i, i + chunkSize)));
  out.push(...scanner.end());
  return out;
}

const texts = (items: ScanItem[]) => items.map((i) => (i.kind === 'record' ? JSON.parse(i.record.text) : { problem: i.problem.reason }));

describe('JsonRecordScanner', () => {
  const a = { eventID: 'a', note: 'braces } ] { [ and "quotes" and \\ in strings' };
  const b = { eventID: 'b', nested: { list: [1, { x: 'y' }] } };

  for (const chunkSize of [1, 3, 64, 100_000]) {
    it(`finds each element of {"Records": [...]} whatever the chunk size (${chunkSize})`, () => {
      expect(texts(scan(JSON.stringify({ Records: [a, b] }), chunkSize))).toEqual([a, b]);
    });
  }

  it('finds the elements of a bare array', () => {
    expect(texts(scan(JSON.stringify([a, b], null, 2)))).toEqual([a, b]);
  });

  it('reads JSON Lines, one record per line, and a broken line costs only itself', () => {
    const items = scan(`${JSON.stringify(a)}\n{"eventID": "broken", \n${JSON.stringify(b)}\n\n`);
    expect(items.map((i) => i.kind)).toEqual(['record', 'record', 'record']);
    const second = items[1]!;
    expect(second.kind === 'record' && second.record.line).toBe(2);
    expect(() => JSON.parse(second.kind === 'record' ? second.record.text : '')).toThrow();
    expect(items[2]!.kind === 'record' && JSON.parse(items[2]!.record.text)).toEqual(b);
  });

  it('reads concatenated pretty-printed objects as one record each', () => {
    expect(texts(scan(`${JSON.stringify(a, null, 2)}\n${JSON.stringify(b, null, 2)}\n`))).toEqual([a, b]);
  });

  it('treats a top-level object without Records as one record, even when Records appears deeper', () => {
    const single = { eventID: 'c', requestParameters: { Records: ['not', 'a', 'container'] } };
    expect(texts(scan(JSON.stringify(single)))).toEqual([single]);
  });

  it('ignores other keys of the Records container, before and after the array', () => {
    expect(texts(scan(`{"Meta": {"x": [1,2]}, "Records": [${JSON.stringify(a)}], "Trailer": "z"}`))).toEqual([a]);
  });

  it('skips a byte order mark and leading blank lines', () => {
    expect(texts(scan(`\uFEFF\n\n  ${JSON.stringify({ Records: [a] })}`))).toEqual([a]);
  });

  it('keeps multi-byte characters intact across chunk boundaries', () => {
    const emoji = { eventID: 'e', userAgent: 'agent 🦊 ünïcödé\nnewline' };
    for (const size of [1, 2, 5]) expect(texts(scan(JSON.stringify({ Records: [emoji] }), size))).toEqual([emoji]);
  });

  it('reports record number, line and byte offset of each record', () => {
    const items = scan(`{\n  "Records": [\n    ${JSON.stringify(a)},\n    ${JSON.stringify(b)}\n  ]\n}`);
    const positions = items.map((i) => (i.kind === 'record' ? [i.record.index, i.record.line, i.record.byteOffset] : null));
    expect(positions).toEqual([
      [1, 3, 21],
      [2, 4, 21 + JSON.stringify(a).length + 6],
    ]);
  });

  it('reports a file cut off inside a record, keeping the records before it', () => {
    const full = JSON.stringify({ Records: [a, b] });
    const items = scan(full.slice(0, full.length - 20));
    expect(items[0]).toMatchObject({ kind: 'record' });
    expect(items[1]).toMatchObject({ kind: 'problem', problem: { index: 2, reason: expect.stringMatching(/ends inside this record/) } });
  });

  it('resynchronises after a pretty-printed record whose brackets do not balance', () => {
    const broken = '{\n    "Records": [\n        {\n            "eventID": "x",\n            "userIdentity": {\n                "type": "IAMUser"\n            ,\n            "eventName": "A"\n        },\n        {\n            "eventID": "y"\n        }\n    ]\n}\n';
    const items = scan(broken);
    expect(items[0]).toMatchObject({ kind: 'problem', problem: { index: 1, line: 3, reason: expect.stringMatching(/do not balance/) } });
    expect(items[1]!.kind === 'record' && JSON.parse(items[1]!.record.text)).toEqual({ eventID: 'y' });
  });

  it('refuses input that is not JSON at all, remembering its first line', () => {
    const scanner = new JsonRecordScanner();
    expect(scanner.push(Buffer.from('version account-id interface-id srcaddr\n2 123 eni-1 10.0.0.1\n'))).toEqual([]);
    expect(scanner.notJsonInput?.firstLine).toBe('version account-id interface-id srcaddr');
  });

  it('skips an oversized record with a reason and carries on', () => {
    const big = { eventID: 'big', blob: 'x'.repeat(500) };
    const items = scan(JSON.stringify({ Records: [big, a] }), 64, 200);
    expect(items[0]).toMatchObject({ kind: 'problem', problem: { index: 1, reason: expect.stringMatching(/larger than/) } });
    expect(items[1]!.kind === 'record' && JSON.parse(items[1]!.record.text)).toEqual(a);
  });

  it('yields nothing for an empty Records array or an empty file', () => {
    expect(scan('{"Records": []}')).toEqual([]);
    expect(scan('')).toEqual([]);
  });
});
