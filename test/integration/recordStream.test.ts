import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/driver';
import { connectTestGraph } from '../support/testGraph';

/**
 * Graph.stream hands exports their rows through the driver's result observer with its own
 * back-pressure (graph/recordStream.ts). Against the real Neo4j: every row in order, errors in
 * the middle of a stream, and streams given up half way (a client that went away) giving their
 * connection back.
 */
describe('streaming a read query', () => {
  let graph: Graph;
  beforeAll(async () => {
    graph = await connectTestGraph();
  });
  afterAll(async () => graph.close());

  it('delivers every row once, in order, in batches of the asked size', async () => {
    const sizes: number[] = [];
    let expected = 1;
    for await (const batch of graph.stream<number>('UNWIND range(1, $n) AS i RETURN i', { n: 25_500 }, { batchSize: 1_000 })) {
      sizes.push(batch.length);
      for (const value of batch) expect(value).toBe(expected++);
    }
    expect(expected - 1).toBe(25_500);
    expect(sizes.slice(0, -1).every((n) => n === 1_000)).toBe(true);
    expect(sizes.at(-1)).toBe(500);
  });

  it('surfaces an error in the middle of a stream after the rows before it', async () => {
    let received = 0;
    const stream = graph.stream<number>('UNWIND range(1, 5000) AS i RETURN 10 / (i - 4500) AS v', {}, { batchSize: 100 });
    await expect(
      (async () => {
        for await (const batch of stream) received += batch.length;
      })(),
    ).rejects.toThrow(/by zero/);
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(4500);
  });

  it('gives the connection back when the reader stops early, however many times', async () => {
    // More abandoned streams than the driver's pool holds (20): a leaked session would make the
    // next query wait for a connection until it timed out.
    const abandon = async () => {
      for await (const batch of graph.stream<number>('UNWIND range(1, 10000000) AS i RETURN i', {}, { batchSize: 1_000 })) {
        expect(batch[0]).toBe(1);
        break;
      }
    };
    for (let i = 0; i < 30; i++) {
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`abandoned stream ${i + 1} did not end within 15 s`)), 15_000);
      });
      await Promise.race([abandon(), stuck]).finally(() => clearTimeout(timer));
    }
    const started = Date.now();
    const result = await graph.read('RETURN 42 AS answer');
    expect(result.records[0]?.get('answer')).toBe(42);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
