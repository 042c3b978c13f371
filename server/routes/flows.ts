import { z } from 'zod';
import { normalizeIp } from '../../ingest/common/ip';
import { TrailhoundError } from '../../graph/errors';
import { iso } from '../../graph/investigations/shapes';
import { flowRecordCountSql, flowRecordsSql } from '../../store/queries/flows';
import { limitParam, timeParam } from '../params';
import { FlowRecordsSchema } from '../schemas';
import { route } from '../routeSpec';

/** The characters of an address, as declared; one that is not an address has no records (404). */
const address = z
  .string()
  .regex(/^[0-9A-Fa-f:.]{2,64}$/, 'an IPv4 or IPv6 address')
  .describe('an IPv4 or IPv6 address');

export const flowRoutes = [
  route({
    method: 'get',
    path: '/api/flows',
    operationId: 'flowRecords',
    summary: 'The flow-log records from one address to another, in time order: the records behind a FLOW edge',
    description: 'Every record the edge counts, a page at a time (offset); total says how many there are in the scope.',
    tag: 'flows',
    query: z.object({
      src: address,
      dst: address,
      from: timeParam.optional(),
      to: timeParam.optional(),
      limit: limitParam(1000, 100),
      offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
    }),
    response: FlowRecordsSchema,
    handler: async ({ query, context }) => {
      const src = normalizeIp(query.src);
      const dst = normalizeIp(query.dst);
      if (!src || !dst) {
        throw new TrailhoundError('NOT_FOUND', `No flow records: ${src ? 'dst' : 'src'} "${src ? query.dst : query.src}" is not an IP address.`, 'Give the two addresses of the FLOW edge.');
      }
      const from = query.from ?? 0;
      const to = query.to ?? 8_640_000_000_000;
      const between = { src: src.ip, dst: dst.ip, from, to };
      const [rows, [count]] = await Promise.all([
        context.events.all<Record<string, unknown> & { start: number; end: number }>(flowRecordsSql, { ...between, limit: query.limit, offset: query.offset }, { from, to }),
        context.events.all<{ total: number }>(flowRecordCountSql, between, { from, to }),
      ]);
      return {
        flows: rows.map(({ start, end, ...r }) => ({ ...r, start: iso(start), end: iso(end) })),
        total: count?.total ?? 0,
        offset: query.offset,
        scope: { from: iso(from), to: iso(to) },
      };
    },
  }),
];
