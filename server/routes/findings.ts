import { FINDING_SORTS } from '../../graph/investigations/readQueries';
import { z } from 'zod';
import { TrailhoundError } from '../../graph/errors';
import { blastRadius } from '../../graph/investigations/blastRadius';
import { getFinding, listFindings } from '../../graph/investigations/findings';
import { booleanParam, limitParam, timeParam } from '../params';
import { FindingDetailSchema, FindingListSchema, GraphViewSchema } from '../schemas';
import { route } from '../routeSpec';

const findingId = z.object({ id: z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/, 'a finding id is letters, digits and . _ : -') });

export const findingRoutes = [
  route({
    method: 'get',
    path: '/api/findings',
    operationId: 'listFindings',
    summary: 'Findings, filtered, sorted and paged',
    tag: 'findings',
    query: z.object({
      severityMin: z.coerce.number().min(0).max(10).optional(),
      severityMax: z.coerce.number().min(0).max(10).optional(),
      type: z.string().max(200).optional().describe('type prefix, e.g. "UnauthorizedAccess:" or "Backdoor:EC2"'),
      account: z.string().max(32).optional(),
      region: z.string().max(64).optional(),
      from: timeParam.optional(),
      to: timeParam.optional(),
      q: z.string().max(200).optional().describe('text in the title, type or description'),
      includeSamples: booleanParam.optional(),
      includeArchived: booleanParam.optional(),
      sort: z.enum(FINDING_SORTS).default('severity'),
      order: z.enum(['asc', 'desc']).default('desc'),
      limit: limitParam(500, 50),
      offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    }),
    response: FindingListSchema,
    links: {
      finding: { operationId: 'getFinding', parameters: { id: '$response.body#/findings/0/findingId' }, description: 'the first finding' },
      blastRadius: { operationId: 'blastRadius', parameters: { id: '$response.body#/findings/0/findingId' }, description: "the first finding's blast radius" },
      affected: { operationId: 'entityProfile', parameters: { kind: '$response.body#/findings/0/affected/0/kind', key: '$response.body#/findings/0/affected/0/key' }, description: 'what the first finding is about' },
      affectedTimeline: { operationId: 'entityTimeline', parameters: { kind: '$response.body#/findings/0/affected/0/kind', key: '$response.body#/findings/0/affected/0/key' } },
      export: { operationId: 'exportTimeline', parameters: { entity: '$response.body#/findings/0/affected/0/id' } },
    },
    handler: async ({ query, context }) => {
      const { findings, total } = await listFindings(context.graph, {
        severityMin: query.severityMin ?? null,
        severityMax: query.severityMax ?? null,
        typePrefix: query.type ?? null,
        account: query.account ?? null,
        region: query.region ?? null,
        from: query.from ?? null,
        to: query.to ?? null,
        text: query.q ?? null,
        includeSamples: query.includeSamples ?? false,
        includeArchived: query.includeArchived ?? false,
        sort: query.sort,
        order: query.order,
        limit: query.limit,
        offset: query.offset,
      });
      return { findings, total, limit: query.limit, offset: query.offset };
    },
  }),
  route({
    method: 'get',
    path: '/api/findings/:id',
    operationId: 'getFinding',
    summary: 'One finding, with the entities it is about and those its action names',
    tag: 'findings',
    params: findingId,
    query: z.object({}),
    response: FindingDetailSchema,
    handler: async ({ params, context }) => {
      const detail = await getFinding(context.graph, params.id);
      if (!detail) throw new TrailhoundError('NOT_FOUND', `No finding ${params.id}.`);
      return detail;
    },
  }),
  route({
    method: 'get',
    path: '/api/findings/:id/blast-radius',
    operationId: 'blastRadius',
    summary: 'What the finding reaches: entities connected by observed relationships active in the scope time',
    description:
      'Walks out from the finding hop by hop over relationships active between from and to (default: the finding\'s first to last seen, widened by a day). ' +
      'Each node keeps its best-evidenced neighbours of each kind; the rest of a kind is one aggregate node (expand it with /neighbors). truncated says what the caps left out.',
    tag: 'findings',
    params: findingId,
    query: z.object({
      hops: z.coerce.number().int().min(1).max(3).default(2),
      from: timeParam.optional(),
      to: timeParam.optional(),
      limit: limitParam(2000, 300).describe('most nodes returned'),
      perKind: limitParam(200, 25).describe('most neighbours of one kind kept per node'),
    }),
    response: GraphViewSchema,
    links: {
      entity: { operationId: 'entityProfile', parameters: { kind: '$response.body#/nodes/1/kind', key: '$response.body#/nodes/1/key' }, description: 'an entity of the blast radius' },
      neighbours: { operationId: 'entityNeighbours', parameters: { kind: '$response.body#/nodes/1/kind', key: '$response.body#/nodes/1/key' } },
    },
    handler: async ({ params, query, context }) => {
      const view = await blastRadius(context.graph, params.id, {
        hops: query.hops,
        from: query.from ?? null,
        to: query.to ?? null,
        limit: query.limit,
        perGroup: query.perKind,
      });
      if (!view) throw new TrailhoundError('NOT_FOUND', `No finding ${params.id}.`);
      return view;
    },
  }),
];
