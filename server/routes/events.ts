import { z } from 'zod';
import type { Node as Neo4jNode } from 'neo4j-driver';
import { TrailhoundError } from '../../graph/errors';
import { fullEventRecord } from '../../graph/events';
import { EVENT_BY_ID } from '../../graph/investigations/readQueries';
import { toGraphNode, type GraphNode } from '../../graph/investigations/shapes';
import { toTimelineEvent } from '../../graph/investigations/timeline';
import { EventDetailSchema } from '../schemas';
import { route } from '../routeSpec';

export const eventRoutes = [
  route({
    method: 'get',
    path: '/api/events/:eventId',
    operationId: 'getEvent',
    summary: 'One CloudTrail event: the full record (secrets removed), its principal and the resources it named',
    tag: 'events',
    params: z.object({ eventId: z.string().min(1).max(256) }),
    query: z.object({}),
    response: EventDetailSchema,
    handler: async ({ params, context }) => {
      const result = await context.graph.read(EVENT_BY_ID, { id: params.eventId });
      const record = result.records[0];
      if (!record) throw new TrailhoundError('NOT_FOUND', `No event ${params.eventId.slice(0, 100)}.`);
      const event = record.get('e') as Neo4jNode;
      const props = event.properties as Record<string, string | undefined>;
      return {
        event: toTimelineEvent(event, record.get('p') as Neo4jNode | null, new Set()),
        record: fullEventRecord({ raw: props.raw, requestParameters: props.requestParameters, responseElements: props.responseElements }),
        resources: (record.get('resources') as Neo4jNode[]).map(toGraphNode).filter((n): n is GraphNode => n !== null),
      };
    },
  }),
];
