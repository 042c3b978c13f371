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
    query: z.object({
      // Not blank: at least one character that String.trim keeps (the same set in the pattern).
      q: z
        .string()
        .max(512)
        .regex(/[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/, 'what to search for (not blank)')
        .transform((q) => q.trim())
        .describe('what to search for: an ARN, key, id, address or CIDR, or a name, with an optional kind prefix'),
      limit: limitParam(100, 25),
    }),
    response: SearchSchema,
    links: {
      profile: { operationId: 'entityProfile', parameters: { kind: '$response.body#/results/0/kind', key: '$response.body#/results/0/key' }, description: 'the first result' },
      neighbours: { operationId: 'entityNeighbours', parameters: { kind: '$response.body#/results/0/kind', key: '$response.body#/results/0/key' } },
      roleChain: { operationId: 'entityRoleChain', parameters: { kind: '$response.body#/results/0/kind', key: '$response.body#/results/0/key' } },
      timeline: { operationId: 'entityTimeline', parameters: { kind: '$response.body#/results/0/kind', key: '$response.body#/results/0/key' } },
      paths: { operationId: 'paths', parameters: { from: '$response.body#/results/0/id', to: '$response.body#/results/1/id' }, description: 'paths between the first two results' },
    },
    handler: async ({ query, context }) => search(context.graph, query.q, query.limit),
  }),
  route({
    method: 'get',
    path: '/api/paths',
    operationId: 'paths',
    summary: 'The shortest observed paths between two entities (none from an entity to itself)',
    tag: 'search',
    query: z.object({ from: entityParam, to: entityParam, maxHops: z.coerce.number().int().min(1).max(8).default(5) }),
    response: PathsSchema,
    handler: async ({ query, context }) => {
      const from = parseEntityRef(query.from);
      const to = parseEntityRef(query.to);
      entityRef(from.kind, from.key);
      // From an entity to itself there is no path to show: none, rather than an error.
      if (from.kind === to.kind && from.key === to.key) return { paths: [], nodes: [], edges: [], more: false };
      return shortestPaths(context.graph, from, to, query.maxHops);
    },
  }),
];
