import { z } from 'zod';
import { TrailhoundError } from '../../graph/errors';
import { entityRef, parseEntityRef } from '../../graph/investigations/entities';
import { shortestPaths } from '../../graph/investigations/paths';
import { search, SEARCH_PREFIXES } from '../../graph/investigations/search';
import { entityParam, limitParam } from '../params';
import { PathsSchema, SearchSchema } from '../schemas';
import { route } from '../routeSpec';

export const searchRoutes = [
  route({
    method: 'get',
    path: '/api/search',
    operationId: 'search',
    summary: 'Find entities: ARNs, AKIA/ASIA keys, instance ids, IPs and CIDRs, bucket, user and role names, finding ids',
    description: `Prefixes narrow the kind: ${Object.keys(SEARCH_PREFIXES).map((p) => `${p}:`).join(' ')}`,
    tag: 'search',
    query: z.object({ q: z.string().trim().min(1).max(512), limit: limitParam(100, 25) }),
    response: SearchSchema,
    handler: async ({ query, context }) => search(context.graph, query.q, query.limit),
  }),
  route({
    method: 'get',
    path: '/api/paths',
    operationId: 'paths',
    summary: 'The shortest observed paths between two entities',
    tag: 'search',
    query: z.object({ from: entityParam, to: entityParam, maxHops: z.coerce.number().int().min(1).max(8).default(5) }),
    response: PathsSchema,
    handler: async ({ query, context }) => {
      const from = parseEntityRef(query.from);
      const to = parseEntityRef(query.to);
      entityRef(from.kind, from.key);
      if (from.kind === to.kind && from.key === to.key) throw new TrailhoundError('BAD_REQUEST', 'from and to are the same entity.');
      return shortestPaths(context.graph, from, to, query.maxHops);
    },
  }),
];
