import { z } from 'zod';
import { CASE_STATUSES, LIMITS, LOG_ACTIONS, PIN_KINDS, VERDICTS } from '../graph/cases/caseTypes';

/** Cases as the API gives them (the OpenAPI document is generated from these; tests parse answers with them). */

const time = z.string().describe('ISO 8601 UTC');

export const CaseHeaderSchema = z.object({
  caseId: z.string(),
  title: z.string(),
  status: z.enum(CASE_STATUSES),
  owner: z.string().nullable(),
  createdAt: time,
  createdBy: z.string(),
  updatedAt: time,
});

export const CaseListSchema = z.object({
  cases: z.array(
    CaseHeaderSchema.extend({
      pins: z.number().int(),
      notes: z.number().int(),
      verdicts: z.record(z.string(), z.number().int()).describe('pins per verdict; undecided for those without one'),
    }),
  ),
  total: z.number().int(),
  truncated: z.boolean().describe(`more cases than the ${LIMITS.cases} listed (most recently changed first)`),
});

export const PinSchema = z.object({
  pinId: z.string(),
  kind: z.enum(PIN_KINDS),
  ref: z.string().describe('kind:key of an entity or finding, or an eventId'),
  label: z.string(),
  verdict: z.enum(VERDICTS).nullable(),
  note: z.string(),
  pinnedAt: time,
  pinnedBy: z.string(),
  updatedAt: time,
  eventTime: time.nullable(),
  present: z.boolean().describe('the graph still holds the pinned entity'),
});

export const NoteSchema = z.object({ noteId: z.string(), text: z.string().describe('Markdown'), createdAt: time, createdBy: z.string(), updatedAt: time, updatedBy: z.string() });
export const ViewSchema = z.object({ viewId: z.string(), name: z.string(), url: z.string(), createdAt: time, createdBy: z.string() });
export const QuerySchema = z.object({ queryId: z.string(), name: z.string(), query: z.string(), createdAt: time, createdBy: z.string() });
export const TriageSchema = z.object({ findingId: z.string(), archived: z.boolean(), reason: z.string(), at: time, by: z.string(), caseId: z.string() });

export const CaseFileSchema = CaseHeaderSchema.extend({
  pins: z.array(PinSchema),
  notes: z.array(NoteSchema),
  views: z.array(ViewSchema),
  queries: z.array(QuerySchema),
  findings: z.array(TriageSchema).describe('archive decisions taken in this case, as they stand'),
  logEntries: z.number().int(),
});

export const CaseLogSchema = z.object({
  entries: z.array(
    z.object({
      seq: z.number().int(),
      at: time,
      author: z.string(),
      action: z.enum(LOG_ACTIONS),
      target: z.string(),
      detail: z.record(z.string(), z.unknown()).describe('the values before and after'),
    }),
  ),
  total: z.number().int(),
});

export const DoneSchema = z.object({ done: z.string() });

/** Text a person typed: no NUL, and not all blank. */
const typed = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => s.trim() !== '', 'must not be blank')
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL');

export const CaseInput = {
  create: z.object({ title: typed(LIMITS.title), owner: typed(LIMITS.owner).nullable().optional(), status: z.enum(CASE_STATUSES).optional() }).strict(),
  update: z
    .object({ title: typed(LIMITS.title).optional(), owner: typed(LIMITS.owner).nullable().optional(), status: z.enum(CASE_STATUSES).optional() })
    .strict()
    .refine((x) => Object.keys(x).length > 0, 'name at least one of title, owner, status'),
  pin: z
    .object({
      kind: z.enum(PIN_KINDS),
      ref: z.string().min(1).max(2_100).describe('kind:key for an entity or finding (Finding:<id>), an eventId for an event'),
      verdict: z.enum(VERDICTS).nullable().optional(),
      note: z.string().max(LIMITS.pinNote).optional(),
    })
    .strict(),
  pinUpdate: z
    .object({ verdict: z.enum(VERDICTS).nullable().optional(), note: z.string().max(LIMITS.pinNote).optional() })
    .strict()
    .refine((x) => Object.keys(x).length > 0, 'name a verdict or a note'),
  note: z.object({ text: typed(LIMITS.note).describe('Markdown; shown without raw HTML') }).strict(),
  view: z
    .object({
      name: typed(LIMITS.name),
      url: z
        .string()
        .max(LIMITS.url)
        // A path on this server: not another site ("//evil", "/\evil" are both other hosts to a browser), not a script.
        .regex(/^\/(?![/\\])[^\s\u0000-\u001f\u007f]*$/, 'must be a path on this server, starting with one /')
        .describe('the UI URL to come back to, as a path: /?root=...'),
    })
    .strict(),
  query: z.object({ name: typed(LIMITS.name), query: typed(10_000) }).strict(),
  triage: z.object({ reason: typed(LIMITS.reason).describe('why: kept in the case log') }).strict(),
};
