import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/driver';
import { migrate } from '../../graph/migrate';
import { Label } from '../../graph/vocabulary';
import { GraphWriter } from '../../graph/writer';
import { normalizeFinding } from '../../ingest/guardduty/normalize';
import { connectTestGraph, wipeGraph } from '../support/testGraph';

const FINDING = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'guardduty', 'leaked-key.valid.json'), 'utf8')) as Record<string, unknown>;

/**
 * Ingest runs two writers at once. A finding delivered twice (an S3 export and an EventBridge
 * copy, say) can land in both writers' batches at the same moment: each checks that the
 * version is new before the other commits. The graph keeps one node either way; these tests
 * hold the summary's counts to it.
 */
describe('two writers writing the same finding at once', () => {
  let graph: Graph;
  beforeAll(async () => {
    graph = await connectTestGraph();
    await wipeGraph(graph);
    await migrate(graph);
  });
  afterAll(async () => graph.close());

  it('counts it loaded once and duplicate once, every time', async () => {
    for (let i = 0; i < 8; i++) {
      const result = normalizeFinding({ ...FINDING, id: `race-${i}` });
      if (!result.ok) throw new Error(result.reason);
      const [a, b] = await Promise.all([new GraphWriter(graph).write([result.facts]), new GraphWriter(graph).write([result.facts])]);
      expect({ created: a.created + b.created, duplicates: a.duplicates + b.duplicates }).toEqual({ created: 1, duplicates: 1 });
    }
    const nodes = await graph.read(`MATCH (f:${Label.Finding}) WHERE f.findingId STARTS WITH 'race-' RETURN count(f) AS n`);
    expect(nodes.records[0]?.get('n')).toBe(8);
  });

  it('counts a newer version as loaded, and the older one as a duplicate whichever commits first', async () => {
    const older = normalizeFinding({ ...FINDING, id: 'race-versions', updatedAt: '2024-08-01T11:35:00Z' });
    const newer = normalizeFinding({ ...FINDING, id: 'race-versions', updatedAt: '2024-08-02T09:00:00Z', title: 'newer title' });
    if (!older.ok || !newer.ok) throw new Error('fixture');
    const [a, b] = await Promise.all([new GraphWriter(graph).write([newer.facts]), new GraphWriter(graph).write([older.facts])]);
    // The newer version was applied (created, or updated the older one): that is one or two loads, never more.
    expect(a.created).toBe(1);
    expect(a.created + b.created + b.duplicates).toBe(2);
    const title = await graph.read(`MATCH (f:${Label.Finding} {findingId: 'race-versions'}) RETURN f.title AS title`);
    expect(title.records[0]?.get('title')).toBe('newer title');
  });
});
