import { z } from 'zod';
import { CASE_STATUSES, LIMITS, LOG_ACTIONS, PIN_KINDS, VERDICTS } from '../graph/cases/caseTypes';
import { ADDRESSABLE_KINDS } from '../graph/investigations/entities';
import { entityRefParam } from './params';

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

/**
 * What counts as blank, spelled out: JavaScript's \s (what String.trim removes) and Python's (what
 * Schemathesis and other clients read in the document) are not the same set of characters.
 */
const BLANK = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

/**
 * Text a person typed: not all blank, and no NUL. One pattern, published in the OpenAPI document
 * and checked on requests, so that what the document calls valid is what is accepted: blanks, then
 * something that is not, then anything but NUL (linear to match: the two classes do not overlap).
 */
/** Controls a text may not hold: every C0 but tab, line feed and carriage return (the layout of a note), DEL and C1 (terminal escapes). */
const CONTROLS = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f';
/** The blanks that may lead a text: BLANK without the two controls in it (\v, \f). */
const LEADING = BLANK.replace('\\v\\f', '');
const TYPED = new RegExp(`^[${LEADING}]*[^${BLANK}${CONTROLS}][^${CONTROLS}]*$`);
const typed = (max: number) => z.string().max(max).regex(TYPED, 'must not be blank, nor hold control characters (escape sequences)');
/** One line a person typed (a title, a name, a reason): no line breaks or tabs either. */
const LINE = new RegExp(`^[ \\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000\\ufeff]*[^${BLANK}${CONTROLS}][^\\t\\n\\r\\u2028\\u2029${CONTROLS}]*$`);
const line = (max: number) => z.string().max(max).regex(LINE, 'must be one line, not blank, without control characters');
/** A text that may be empty (a pin's note), without control characters. */
const FREE = new RegExp(`^[^${CONTROLS}]*$`);

/**
 * An object of optional fields, at least one of the named ones given (anyOf in the document):
 * `expected` (the values the client saw) alone changes nothing, so it does not count.
 */
const someOf = <T extends z.ZodObject>(schema: T, fields: readonly string[], message: string) =>
  schema
    .strict()
    .refine((x) => fields.some((f) => (x as Record<string, unknown>)[f] !== undefined), message)
    // The same values in and out as the object given: typed as it, so handlers see its fields.
    .meta({ anyOf: fields.map((f) => ({ required: [f] })) }) as unknown as T;

const verdict = z.enum(VERDICTS).nullable().optional();
const pinNote = z.string().max(LIMITS.pinNote).regex(FREE, 'must not hold control characters').optional();
const SAW = 'the values this client saw: a 409 if someone changed them since (no silent overwrite)';
const caseSaw = z.object({ title: z.string(), owner: z.string().nullable(), status: z.enum(CASE_STATUSES) }).partial().strict().optional().describe(SAW);
const pinSaw = z.object({ verdict: z.enum(VERDICTS).nullable(), note: z.string() }).partial().strict().optional().describe(SAW);
const noteSaw = z.object({ text: z.string() }).strict().optional().describe(SAW);

export const CaseInput = {
  create: z.object({ title: line(LIMITS.title), owner: line(LIMITS.owner).nullable().optional(), status: z.enum(CASE_STATUSES).optional() }).strict(),
  update: someOf(
    z.object({
      title: line(LIMITS.title).optional(),
      owner: line(LIMITS.owner).nullable().optional(),
      status: z.enum(CASE_STATUSES).optional(),
      expected: caseSaw,
    }),
    ['title', 'owner', 'status'],
    'name at least one of title, owner, status',
  ),
  /** By kind, so that the document says what a ref is: kind:key for an entity (a pattern), any id for an event. */
  pin: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('entity'), ref: entityRefParam(ADDRESSABLE_KINDS, 'kind:key of an entity or finding (Finding:<id>)'), verdict, note: pinNote }).strict(),
    z.object({ kind: z.literal('event'), ref: z.string().min(1).max(2_100).describe('an eventId, as a timeline gives it'), verdict, note: pinNote }).strict(),
  ]),
  pinUpdate: someOf(z.object({ verdict, note: pinNote, expected: pinSaw }), ['verdict', 'note'], 'name a verdict or a note'),
  note: z.object({ text: typed(LIMITS.note).describe('Markdown; shown without raw HTML') }).strict(),
  noteEdit: z.object({ text: typed(LIMITS.note).describe('Markdown; shown without raw HTML'), expected: noteSaw }).strict(),
  view: z
    .object({
      name: line(LIMITS.name),
      url: z
        .string()
        .max(LIMITS.url)
        // A path on this server: not another site ("//evil", "/\evil" are both other hosts to a browser), not a script.
        // No controls and no blanks, spelled out as BLANK is: a reader of the document takes \s as its own set.
        .regex(new RegExp(`^/(?![/\\\\])[^\\u0000-\\u001f\\u007f${BLANK}]*$`), 'must be a path on this server, starting with one /')
        .describe('the UI URL to come back to, as a path: /?root=...'),
    })
    .strict(),
  query: z.object({ name: line(LIMITS.name), query: typed(10_000) }).strict(),
  triage: z.object({ reason: line(LIMITS.reason).describe('why: kept in the case log') }).strict(),
};
