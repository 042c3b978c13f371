import type { Response } from 'express';
import { z } from 'zod';
import { checkReadOnly } from '../../graph/console/readOnlyCypher';
import { noCase, type Author } from '../../graph/cases/caseChange';
import { listCases, readCase, readCaseHeader, readCaseLog } from '../../graph/cases/caseReads';
import { CASE_STATUSES, LIMITS } from '../../graph/cases/caseTypes';
import { addNote, addPin, createCase, deleteCase, editNote, removeNote, removePin, removeQuery, removeView, saveQuery, saveView, setFindingArchived, updateCase, updatePin, type PinnedEvent } from '../../graph/cases/caseWrites';
import { isTrailhoundError, TrailhoundError } from '../../graph/errors';
import { PrincipalNames, timelineEventOf } from '../../graph/investigations/timeline';
import { buildCaseReport, caseReportMarkdown } from '../../export/caseReport';
import { eventByIdSql } from '../../store/queries/timelineEvents';
import type { EventStore } from '../../store/eventStore';
import type { Graph } from '../../graph/driver';
import { CaseFileSchema, CaseHeaderSchema, CaseInput, CaseListSchema, CaseLogSchema, DoneSchema, NoteSchema, PinSchema, QuerySchema, ViewSchema } from '../caseSchemas';
import { CaseReportSchema } from '../caseReportSchema';
import type { StreamedResponse } from '../openapi';
import type { ApiContext } from '../routeSpec';
import { route } from '../routeSpec';
import { booleanParam, timeParam } from '../params';

/**
 * Cases: what the team concluded, kept beside the graph. Every change is logged with its author:
 * the holder of a named token (TRAILHOUND_TOKENS), else the server's TRAILHOUND_USER. With a token
 * configured, every request needs it, on loopback too (security.ts).
 */

const caseId = z.string().regex(/^case-[0-9a-f]{8}$/, 'a case id is case- and 8 hex digits');
const childId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{1,32}$`), `a ${prefix} id`);
const CaseParams = z.object({ caseId });

function authorOf(context: ApiContext, res: Response): Author {
  return { name: typeof res.locals.author === 'string' ? res.locals.author : context.user };
}

/** An event to pin, as the event store has it; its label says what it was in one line. */
async function eventToPin(graph: Graph, events: EventStore, eventId: string): Promise<PinnedEvent> {
  const [row] = await events.all(eventByIdSql, { id: eventId });
  if (!row) throw new TrailhoundError('UNKNOWN_REFERENCE', `No event ${eventId.slice(0, 100)} in the event store.`, 'Pin an event from a timeline.');
  const names = new PrincipalNames(graph);
  await names.learn([row.principalKey]);
  const event = timelineEventOf(row, names.of(row.principalKey));
  const who = event.principal?.label ?? 'an unknown caller';
  const from = event.sourceIp ?? event.sourceIPAddress;
  return { label: `${event.eventName ?? 'an event'} by ${who}${from ? ` from ${from}` : ''}${event.errorCode ? ` (${event.errorCode})` : ''}`, time: Date.parse(event.time) };
}

/**
 * Reports are built one at a time: each runs investigations and reads timelines, and a page open
 * on a case builds its report again after every change to it. A queue, not a refusal: a report
 * asked for while another is built waits for it.
 */
let reports: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const run = reports.then(work, work);
  reports = run.catch(() => undefined);
  return run;
}

/** The report is one document, as JSON (its schema in the OpenAPI document) or Markdown. */
const reportResponse: StreamedResponse = { stream: ['application/json', 'text/markdown; charset=utf-8'], json: CaseReportSchema };

export const caseRoutes = [
  route({
    method: 'get',
    path: '/api/cases',
    operationId: 'listCases',
    summary: 'The cases, most recently changed first, with their pins per verdict',
    tag: 'cases',
    query: z.object({ status: z.enum(CASE_STATUSES).optional().describe('only cases in this status') }),
    response: CaseListSchema,
    links: { GetCase: { operationId: 'getCase', parameters: { caseId: '$response.body#/cases/0/caseId' } } },
    handler: async ({ query, context }) => listCases(context.graph, query.status ?? null),
  }),
  route({
    method: 'post',
    path: '/api/cases',
    operationId: 'createCase',
    summary: 'Open a case',
    tag: 'cases',
    status: 201,
    body: CaseInput.create,
    response: CaseHeaderSchema,
    links: { GetCase: { operationId: 'getCase', parameters: { caseId: '$response.body#/caseId' } } },
    handler: async ({ body, context, res }) => createCase(context.graph, { title: body.title, ...(body.owner !== undefined ? { owner: body.owner } : {}), ...(body.status ? { status: body.status } : {}) }, authorOf(context, res)),
  }),
  route({
    method: 'get',
    path: '/api/cases/:caseId',
    operationId: 'getCase',
    summary: 'A case: its pins with verdicts and notes, its notes, saved views and queries, and the archive decisions taken in it',
    tag: 'cases',
    params: CaseParams,
    query: z.object({}),
    response: CaseFileSchema,
    handler: async ({ params, context }) => readCase(context.graph, params.caseId),
  }),
  route({
    method: 'patch',
    path: '/api/cases/:caseId',
    operationId: 'updateCase',
    summary: 'Change the title, status (open, contained, closed) or owner of a case',
    tag: 'cases',
    params: CaseParams,
    body: CaseInput.update,
    response: CaseHeaderSchema,
    errors: { 409: 'someone changed what `expected` names since this client read it' },
    handler: async ({ params, body, context, res }) => {
      const { expected, ...fields } = body;
      return updateCase(context.graph, params.caseId, stripUndefined(fields), authorOf(context, res), expected ? stripUndefined(expected) : undefined);
    },
  }),
  route({
    method: 'delete',
    path: '/api/cases/:caseId',
    operationId: 'deleteCase',
    summary: 'Delete a case: its pins, notes, saved views and queries go (closing it keeps them); its log stays, ending with who deleted it and what it held',
    tag: 'cases',
    params: CaseParams,
    response: DoneSchema,
    handler: async ({ params, context, res }) => {
      await deleteCase(context.graph, params.caseId, authorOf(context, res));
      return { done: `deleted ${params.caseId}` };
    },
  }),
  route({
    method: 'get',
    path: '/api/cases/:caseId/log',
    operationId: 'getCaseLog',
    summary: "A case's log: every change, oldest first, with its time, author and the values before and after",
    tag: 'cases',
    params: CaseParams,
    query: z.object({
      after: z.coerce.number().int().min(0).default(0).describe('entries after this sequence number'),
      limit: z.coerce.number().int().min(1).max(LIMITS.log).default(200),
      newest: booleanParam.default(false).describe('the latest entries, newest first (after still applies)'),
    }),
    response: CaseLogSchema,
    handler: async ({ params, query, context }) => readCaseLog(context.graph, params.caseId, { after: query.after, limit: query.limit, newest: query.newest }),
  }),
  route({
    method: 'get',
    path: '/api/cases/:caseId/report',
    operationId: 'getCaseReport',
    summary: "A case's report: summary, pins by verdict with notes, the merged timeline of its pinned principals, their investigations' indicators",
    description: 'format=md gives the same report as Markdown (every log-derived text escaped), as `trailhound case export --format md` writes it.',
    tag: 'cases',
    params: CaseParams,
    query: z.object({
      format: z.enum(['json', 'md']).default('json'),
      timelineLimit: z.coerce.number().int().min(0).max(10_000).default(500).describe('timeline entries at most (the report says when there are more)'),
      from: timeParam.optional().describe("the timeline's start (default: a day before the first pinned event or finding)"),
      to: timeParam.optional().describe("the timeline's end (default: a day after the last pinned event or finding)"),
    }),
    response: reportResponse,
    handler: async ({ params, query, context, res }) => {
      const report = await oneAtATime(() => buildCaseReport(context.graph, context.events, params.caseId, { timelineLimit: query.timelineLimit, from: query.from ?? null, to: query.to ?? null }));
      if (query.format === 'md') {
        res.type('text/markdown; charset=utf-8').send(caseReportMarkdown(report));
      } else {
        res.json(CaseReportSchema.parse(report));
      }
    },
  }),
  route({
    method: 'post',
    path: '/api/cases/:caseId/pins',
    operationId: 'addPin',
    summary: 'Pin an entity, a finding (kind Finding) or an event to a case, with a verdict and a note',
    tag: 'cases',
    status: 201,
    errors: { 409: 'the case already pins it (change that pin), or holds as many pins as a case can (CASE_FULL)', 422: 'the graph or the event store has nothing of that `ref` (UNKNOWN_REFERENCE); 404 is for a case that does not exist' },
    params: CaseParams,
    body: CaseInput.pin,
    response: PinSchema,
    handler: async ({ params, body, context, res }) => {
      // An unknown event is the body's fault (422) only when the case itself exists (else 404).
      const event =
        body.kind === 'event'
          ? await eventToPin(context.graph, context.events, body.ref).catch(async (error: unknown) => {
              if (isTrailhoundError(error) && error.code === 'UNKNOWN_REFERENCE' && !(await readCaseHeader(context.graph, params.caseId))) throw noCase(params.caseId);
              throw error;
            })
          : undefined;
      return addPin(context.graph, params.caseId, { kind: body.kind, ref: body.ref, ...(body.verdict !== undefined ? { verdict: body.verdict } : {}), ...(body.note !== undefined ? { note: body.note } : {}), ...(event ? { event } : {}) }, authorOf(context, res));
    },
  }),
  route({
    method: 'patch',
    path: '/api/cases/:caseId/pins/:pinId',
    operationId: 'updatePin',
    summary: "Change a pin's verdict (null: undecided) or note",
    tag: 'cases',
    params: z.object({ caseId, pinId: childId('pin') }),
    body: CaseInput.pinUpdate,
    response: PinSchema,
    errors: { 409: 'someone changed what `expected` names since this client read it' },
    handler: async ({ params, body, context, res }) => {
      const { expected, ...fields } = body;
      return updatePin(context.graph, params.caseId, params.pinId, stripUndefined(fields), authorOf(context, res), expected ? stripUndefined(expected) : undefined);
    },
  }),
  removal('pins', 'pin', 'removePin', 'Unpin (the log keeps what the pin said)', removePin),
  route({
    method: 'post',
    path: '/api/cases/:caseId/notes',
    operationId: 'addNote',
    errors: { 409: 'the case holds as many of these as a case can (CASE_FULL)' },
    summary: 'Add a note (Markdown) to a case',
    tag: 'cases',
    status: 201,
    params: CaseParams,
    body: CaseInput.note,
    response: NoteSchema,
    handler: async ({ params, body, context, res }) => addNote(context.graph, params.caseId, body.text, authorOf(context, res)),
  }),
  route({
    method: 'patch',
    path: '/api/cases/:caseId/notes/:noteId',
    operationId: 'editNote',
    summary: 'Edit a note (the log keeps the text before and after)',
    tag: 'cases',
    params: z.object({ caseId, noteId: childId('note') }),
    body: CaseInput.noteEdit,
    response: NoteSchema,
    errors: { 409: 'someone edited the note since this client read it' },
    handler: async ({ params, body, context, res }) => editNote(context.graph, params.caseId, params.noteId, body.text, authorOf(context, res), body.expected?.text),
  }),
  removal('notes', 'note', 'removeNote', 'Remove a note (the log keeps its text)', removeNote),
  route({
    method: 'post',
    path: '/api/cases/:caseId/views',
    operationId: 'saveView',
    errors: { 409: 'the case holds as many of these as a case can (CASE_FULL)' },
    summary: "Save a view of the UI (its URL's path and query) under a name",
    tag: 'cases',
    status: 201,
    params: CaseParams,
    body: CaseInput.view,
    response: ViewSchema,
    handler: async ({ params, body, context, res }) => saveView(context.graph, params.caseId, body, authorOf(context, res)),
  }),
  removal('views', 'view', 'removeView', 'Remove a saved view', removeView),
  route({
    method: 'post',
    path: '/api/cases/:caseId/queries',
    operationId: 'saveQuery',
    errors: { 409: 'the case holds as many of these as a case can (CASE_FULL)' },
    summary: 'Save a read-only Cypher query for the console under a name (refused as the console would refuse it)',
    tag: 'cases',
    status: 201,
    params: CaseParams,
    body: CaseInput.query,
    response: QuerySchema,
    handler: async ({ params, body, context, res }) => {
      const verdict = checkReadOnly(body.query);
      if (!verdict.ok) throw new TrailhoundError('QUERY_REFUSED', `Not saved: ${verdict.reason}`, 'The console runs read-only queries only; save one it would run.');
      return saveQuery(context.graph, params.caseId, body, authorOf(context, res));
    },
  }),
  removal('queries', 'query', 'removeQuery', 'Remove a saved query', removeQuery),
  ...(['archive', 'unarchive'] as const).map((what) =>
    route({
      method: 'post',
      path: `/api/cases/:caseId/findings/:findingId/${what}`,
      operationId: `${what}Finding`,
      summary: what === 'archive' ? 'Archive a finding, with the reason, in the case log (it leaves the findings list unless archived ones are asked for)' : 'Bring an archived finding back, with the reason, in the case log',
      tag: 'cases',
      params: z.object({ caseId, findingId: z.string().min(1).max(300) }),
      body: CaseInput.triage,
      response: DoneSchema,
      handler: async ({ params, body, context, res }) => {
        await setFindingArchived(context.graph, params.caseId, params.findingId, what === 'archive', body.reason, authorOf(context, res));
        return { done: `${what}d ${params.findingId}` };
      },
    }),
  ),
];

/**
 * DELETE /api/cases/{caseId}/{collection}/{id}: one of a case's pins, notes, saved views or
 * queries removed, the log keeping what it was.
 */
function removal(collection: string, prefix: string, operationId: string, summary: string, remove: (graph: Graph, caseId: string, id: string, author: Author) => Promise<void>) {
  // Named as the routes beside it name it (pinId, noteId...): one path, one parameter name.
  const key = `${prefix}Id`;
  return route({
    method: 'delete',
    path: `/api/cases/:caseId/${collection}/:${key}`,
    operationId,
    summary,
    tag: 'cases',
    params: z.object({ caseId, [key]: childId(prefix) }),
    response: DoneSchema,
    handler: async ({ params, context, res }) => {
      const given = params as Record<string, string>;
      const id = given[key]!;
      await remove(context.graph, given.caseId!, id, authorOf(context, res));
      return { done: `removed ${id}` };
    },
  });
}

/** zod keeps absent optional keys as undefined; the writers compare what was given. */
function stripUndefined<T extends Record<string, unknown>>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}
