import { z } from 'zod';
import { TrailhoundError } from '../../graph/errors';
import { ADDRESSABLE_KINDS, entityRef } from '../../graph/investigations/entities';
import { findingGroup, findingGroups } from '../../graph/investigations/findingGroups/findingGroups';
import { investigate } from '../../graph/investigations/indicators/investigate';
import { isInvestigable } from '../../graph/investigations/indicators/subject';
import { DEFAULT_SETTINGS } from '../../graph/investigations/indicators/types';
import { booleanParam, keyParam, timeParam } from '../params';
import { FindingGroupDetailSchema, FindingGroupsSchema, InvestigationSchema } from '../schemas';
import { route } from '../routeSpec';

const INVESTIGABLE = ADDRESSABLE_KINDS.filter(isInvestigable) as [string, ...string[]];
const END_OF_TIME = 8_640_000_000_000;

/** The grouping parameters, shared by the list and one group (a group's id holds within them). */
const groupQuery = z.object({
  from: timeParam.optional().describe('findings active from (default: all time)'),
  to: timeParam.optional(),
  windowHours: z.coerce.number().int().min(1).max(24 * 90).default(168).describe('two findings of one entity join when active within this many hours of each other (7 days by default)'),
  includeArchived: booleanParam.default(false),
});

export const investigationRoutes = [
  route({
    method: 'get',
    path: '/api/investigations/:kind/:key',
    operationId: 'investigate',
    summary: 'An investigation of a principal or access key: indicators of compromise in the scope, each explained and traced to its events',
    description:
      'Indicators: impossible travel, instance credentials used outside the instance, addresses flagged by imported threat intelligence or GuardDuty, ' +
      'MITRE ATT&CK techniques, newly observed countries, networks, regions, user agents, APIs and addresses (against the baseline, baselineDays before the scope), ' +
      'failed-call bursts and enumeration. For principals the calls of every session they started count; for roles, those of the sessions that ran as them. ' +
      'The scope defaults to the seven days up to the entity\'s last activity.',
    tag: 'investigations',
    params: z.object({ kind: z.enum(INVESTIGABLE).describe('a principal kind, or AccessKey'), key: keyParam }),
    query: z.object({
      from: timeParam.optional(),
      to: timeParam.optional(),
      baselineDays: z.coerce.number().int().min(1).max(365).default(45),
      travelKmh: z.coerce.number().int().min(100).max(100_000).default(DEFAULT_SETTINGS.travelKmh).describe('speed above which travel between two calls is impossible'),
      burstFailures: z.coerce.number().int().min(2).max(100_000).default(DEFAULT_SETTINGS.burstFailures).describe('access-denied failures in one window that make a burst'),
      enumerationApis: z.coerce.number().int().min(2).max(1000).default(DEFAULT_SETTINGS.enumerationApis).describe('distinct List/Describe APIs in one window that make enumeration'),
      burstMinutes: z.coerce.number().int().min(1).max(1440).default(DEFAULT_SETTINGS.burstMinutes),
    }),
    response: InvestigationSchema,
    links: {
      event: { operationId: 'getEvent', parameters: { eventId: '$response.body#/indicators/0/evidence/eventIds/0' }, description: 'an event that proves the first indicator' },
    },
    handler: async ({ params, query, context }) => {
      const ref = entityRef(params.kind, params.key);
      const answer = await investigate(
        context.graph,
        context.events,
        ref,
        { from: query.from ?? null, to: query.to ?? null, baselineDays: query.baselineDays },
        { ...DEFAULT_SETTINGS, travelKmh: query.travelKmh, burstFailures: query.burstFailures, enumerationApis: query.enumerationApis, burstMinutes: query.burstMinutes },
      );
      if (!answer) throw new TrailhoundError('NOT_FOUND', `No ${ref.kind} ${ref.key.slice(0, 200)} in the graph.`, 'Search for it with /api/search?q=…');
      return answer;
    },
  }),
  route({
    method: 'get',
    path: '/api/finding-groups',
    operationId: 'listFindingGroups',
    summary: 'Findings that share entities within a time window, as ranked groups with a plain-text summary',
    description:
      'Findings join when they share a principal (directly, through its access keys, or as the starter of the sessions they are about), an access key, a public address, ' +
      'an instance, a bucket, a network interface or a resource, and their activity is within windowHours of each other. Ranked by severity, tactics spanned, then size.',
    tag: 'findings',
    query: groupQuery,
    response: FindingGroupsSchema,
    links: {
      group: { operationId: 'getFindingGroup', parameters: { id: '$response.body#/groups/0/id' }, description: 'the first group' },
    },
    handler: async ({ query, context }) =>
      findingGroups(context.graph, { from: query.from ?? 0, to: query.to ?? END_OF_TIME, windowHours: query.windowHours, includeArchived: query.includeArchived }),
  }),
  route({
    method: 'get',
    path: '/api/finding-groups/:id',
    operationId: 'getFindingGroup',
    summary: 'One finding group: its findings, their shared entities, and a merged timeline of the findings and their principals\' calls',
    tag: 'findings',
    params: z.object({ id: z.string().min(4).max(140).regex(/^fg-[A-Za-z0-9._:-]+$/, 'fg- and a finding id').describe('a group id from /api/finding-groups') }),
    query: groupQuery,
    response: FindingGroupDetailSchema,
    handler: async ({ params, query, context }) => {
      const detail = await findingGroup(context.graph, context.events, params.id, { from: query.from ?? 0, to: query.to ?? END_OF_TIME, windowHours: query.windowHours, includeArchived: query.includeArchived });
      if (!detail) throw new TrailhoundError('NOT_FOUND', `No finding group ${params.id} with these parameters.`, 'List the groups with /api/finding-groups (a group id holds for the same from, to and windowHours).');
      return detail;
    },
  }),
];
