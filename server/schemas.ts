import { z } from 'zod';

/**
 * Response shapes, as zod schemas: the OpenAPI document is generated from them, and the tests
 * parse real responses with them, so the document stays true.
 */
export const GraphNodeSchema = z
  .object({
    id: z.string().describe('kind:key'),
    kind: z.string(),
    key: z.string(),
    label: z.string().describe('a short name for a person'),
    properties: z.record(z.string(), z.unknown()),
    sample: z.boolean().optional(),
    hop: z.number().int().optional(),
    findings: z.object({ count: z.number().int(), maxSeverity: z.number().nullable() }).optional(),
    aggregate: z
      .object({
        parent: z.string(),
        relationship: z.string(),
        direction: z.enum(['out', 'in']),
        kind: z.string(),
        count: z.number().int().describe('how many neighbours this node stands for'),
      })
      .optional(),
  })
  .describe('An entity');

export const GraphEdgeSchema = z.object({
  id: z.string(),
  kind: z.string(),
  source: z.string(),
  target: z.string(),
  firstSeen: z.string().optional(),
  lastSeen: z.string().optional(),
  count: z.number().int().optional(),
  properties: z.record(z.string(), z.unknown()),
});

export const GraphViewSchema = z.object({
  nodes: z.array(GraphNodeSchema),
  edges: z.array(GraphEdgeSchema),
  truncated: z.object({
    aggregatedNeighbours: z.number().int().describe('neighbours left out by the per-kind cap, each group shown as one aggregate node'),
    nodeLimitReached: z.boolean().describe('the node limit stopped the walk early'),
  }),
  scope: z.object({ from: z.string(), to: z.string() }),
});

export const RoleChainSchema = GraphViewSchema.extend({
  sessions: z.object({
    total: z.number().int().describe('sessions the principal started in the scope time, through role chains'),
    shown: z.number().int().describe('of those, how many the limit let through (most recently started first)'),
  }),
});

export const ErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    hint: z.string().optional(),
    requestId: z.string(),
  }),
});

export const TimelineEventSchema = z.object({
  eventId: z.string(),
  time: z.string(),
  eventName: z.string().nullable(),
  eventSource: z.string().nullable(),
  region: z.string().nullable(),
  accountId: z.string().nullable(),
  readOnly: z.boolean().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  sourceIp: z.string().nullable().describe('the address the call came from (normalised)'),
  sourceIPAddress: z.string().nullable().describe('the source as logged when it is not an address: the AWS service that made the call'),
  userAgent: z.string().nullable(),
  accessKeyId: z.string().nullable(),
  principal: z.object({ id: z.string(), kind: z.string(), label: z.string() }).nullable(),
  inSession: z.boolean().describe('made in a session the entity started, not by the entity itself'),
});

export const TimelinePageSchema = z.object({
  entity: GraphNodeSchema,
  events: z.array(TimelineEventSchema),
  nextCursor: z.string().nullable(),
  principals: z.object({ count: z.number().int(), sessionsTruncated: z.boolean() }).nullable(),
  scope: z.object({ from: z.string(), to: z.string() }),
});

/** A responder's archive decision on a finding, taken in a case (it overrides GuardDuty's archived flag). */
export const FindingTriageSchema = z
  .object({ archived: z.boolean(), reason: z.string(), at: z.string(), by: z.string(), caseId: z.string() })
  .nullable()
  .describe("a responder's archive decision, from a case; null when none");

export const FindingSummarySchema = z.object({
  id: z.string(),
  findingId: z.string(),
  properties: z.record(z.string(), z.unknown()),
  affected: z.array(GraphNodeSchema),
  triage: FindingTriageSchema,
});

export const FindingListSchema = z.object({
  findings: z.array(FindingSummarySchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const FindingDetailSchema = z.object({
  finding: GraphNodeSchema.extend({ raw: z.unknown() }),
  entities: z.array(GraphNodeSchema),
  edges: z.array(GraphEdgeSchema),
  triage: FindingTriageSchema,
});

export const ProfileSchema = z.object({
  entity: GraphNodeSchema,
  scope: z.object({ from: z.string(), to: z.string(), baselineFrom: z.string() }),
  sections: z.record(z.string(), z.unknown()),
});

export const SearchSchema = z.object({
  query: z.string(),
  recognisedAs: z.string(),
  results: z.array(GraphNodeSchema),
  more: z.boolean().describe('more entities match than the limit: these are the first ones'),
});

export const PathsSchema = z.object({
  paths: z.array(z.object({ nodes: z.array(z.string()), edges: z.array(z.string()) })),
  nodes: z.array(GraphNodeSchema),
  edges: z.array(GraphEdgeSchema),
  more: z.boolean().describe('there are more shortest paths than the 10 returned'),
});

export const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  neo4j: z.object({ reachable: z.boolean(), uri: z.string(), error: z.string().optional() }),
  schema: z.object({ version: z.number().int().nullable(), digest: z.string().nullable(), current: z.boolean() }),
  counts: z.record(z.string(), z.number().int()),
  events: z
    .object({
      storeId: z.string().nullable(),
      segments: z.number().int(),
      rows: z.record(z.string(), z.number().int()).describe('rows per table: cloudtrail (events), vpcflow (flow records), vpcflow_hours (hourly volumes)'),
      bytes: z.number().int(),
      lastEventTime: z.string().nullable().describe('the latest CloudTrail event stored'),
      error: z.string().optional().describe('why the store cannot be read, when it cannot'),
    })
    .describe('the event store beside the graph: raw events, flow records and hourly volumes'),
  geo: z.object({ source: z.string(), countryDate: z.string(), asnDate: z.string(), note: z.string() }),
});

export const FlowRecordSchema = z.object({
  start: z.string(),
  end: z.string(),
  src: z.string(),
  dst: z.string(),
  srcPort: z.number().int(),
  dstPort: z.number().int(),
  protocol: z.number().int().describe('IANA protocol number'),
  packets: z.number().int(),
  bytes: z.number().int(),
  action: z.string(),
  tcpFlags: z.number().int().nullable(),
  via: z.array(z.string()).nullable().describe('interface-level addresses when the true endpoints differ (NAT gateway, load balancer)'),
  interfaceId: z.string().nullable(),
  accountId: z.string().nullable(),
  vpcId: z.string().nullable(),
  subnetId: z.string().nullable(),
  instanceId: z.string().nullable(),
  region: z.string().nullable(),
});

export const FlowRecordsSchema = z.object({
  flows: z.array(FlowRecordSchema),
  total: z.number().int().describe('records in the scope; page with offset'),
  offset: z.number().int(),
  scope: z.object({ from: z.string(), to: z.string() }),
});

export const EventDetailSchema = z.object({
  event: TimelineEventSchema,
  record: z.record(z.string(), z.unknown()).describe('the full CloudTrail record (secrets removed)'),
  resources: z.array(GraphNodeSchema),
});

const InvolvedEntitySchema = z.object({
  id: z.string().describe('kind:key, a click into the graph'),
  kind: z.string(),
  key: z.string(),
  label: z.string(),
  role: z.string().describe('how it is involved: source address, session, target, ...'),
});

export const IndicatorSchema = z
  .object({
    id: z.string().describe('stable within an investigation: the type and what it is about'),
    type: z.enum(['impossibleTravel', 'instanceCredentialsOutside', 'flaggedAddress', 'technique', 'newCountry', 'newNetwork', 'newRegion', 'newUserAgent', 'newApi', 'newAddress', 'failedCallBurst', 'enumeration']),
    severity: z.enum(['high', 'medium', 'low', 'info']),
    title: z.string(),
    explanation: z.string().describe('one sentence in plain words: what was seen and why it matters'),
    firstSeen: z.string(),
    lastSeen: z.string(),
    entities: z.array(InvolvedEntitySchema).min(1),
    evidence: z.object({
      eventIds: z.array(z.string()).describe('up to ten of the events that show it, earliest first (GET /api/events/{eventId})'),
      eventCount: z.number().int().describe('how many events show it'),
      timeline: z
        .object({ entity: z.string(), from: z.string(), to: z.string(), filters: z.record(z.string(), z.string()) })
        .nullable()
        .describe('the timeline listing every one of them: GET /api/entities/{kind}/{key}/timeline with from, to and these filters'),
    }),
    tactics: z.array(z.string()).describe('MITRE ATT&CK tactics'),
    details: z.record(z.string(), z.unknown()),
  })
  .describe('An indicator of compromise, with its evidence');

export const InvestigationSchema = z.object({
  entity: GraphNodeSchema,
  scope: z.object({ from: z.string(), to: z.string(), baselineFrom: z.string(), baselineDays: z.number().int() }),
  summary: z.object({
    calls: z.number().int(),
    failures: z.number().int(),
    addresses: z.number().int(),
    principals: z.number().int().describe('principal keys investigated: the entity and the sessions that are its'),
    baselineCalls: z.number().int(),
    bySeverity: z.object({ high: z.number().int(), medium: z.number().int(), low: z.number().int(), info: z.number().int() }),
    tactics: z.array(z.string()),
  }),
  indicators: z.array(IndicatorSchema),
  settings: z.object({ travelKmh: z.number(), travelMinKm: z.number(), burstMinutes: z.number().int(), burstFailures: z.number().int(), enumerationApis: z.number().int() }),
  notes: z.array(z.string()).describe('what was left out or could not be judged'),
});

const GroupedFindingSchema = z.object({
  findingId: z.string(),
  id: z.string(),
  type: z.string(),
  title: z.string().nullable(),
  severity: z.number(),
  severityLabel: z.string(),
  tactic: z.string().nullable(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  accountId: z.string().nullable(),
  region: z.string().nullable(),
});

export const FindingGroupSchema = z.object({
  id: z.string().describe('"fg-" and the id of its earliest finding'),
  rank: z.number().int(),
  score: z.number().int().describe('severity × 100 + tactics × 10 + findings (up to 9): what the ranking sorts by'),
  severity: z.number(),
  severityLabel: z.string(),
  summary: z.string().describe('the group in plain words, generated from its facts'),
  tactics: z.array(z.string()),
  firstSeen: z.string(),
  lastSeen: z.string(),
  accounts: z.array(z.string()),
  regions: z.array(z.string()),
  findings: z.array(GroupedFindingSchema).min(2),
  sharedEntities: z.array(
    z.object({ id: z.string(), kind: z.string(), key: z.string(), label: z.string(), findingIds: z.array(z.string()), via: z.array(z.enum(['direct', 'owner', 'started'])) }),
  ),
});

export const FindingGroupsSchema = z.object({
  groups: z.array(FindingGroupSchema),
  total: z.number().int(),
  ungroupedFindings: z.number().int(),
  findingsRead: z.number().int(),
  truncated: z.boolean().describe('more findings than are grouped at once: the least severe were left out'),
  scope: z.object({ from: z.string(), to: z.string(), windowHours: z.number().int() }),
});

export const FindingGroupDetailSchema = z.object({
  group: FindingGroupSchema,
  timeline: z.object({
    entries: z.array(
      z.union([
        z.object({ kind: z.literal('finding'), time: z.string(), finding: GroupedFindingSchema }),
        z.object({ kind: z.literal('event'), time: z.string(), event: TimelineEventSchema }),
      ]),
    ),
    principals: z.array(z.string()),
    eventsShown: z.number().int(),
    eventsTruncated: z.boolean(),
    from: z.string(),
    to: z.string(),
  }),
});

export const ConsoleResultSchema = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(z.unknown())).describe('each value as JSON; a node as {node: id}, a relationship as {relationship: id}, a path as {path: [ids]}'),
  rowCap: z.number().int(),
  truncated: z.boolean().describe('the query had more rows than rowCap: only the first rowCap are here'),
  elapsedMs: z.number().int(),
  graph: z.object({
    nodes: z.array(z.object({ id: z.string(), labels: z.array(z.string()), properties: z.record(z.string(), z.unknown()), entity: z.string().nullable().describe('kind:key when the node is a Trailhound entity') })),
    relationships: z.array(z.object({ id: z.string(), type: z.string(), source: z.string(), target: z.string(), properties: z.record(z.string(), z.unknown()) })),
    truncated: z.boolean().describe('more nodes and relationships than the 1,000 drawn'),
  }),
});
