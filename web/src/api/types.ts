import type { z } from 'zod';
import type {
  ConsoleResultSchema,
  FindingDetailSchema,
  FindingGroupDetailSchema,
  FindingGroupsSchema,
  InvestigationSchema,
  FindingListSchema,
  FlowRecordsSchema,
  GraphEdgeSchema,
  GraphNodeSchema,
  GraphViewSchema,
  PathsSchema,
  ProfileSchema,
  RoleChainSchema,
  SearchSchema,
  TimelineEventSchema,
  TimelinePageSchema,
} from '../../../server/schemas';

// Types only: the schemas stay on the server; the UI gets their shapes at no bundle cost.
export type ApiNode = z.output<typeof GraphNodeSchema>;
export type ApiEdge = z.output<typeof GraphEdgeSchema>;
export type GraphView = z.output<typeof GraphViewSchema>;
export type FindingList = z.output<typeof FindingListSchema>;
export type FindingDetail = z.output<typeof FindingDetailSchema>;
export type Profile = z.output<typeof ProfileSchema>;
export type RoleChain = z.output<typeof RoleChainSchema>;
export type TimelinePage = z.output<typeof TimelinePageSchema>;
export type TimelineEvent = z.output<typeof TimelineEventSchema>;
export type SearchResult = z.output<typeof SearchSchema>;
export type Paths = z.output<typeof PathsSchema>;
export type FlowRecords = z.output<typeof FlowRecordsSchema>;
export type FlowRecord = FlowRecords['flows'][number];
export type Investigation = z.output<typeof InvestigationSchema>;
export type Indicator = Investigation['indicators'][number];
export type FindingGroups = z.output<typeof FindingGroupsSchema>;
export type FindingGroup = FindingGroups['groups'][number];
export type FindingGroupDetail = z.output<typeof FindingGroupDetailSchema>;

export type ConsoleResult = z.infer<typeof ConsoleResultSchema>;

import type { CaseFileSchema, CaseHeaderSchema, CaseListSchema, CaseLogSchema, NoteSchema, PinSchema, QuerySchema, ViewSchema } from '../../../server/caseSchemas';
import type { CaseReportSchema } from '../../../server/caseReportSchema';

export type CaseHeader = z.output<typeof CaseHeaderSchema>;
export type CaseList = z.output<typeof CaseListSchema>;
export type CaseFile = z.output<typeof CaseFileSchema>;
export type CasePin = z.output<typeof PinSchema>;
export type CaseNote = z.output<typeof NoteSchema>;
export type SavedView = z.output<typeof ViewSchema>;
export type SavedQuery = z.output<typeof QuerySchema>;
export type CaseLog = z.output<typeof CaseLogSchema>;
export type CaseReport = z.output<typeof CaseReportSchema>;
