import { z } from 'zod';
import type { Node as Neo4jNode } from 'neo4j-driver';
import { TrailhoundError } from '../../graph/errors';
import { entityRef } from '../../graph/investigations/entities';
import { walkGraph } from '../../graph/investigations/graphView';
import { entityProfile } from '../../graph/investigations/profile';
import { roleChain } from '../../graph/investigations/roleChain';
import { findEntityQuery } from '../../graph/investigations/readQueries';
import { iso, toGraphNode } from '../../graph/investigations/shapes';
import { CURSOR_PATTERN, timelinePage } from '../../graph/investigations/timeline';
import { booleanParam, keyParam, kindParam, limitParam, timeParam, timelineFilterParams, timelineFilters } from '../params';
import { GraphViewSchema, ProfileSchema, RoleChainSchema, TimelinePageSchema } from '../schemas';
import { route, type ApiContext } from '../routeSpec';

const DAY = 24 * 3_600_000;
const entity = z.object({ kind: kindParam, key: keyParam });

async function findNode(context: ApiContext, kind: string, key: string): Promise<Neo4jNode> {
  const ref = entityRef(kind, key);
  const found = await context.graph.read(findEntityQuery(ref.kind), { key: ref.key });
  const node = found.records[0]?.get('n') as Neo4jNode | undefined;
  if (!node) throw new TrailhoundError('NOT_FOUND', `No ${ref.kind} ${ref.key.slice(0, 200)} in the graph.`, 'Search for it with /api/search?q=…');
  return node;
}

export const entityRoutes = [
  route({
    method: 'get',
    path: '/api/entities/:kind/:key',
    operationId: 'entityProfile',
    summary: 'An entity profile: activity, addresses, agents, resources, sessions and role chain, keys, findings, what is newly observed',
    description:
      'Newly observed: first seen inside the scope and not in the baseline window before it (baselineDays, 45 by default). ' +
      'For addresses: the principals that used it, flows in and out by port, its location. For instances: interfaces, addresses, traffic per hour.',
    tag: 'entities',
    params: entity,
    query: z.object({
      from: timeParam.optional(),
      to: timeParam.optional(),
      baselineDays: z.coerce.number().int().min(1).max(365).default(45),
      limit: limitParam(500, 50).describe('most items per list (each list says how many there are)'),
    }),
    response: ProfileSchema,
    handler: async ({ params, query, context }) => {
      const ref = entityRef(params.kind, params.key);
      const profile = await entityProfile(context.graph, context.events, ref, { from: query.from ?? null, to: query.to ?? null, baselineDays: query.baselineDays, cap: query.limit });
      if (!profile) throw new TrailhoundError('NOT_FOUND', `No ${ref.kind} ${ref.key.slice(0, 200)} in the graph.`, 'Search for it with /api/search?q=…');
      return profile;
    },
  }),
  route({
    method: 'get',
    path: '/api/entities/:kind/:key/neighbors',
    operationId: 'entityNeighbours',
    summary: 'One hop out of an entity, for the graph view, capped per kind like the blast radius',
    tag: 'entities',
    params: entity,
    query: z.object({
      from: timeParam.optional(),
      to: timeParam.optional(),
      kinds: z.string().max(500).optional().describe('comma-separated kinds to keep, e.g. S3Bucket,AwsResource'),
      limit: limitParam(2000, 200),
      perKind: limitParam(500, 50),
    }),
    response: GraphViewSchema,
    links: {
      neighbour: { operationId: 'entityProfile', parameters: { kind: '$response.body#/nodes/1/kind', key: '$response.body#/nodes/1/key' }, description: 'a neighbour' },
    },
    handler: async ({ params, query, context }) => {
      const node = await findNode(context, params.kind, params.key);
      const props = node.properties as Record<string, unknown>;
      const to = query.to ?? (typeof props.lastSeen === 'number' ? props.lastSeen : Date.now());
      const from = query.from ?? (typeof props.firstSeen === 'number' ? props.firstSeen : to - 30 * DAY);
      const kinds = query.kinds?.split(',').map((k) => k.trim()).filter(Boolean);
      const view = await walkGraph(context.graph, [node], { hops: 1, limit: query.limit + 1, perGroup: query.perKind, from, to, ...(kinds?.length ? { kinds } : {}) });
      return { ...view, scope: { from: iso(from), to: iso(to) } };
    },
  }),
  route({
    method: 'get',
    path: '/api/entities/:kind/:key/role-chain',
    operationId: 'entityRoleChain',
    summary: 'The role chain of a principal: who started it, and every session it started through role chains, with the role each runs as',
    description:
      'For a graph laid out as a chain. Sessions are those whose start (the ASSUMED relationship) overlaps the scope time, all time by default; ' +
      'the most recently started come first, and sessions.total says how many there are when the limit leaves some out.',
    tag: 'entities',
    params: entity,
    query: z.object({
      from: timeParam.optional(),
      to: timeParam.optional(),
      limit: limitParam(2000, 300).describe('most sessions shown'),
    }),
    response: RoleChainSchema,
    handler: async ({ params, query, context }) => {
      const node = await findNode(context, params.kind, params.key);
      const from = query.from ?? 0;
      const to = query.to ?? 8_640_000_000_000;
      const view = await roleChain(context.graph, node, { from, to, limit: query.limit });
      return { ...view, scope: { from: iso(from), to: iso(to) } };
    },
  }),
  route({
    method: 'get',
    path: '/api/entities/:kind/:key/timeline',
    operationId: 'entityTimeline',
    summary: "Every CloudTrail event of an entity in time order, including (for principals) every session it started, through role chains",
    tag: 'entities',
    params: entity,
    query: z.object({
      from: timeParam.optional(),
      to: timeParam.optional(),
      includeSessions: booleanParam.default(true),
      cursor: z.string().regex(CURSOR_PATTERN, 'nextCursor of the previous page').optional().describe('nextCursor of the previous page'),
      limit: limitParam(1000, 100),
      ...timelineFilterParams,
    }),
    response: TimelinePageSchema,
    links: {
      event: { operationId: 'getEvent', parameters: { eventId: '$response.body#/events/0/eventId' }, description: 'the raw record of the first event' },
      nextPage: { operationId: 'entityTimeline', parameters: { kind: '$request.path.kind', key: '$request.path.key', cursor: '$response.body#/nextCursor' }, description: 'the next page' },
    },
    handler: async ({ params, query, context }) => {
      const node = await findNode(context, params.kind, params.key);
      const ref = entityRef(params.kind, params.key);
      const from = query.from ?? 0;
      const to = query.to ?? 8_640_000_000_000;
      const page = await timelinePage(context.graph, context.events, ref, { from, to, includeSessions: query.includeSessions, cursor: query.cursor ?? null, limit: query.limit, filters: timelineFilters(query) });
      return { entity: toGraphNode(node)!, ...page, scope: { from: iso(from), to: iso(to) } };
    },
  }),
];
