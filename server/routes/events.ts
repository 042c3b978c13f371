import { z } from 'zod';
import { TrailhoundError } from '../../graph/errors';
import { entitiesByRef } from '../../graph/investigations/entityLookup';
import { PrincipalNames, timelineEventOf } from '../../graph/investigations/timeline';
import { eventByIdSql } from '../../store/queries/timelineEvents';
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
      const [row] = await context.events.all(eventByIdSql, { id: params.eventId });
      if (!row) throw new TrailhoundError('NOT_FOUND', `No event ${params.eventId.slice(0, 100)}.`);
      const names = new PrincipalNames(context.graph);
      await names.learn([row.principalKey]);
      const resources = Array.isArray(row.resources) ? (row.resources as string[]) : [];
      return {
        event: timelineEventOf(row, names.of(row.principalKey)),
        record: JSON.parse(String(row.record)) as Record<string, unknown>,
        resources: await entitiesByRef(context.graph, resources),
      };
    },
  }),
];
