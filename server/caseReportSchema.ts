import { z } from 'zod';
import { SEVERITIES } from '../graph/investigations/indicators/types';
import { TimelineEventSchema } from './schemas';
import { CaseHeaderSchema, NoteSchema, PinSchema, QuerySchema, TriageSchema, ViewSchema } from './caseSchemas';

/** A case's report (GET /api/cases/{caseId}/report, `trailhound case export --format json`). */
export const CaseReportSchema = z.object({
  case: CaseHeaderSchema,
  generatedAt: z.string(),
  summary: z.object({
    pins: z.number().int(),
    verdicts: z.record(z.string(), z.number().int()),
    notes: z.number().int(),
    principals: z.number().int().describe('pinned principals and access keys in the timeline'),
    archivedFindings: z.number().int(),
    logEntries: z.number().int(),
  }),
  pins: z.array(PinSchema).describe('malicious, suspicious, undecided, false positive, benign'),
  notes: z.array(NoteSchema),
  views: z.array(ViewSchema),
  queries: z.array(QuerySchema),
  findings: z.array(TriageSchema),
  timeline: z.object({
    principals: z.array(z.string()),
    from: z.string(),
    to: z.string(),
    window: z.string().describe('why this window: the pinned events and findings a day either side, all time, or the one asked for'),
    entries: z.array(
      TimelineEventSchema.pick({ time: true, eventId: true, eventName: true, eventSource: true, region: true, accountId: true, errorCode: true, principal: true }).extend({
        sourceIp: z.string().nullable().describe('the address the call came from, or the AWS service that made it'),
        of: z.array(z.string()).describe('the pinned principals whose timeline holds it'),
        pinned: z.string().nullable().describe("the verdict of the event's own pin"),
      }),
    ),
    truncated: z.boolean(),
    limit: z.number().int(),
  }),
  investigations: z.array(
    z.object({
      entity: z.string(),
      label: z.string(),
      scope: z.object({ from: z.string(), to: z.string() }),
      indicators: z.array(z.object({ severity: z.enum(SEVERITIES), title: z.string(), explanation: z.string(), firstSeen: z.string(), lastSeen: z.string(), tactics: z.array(z.string()), eventCount: z.number().int() })),
    }),
  ),
  remarks: z.array(z.string()),
});
