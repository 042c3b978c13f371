import { describe, expect, it } from 'vitest';
import { FLOW_PART_SIZE, partWindowIsFull, windowIsFull } from '../../ingest/pipeline/windowFull';

describe('when an ingest window commits', () => {
  const roomy = () => 0.2;
  const tight = () => 0.7;

  it('waits for its events, then commits at once when nothing is being written', () => {
    expect(windowIsFull({ events: 19_999, evidence: 10 }, 20_000, false, tight)).toBe(false);
    expect(windowIsFull({ events: 19_456, evidence: 10 }, 20_000, false, tight)).toBe(false);
    expect(windowIsFull({ events: 20_000, evidence: 10 }, 20_000, false, roomy)).toBe(true);
  });

  it('grows while the previous commit writes, up to twice its size or 80,000 nodes and edges', () => {
    expect(windowIsFull({ events: 20_000 + 1024 * 5, evidence: 30_000 }, 20_000, true, roomy)).toBe(false);
    expect(windowIsFull({ events: 40_000, evidence: 30_000 }, 20_000, true, roomy)).toBe(true);
    expect(windowIsFull({ events: 25_000, evidence: 80_000 }, 20_000, true, roomy)).toBe(true);
  });

  it('commits before its size once the heap is 80% full (a large --batch-size), asking every 1,024 events', () => {
    expect(windowIsFull({ events: 50 * 1024, evidence: 10 }, 500_000, false, () => 0.79)).toBe(false);
    expect(windowIsFull({ events: 50 * 1024, evidence: 10 }, 500_000, false, () => 0.8)).toBe(true);
    expect(windowIsFull({ events: 50 * 1024 + 1, evidence: 10 }, 500_000, true, () => 0.95)).toBe(false);
  });

  it('grows at 59% of the heap and commits at 60%', () => {
    expect(windowIsFull({ events: 20_000, evidence: 100 }, 20_000, true, () => 0.59)).toBe(false);
    expect(windowIsFull({ events: 20_000, evidence: 100 }, 20_000, true, () => 0.6)).toBe(true);
  });

  it('stops growing once the heap is 60% full, asking only every 1,024 events', () => {
    let asked = 0;
    const heap = () => (asked++, 0.7);
    const fullAt = [];
    for (let events = 20_000; events < 40_000; events++) if (windowIsFull({ events, evidence: 100 }, 20_000, true, heap)) fullAt.push(events);
    expect(fullAt[0]).toBe(20_000);
    expect(asked).toBe(Math.ceil(20_000 / 1024));
  });
});

describe('when a flow-log window commits (after a part)', () => {
  const roomy = () => 0.2;

  it('takes parts until it holds 1.2 parts of evidence, then commits when nothing is being written', () => {
    expect(FLOW_PART_SIZE).toBe(25_000);
    expect(partWindowIsFull(29_999, false, roomy)).toBe(false);
    expect(partWindowIsFull(30_000, false, roomy)).toBe(true);
  });

  it('grows while the previous commit writes, up to 45,000 nodes and edges or 60% of the heap', () => {
    expect(partWindowIsFull(40_000, true, roomy)).toBe(false);
    expect(partWindowIsFull(45_000, true, roomy)).toBe(true);
    expect(partWindowIsFull(40_000, true, () => 0.6)).toBe(true);
  });

  it('commits a small window once the heap is 80% full', () => {
    expect(partWindowIsFull(1_000, false, () => 0.79)).toBe(false);
    expect(partWindowIsFull(1_000, true, () => 0.8)).toBe(true);
  });
});
