import { z } from 'zod';
import { schemaDigest } from '../../graph/cypher/migrations';
import { readSchemaState } from '../../graph/migrate';
import { labelCountsQuery } from '../../graph/investigations/readQueries';
import { ADDRESSABLE_KINDS } from '../../graph/investigations/entities';
import { geoDatabaseInfo } from '../../ingest/enrich/geoDatabase';
import { HealthSchema } from '../schemas';
import { route } from '../routeSpec';

export const healthRoutes = [
  route({
    method: 'get',
    path: '/api/health',
    operationId: 'health',
    summary: 'Is Neo4j reachable, which schema does it carry, how much is in the graph',
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
          geo: geoDatabaseInfo(),
        };
      } catch (error) {
        return {
          status: 'degraded',
          version: context.version,
          neo4j: { reachable: false, uri, error: error instanceof Error ? error.message.split('\n')[0] : String(error) },
          schema: { version: null, digest: null, current: false },
          counts: {},
          geo: geoDatabaseInfo(),
        };
      }
    },
  }),
];
