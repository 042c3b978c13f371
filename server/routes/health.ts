import { z } from 'zod';
import { schemaDigest } from '../../graph/cypher/migrations';
import { readSchemaState } from '../../graph/migrate';
import { labelCountsQuery } from '../../graph/investigations/readQueries';
import { ADDRESSABLE_KINDS } from '../../graph/investigations/entities';
import { geoDatabaseInfo } from '../../ingest/enrich/geoDatabase';
import { HealthSchema } from '../schemas';
import { route } from '../routeSpec';
import type { EventStore } from '../../store/eventStore';
import { tables } from '../../store/tables';

/** What the store holds, from its manifest (no segment is read). */
function storeSummary(events: EventStore) {
  const segments = events.current.segments;
  const rows: Record<string, number> = Object.fromEntries(Object.keys(tables).map((t) => [t, 0]));
  let bytes = 0;
  let last: number | null = null;
  for (const s of segments) {
    rows[s.table] = (rows[s.table] ?? 0) + s.rows;
    bytes += s.bytes;
    if (s.table === 'cloudtrail' && (last === null || s.maxTime > last)) last = s.maxTime;
  }
  return { storeId: events.identity?.storeId ?? null, segments: segments.length, rows, bytes, lastEventTime: last === null ? null : new Date(last).toISOString() };
}

function safeStoreSummary(events: EventStore) {
  try {
    return storeSummary(events);
  } catch (error) {
    return { storeId: events.identity?.storeId ?? null, segments: 0, rows: {}, bytes: 0, lastEventTime: null, error: error instanceof Error ? error.message : String(error) };
  }
}

export const healthRoutes = [
  route({
    method: 'get',
    path: '/api/health',
    operationId: 'health',
    summary: 'Is Neo4j reachable, which schema does it carry, how much is in the graph and in the event store',
    tag: 'system',
    query: z.object({}),
    response: HealthSchema,
    handler: async ({ context }) => {
      const uri = context.graph.settings.uri.replace(/\/\/[^@/]*@/, '//');
      try {
        const [state, counts] = await Promise.all([readSchemaState(context.graph), context.graph.read(labelCountsQuery(ADDRESSABLE_KINDS))]);
        const record = counts.records[0];
        return {
          status: 'ok',
          version: context.version,
          neo4j: { reachable: true, uri },
          schema: { version: state?.version ?? null, digest: state?.digest ?? null, current: state?.digest === schemaDigest() },
          counts: Object.fromEntries(ADDRESSABLE_KINDS.map((k) => [k, (record?.get(k) as number | undefined) ?? 0])),
          events: safeStoreSummary(context.events),
          geo: geoDatabaseInfo(),
        };
      } catch (error) {
        return {
          status: 'degraded',
          version: context.version,
          neo4j: { reachable: false, uri, error: error instanceof Error ? error.message.split('\n')[0] : String(error) },
          schema: { version: null, digest: null, current: false },
          counts: {},
          events: safeStoreSummary(context.events),
          geo: geoDatabaseInfo(),
        };
      }
    },
  }),
];
