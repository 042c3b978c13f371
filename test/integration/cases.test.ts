import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/driver';
import { Label, Rel } from '../../graph/vocabulary';
import { AUTO } from '../../ingest/autoSource';
import { RejectsLog } from '../../ingest/pipeline/rejectsLog';
import { runIngest } from '../../ingest/pipeline/runIngest';
import { CaseFileSchema, CaseHeaderSchema, CaseListSchema, CaseLogSchema, NoteSchema, PinSchema, ViewSchema } from '../../server/caseSchemas';
import { CaseReportSchema } from '../../server/caseReportSchema';
import { ErrorSchema, FindingGroupsSchema, FindingListSchema, GraphViewSchema, TimelinePageSchema } from '../../server/schemas';
import { startServer, type RunningServer } from '../../server/start';
import type { EventStore } from '../../store/eventStore';
import { runCli } from '../support/runCli';
import { connectTestGraph, openTestStore, testEnv, TEST_STORE_DIR, wipeGraph } from '../support/testGraph';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const CHRISTOPHE = 'arn:aws:iam::900138736586:user/christophe';
const FINDING = 'b6e1f0a2c3d4e5f60718293a4b5c6d7e';
const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdef00';
const enc = encodeURIComponent;

describe('cases (/api/cases) against a real Neo4j and event store', () => {
  let graph: Graph;
  let events: EventStore;
  let guarded: RunningServer;
  let open: RunningServer;

  beforeAll(async () => {
    graph = await connectTestGraph();
    await wipeGraph(graph);
    await runIngest({ source: AUTO, paths: [join(FIXTURES, 'cloudtrail', 'stratus-red-team'), join(FIXTURES, 'guardduty', 'leaked-key.valid.json')], graph, storeDir: TEST_STORE_DIR, rejects: new RejectsLog(null) });
    events = await openTestStore(graph);
    guarded = await startServer({ graph, events, host: '127.0.0.1', port: 0, version: 'test', namedTokens: { alice: ALICE, bob: BOB }, user: 'server-user' });
    open = await startServer({ graph, events, host: '127.0.0.1', port: 0, version: 'test', user: 'carol' });
  });
  afterAll(async () => {
    await guarded.close();
    await open.close();
    await events.close();
    await graph.close();
  });

  const call = (method: string, path: string, body?: unknown, token: string | null = ALICE, base = guarded.url) =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const ok = async <T>(response: Response, schema: { parse: (v: unknown) => T }, status = 200): Promise<T> => {
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(status);
    return schema.parse(body);
  };
  const log = async (caseId: string) => ok(await call('GET', `/api/cases/${caseId}/log?limit=1000`), CaseLogSchema);
  const openCase = async (title: string, token = ALICE) => ok(await call('POST', '/api/cases', { title }, token), CaseHeaderSchema, 201);

  it('opens, lists, reads and changes a case, signing every change with the token holder', async () => {
    const created = await ok(await call('POST', '/api/cases', { title: 'Leaked key of christophe', owner: 'alice' }), CaseHeaderSchema, 201);
    expect(created).toMatchObject({ title: 'Leaked key of christophe', status: 'open', owner: 'alice', createdBy: 'alice' });
    expect(created.caseId).toMatch(/^case-[0-9a-f]{8}$/);
    const list = await ok(await call('GET', '/api/cases'), CaseListSchema);
    expect(list.cases.map((c) => c.caseId)).toContain(created.caseId);
    const changed = await ok(await call('PATCH', `/api/cases/${created.caseId}`, { status: 'contained' }, BOB), CaseHeaderSchema);
    expect(changed.status).toBe('contained');
    expect((await ok(await call('GET', '/api/cases?status=contained'), CaseListSchema)).cases.map((c) => c.caseId)).toContain(created.caseId);
    expect((await ok(await call('GET', '/api/cases?status=closed'), CaseListSchema)).cases.map((c) => c.caseId)).not.toContain(created.caseId);
    // The same values again change nothing, and log nothing.
    await ok(await call('PATCH', `/api/cases/${created.caseId}`, { status: 'contained' }, BOB), CaseHeaderSchema);
    const entries = (await log(created.caseId)).entries;
    expect(entries.map((e) => [e.seq, e.action, e.author])).toEqual([
      [1, 'case.created', 'alice'],
      [2, 'case.updated', 'bob'],
    ]);
    expect(entries[1]!.detail).toEqual({ status: ['open', 'contained'] });
    // Without a named token, changes are signed with the server's user (TRAILHOUND_USER).
    const carols = await ok(await call('POST', '/api/cases', { title: 'no token here' }, null, open.url), CaseHeaderSchema, 201);
    expect(carols.createdBy).toBe('carol');
  });

  it('needs the token for every change when one is set, on loopback too, and refuses bad input with 400', async () => {
    const { caseId } = await openCase('guarded');
    for (const token of [null, 'wrong-token-0123456789abcd']) {
      expect((await call('POST', '/api/cases', { title: 'x' }, token)).status).toBe(401);
      expect((await call('PATCH', `/api/cases/${caseId}`, { title: 'x' }, token)).status).toBe(401);
      expect((await call('DELETE', `/api/cases/${caseId}`, undefined, token)).status).toBe(401);
    }
    for (const body of [{}, { title: '' }, { title: '   ' }, { title: 'x'.repeat(201) }, { title: 'ok', extra: 1 }, { title: 'ok', status: 'solved' }]) {
      const response = await call('POST', '/api/cases', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      ErrorSchema.parse(await response.json());
    }
    expect((await call('PATCH', `/api/cases/${caseId}`, {})).status).toBe(400);
    expect((await call('GET', '/api/cases/case-00000000')).status).toBe(404);
    expect((await call('GET', '/api/cases/not-a-case')).status).toBe(400);
    // A form post (what another site's page can send without asking) is not JSON: refused.
    const form = await fetch(`${guarded.url}/api/cases`, { method: 'POST', headers: { Authorization: `Bearer ${ALICE}`, 'content-type': 'text/plain' }, body: '{"title":"x"}' });
    expect(form.status).toBe(415);
    expect((await log(caseId)).total).toBe(1);
  });

  it('pins an entity, a finding and an event with verdicts, links them in the graph, and refuses what is not there or pinned twice', async () => {
    const { caseId } = await openCase('pins');
    const user = await ok(await call('POST', `/api/cases/${caseId}/pins`, { kind: 'entity', ref: `IamUser:${CHRISTOPHE}`, verdict: 'malicious', note: 'key leaked on GitHub' }), PinSchema, 201);
    expect(user).toMatchObject({ kind: 'entity', ref: `IamUser:${CHRISTOPHE}`, label: 'christophe', verdict: 'malicious', note: 'key leaked on GitHub', pinnedBy: 'alice', present: true });
    const finding = await ok(await call('POST', `/api/cases/${caseId}/pins`, { kind: 'entity', ref: `Finding:${FINDING}` }), PinSchema, 201);
    expect(finding.verdict).toBeNull();
    const timeline = await ok(await call('GET', `/api/entities/IamUser/${enc(CHRISTOPHE)}/timeline?limit=5`), TimelinePageSchema);
    const eventId = timeline.events[0]!.eventId;
    const event = await ok(await call('POST', `/api/cases/${caseId}/pins`, { kind: 'event', ref: eventId, verdict: 'suspicious' }), PinSchema, 201);
    expect(event.eventTime).toBe(timeline.events[0]!.time);
    expect(event.label).toContain(timeline.events[0]!.eventName!);
    expect(event.label).toContain('christophe');

    const twice = await call('POST', `/api/cases/${caseId}/pins`, { kind: 'entity', ref: `IamUser:${CHRISTOPHE}` });
    expect(twice.status).toBe(409);
    expect(ErrorSchema.parse(await twice.json()).error.hint).toContain(user.pinId);
    // The case exists (404 would say it does not): what the body names is unknown.
    expect((await call('POST', `/api/cases/${caseId}/pins`, { kind: 'entity', ref: 'IamUser:arn:aws:iam::1:user/nobody' })).status).toBe(422);
    expect((await call('POST', `/api/cases/${caseId}/pins`, { kind: 'event', ref: 'no-such-event' })).status).toBe(422);
    expect((await call('POST', '/api/cases/case-00000000/pins', { kind: 'event', ref: 'no-such-event' })).status).toBe(404);
    expect((await call('POST', `/api/cases/${caseId}/pins`, { kind: 'entity', ref: 'NotAKind:x' })).status).toBe(400);
    expect((await call('POST', `/api/cases/${caseId}/pins`, { kind: 'entity', ref: `IamUser:${CHRISTOPHE}`, verdict: 'guilty' })).status).toBe(400);

    // In the graph: Case -HAS_PIN-> CasePin -PINNED-> the user and the finding.
    const linked = await graph.read(
      `MATCH (:${Label.Case} {caseId: $caseId})-[:${Rel.HAS_PIN}]->(p:${Label.CasePin})-[:${Rel.PINNED}]->(x) RETURN p.verdict AS verdict, labels(x) AS labels ORDER BY verdict`,
      { caseId },
    );
    expect(linked.records.map((r) => [r.get('verdict'), (r.get('labels') as string[]).filter((l) => l !== 'Principal')[0]])).toEqual([
      ['malicious', Label.IamUser],
      [null, Label.Finding],
    ]);
    // Investigations never walk into the case: the user's neighbourhood holds no pin.
    const around = await ok(await call('GET', `/api/entities/IamUser/${enc(CHRISTOPHE)}/neighbors`), GraphViewSchema);
    expect(around.nodes.length).toBeGreaterThan(1);
    expect(around.nodes.some((n) => n.kind === Label.CasePin || n.kind === Label.Case)).toBe(false);

    const file = await ok(await call('GET', `/api/cases/${caseId}`), CaseFileSchema);
    expect(file.pins.map((p) => p.ref).sort()).toEqual([eventId, `Finding:${FINDING}`, `IamUser:${CHRISTOPHE}`].sort());
    expect((await log(caseId)).entries.map((e) => e.action)).toEqual(['case.created', 'pin.added', 'pin.added', 'pin.added']);
  });

  it('changes and removes pins; the log keeps the verdict and note before and after, and its earlier entries never change', async () => {
    const { caseId } = await openCase('verdicts');
    const pin = await ok(await call('POST', `/api/cases/${caseId}/pins`, { kind: 'entity', ref: `IamUser:${CHRISTOPHE}`, note: 'first look' }), PinSchema, 201);
    const before = (await log(caseId)).entries;
    const changed = await ok(await call('PATCH', `/api/cases/${caseId}/pins/${pin.pinId}`, { verdict: 'false-positive', note: 'a red-team exercise' }, BOB), PinSchema);
    expect(changed).toMatchObject({ verdict: 'false-positive', note: 'a red-team exercise' });
    await ok(await call('PATCH', `/api/cases/${caseId}/pins/${pin.pinId}`, { verdict: null }), PinSchema);
    expect((await call('DELETE', `/api/cases/${caseId}/pins/${pin.pinId}`)).status).toBe(200);
    expect((await call('DELETE', `/api/cases/${caseId}/pins/${pin.pinId}`)).status).toBe(404);
    const after = (await log(caseId)).entries;
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length).map((e) => [e.action, e.author, e.detail])).toEqual([
      ['pin.updated', 'bob', { verdict: [null, 'false-positive'], note: ['first look', 'a red-team exercise'] }],
      ['pin.updated', 'alice', { verdict: ['false-positive', null] }],
      ['pin.removed', 'alice', { was: { ref: `IamUser:${CHRISTOPHE}`, kind: 'entity', label: 'christophe', verdict: null, note: 'a red-team exercise' } }],
    ]);
    // The pin is gone from the graph, and so is its link to the user.
    expect((await graph.read(`MATCH (p:${Label.CasePin} {caseId: $caseId}) RETURN count(p) AS n`, { caseId })).records[0]!.get('n')).toBe(0);
  });

  it('numbers concurrent changes to one case without gaps or repeats', async () => {
    const { caseId } = await openCase('busy');
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => call('POST', `/api/cases/${caseId}/notes`, { text: `note ${i}` }, i % 2 ? ALICE : BOB)));
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(201));
    const { entries, total } = await log(caseId);
    expect(total).toBe(13);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(new Set(entries.slice(1).map((e) => (e.detail as { text: string }).text)).size).toBe(12);
  });

  it('keeps notes in Markdown, logs each edit with the text before and after, and the removed text', async () => {
    const { caseId } = await openCase('notes');
    const note = await ok(await call('POST', `/api/cases/${caseId}/notes`, { text: '## Scope\nkey **AKIA…** revoked at 10:02' }), NoteSchema, 201);
    const edited = await ok(await call('PATCH', `/api/cases/${caseId}/notes/${note.noteId}`, { text: '## Scope\nkey revoked at 10:02 UTC' }, BOB), NoteSchema);
    expect(edited).toMatchObject({ createdBy: 'alice', updatedBy: 'bob', text: '## Scope\nkey revoked at 10:02 UTC' });
    expect((await call('DELETE', `/api/cases/${caseId}/notes/${note.noteId}`)).status).toBe(200);
    expect((await ok(await call('GET', `/api/cases/${caseId}`), CaseFileSchema)).notes).toEqual([]);
    const entries = (await log(caseId)).entries.slice(1);
    expect(entries.map((e) => [e.action, e.target])).toEqual([
      ['note.added', note.noteId],
      ['note.edited', note.noteId],
      ['note.removed', note.noteId],
    ]);
    expect(entries[1]!.detail).toEqual({ text: ['## Scope\nkey **AKIA…** revoked at 10:02', '## Scope\nkey revoked at 10:02 UTC'] });
    expect((entries[2]!.detail as { was: { text: string } }).was.text).toBe('## Scope\nkey revoked at 10:02 UTC');
  });

  it('saves views that stay on this server, and queries the console would run', async () => {
    const { caseId } = await openCase('views');
    const view = await ok(await call('POST', `/api/cases/${caseId}/views`, { name: 'blast radius', url: `/?root=Finding%3A${FINDING}&exp=a` }), ViewSchema, 201);
    expect(view.url).toBe(`/?root=Finding%3A${FINDING}&exp=a`);
    for (const url of ['//evil.example/x', '/\\evil.example', 'javascript:alert(1)', 'https://evil.example/', '/a b', '/\nx']) {
      expect((await call('POST', `/api/cases/${caseId}/views`, { name: 'bad', url })).status, url).toBe(400);
    }
    const refused = await call('POST', `/api/cases/${caseId}/queries`, { name: 'wipe', query: 'MATCH (n) DETACH DELETE n' });
    expect(refused.status).toBe(400);
    expect(ErrorSchema.parse(await refused.json()).error.code).toBe('QUERY_REFUSED');
    expect((await call('POST', `/api/cases/${caseId}/queries`, { name: 'keys', query: 'MATCH (k:AccessKey) RETURN k LIMIT 5' })).status).toBe(201);
    const file = await ok(await call('GET', `/api/cases/${caseId}`), CaseFileSchema);
    expect(file.views.map((v) => v.name)).toEqual(['blast radius']);
    expect(file.queries.map((q) => q.query)).toEqual(['MATCH (k:AccessKey) RETURN k LIMIT 5']);
    expect((await call('DELETE', `/api/cases/${caseId}/views/${view.viewId}`)).status).toBe(200);
    expect((await ok(await call('GET', `/api/cases/${caseId}`), CaseFileSchema)).views).toEqual([]);
  });

  it("archives a finding with a reason: it leaves the findings list, comes back when asked for, and the case's log keeps both decisions", async () => {
    const { caseId } = await openCase('triage');
    const listed = async (includeArchived: boolean) => (await ok(await call('GET', `/api/findings?includeArchived=${includeArchived}&limit=500`), FindingListSchema)).findings;
    expect((await listed(false)).map((f) => f.findingId)).toContain(FINDING);
    const read = async () => (await ok(await call('GET', '/api/finding-groups?from=2000-01-01&to=2100-01-01'), FindingGroupsSchema)).findingsRead;
    const readBefore = await read();
    expect(readBefore).toBeGreaterThan(0);
    expect((await call('POST', `/api/cases/${caseId}/findings/${FINDING}/archive`, { reason: 'the red team, ticket RT-7' })).status).toBe(200);
    expect((await listed(false)).map((f) => f.findingId)).not.toContain(FINDING);
    const archived = (await listed(true)).find((f) => f.findingId === FINDING);
    expect(archived?.triage).toMatchObject({ archived: true, reason: 'the red team, ticket RT-7', by: 'alice', caseId });
    // Finding groups leave it out too.
    expect(await read()).toBe(readBefore - 1);
    // GuardDuty's next update of the finding does not undo the decision.
    await runIngest({ source: AUTO, paths: [join(FIXTURES, 'guardduty', 'leaked-key.valid.json')], graph, storeDir: TEST_STORE_DIR, rejects: new RejectsLog(null) });
    expect((await listed(false)).map((f) => f.findingId)).not.toContain(FINDING);
    expect((await call('POST', `/api/cases/${caseId}/findings/${FINDING}/unarchive`, { reason: 'not the red team after all' }, BOB)).status).toBe(200);
    expect((await listed(false)).map((f) => f.findingId)).toContain(FINDING);
    expect((await call('POST', `/api/cases/${caseId}/findings/nope/archive`, { reason: 'x' })).status).toBe(404);
    expect((await call('POST', `/api/cases/${caseId}/findings/${FINDING}/archive`, {})).status).toBe(400);
    const entries = (await log(caseId)).entries.slice(1);
    expect(entries.map((e) => [e.action, e.author, e.detail])).toEqual([
      ['finding.archived', 'alice', { archived: [false, true], reason: 'the red team, ticket RT-7' }],
      ['finding.unarchived', 'bob', { archived: [true, false], reason: 'not the red team after all' }],
    ]);
  });

  it("reports a case: pins by verdict, the merged timeline of its pinned principals with their sessions' calls, and log text escaped in Markdown", async () => {
    const hostile = 'Pwned <img src=x onerror=alert(1)> [click](javascript:alert(1))';
    const { caseId } = await openCase(hostile);
    await call('POST', `/api/cases/${caseId}/pins`, { kind: 'entity', ref: `IamUser:${CHRISTOPHE}`, verdict: 'malicious', note: '<script>alert(1)</script>' });
    const own = await ok(await call('GET', `/api/entities/IamUser/${enc(CHRISTOPHE)}/timeline?limit=500`), TimelinePageSchema);
    await call('POST', `/api/cases/${caseId}/pins`, { kind: 'event', ref: own.events[1]!.eventId, verdict: 'suspicious' });
    await call('POST', `/api/cases/${caseId}/notes`, { text: '**Contained** at 10:02 <b onclick="x()">bold</b>' });

    const report = await ok(await call('GET', `/api/cases/${caseId}/report?timelineLimit=10000`), CaseReportSchema);
    expect(report.summary).toMatchObject({ pins: 2, principals: 1, notes: 1 });
    expect(report.summary.verdicts).toMatchObject({ malicious: 1, suspicious: 1 });
    expect(report.pins.map((p) => p.verdict)).toEqual(['malicious', 'suspicious']);
    // The timeline is the user's own timeline, sessions included, each event once, in time order.
    expect(report.timeline.entries.map((e) => e.eventId).sort()).toEqual(own.events.map((e) => e.eventId).sort());
    expect(report.timeline.entries.map((e) => e.time)).toEqual([...report.timeline.entries.map((e) => e.time)].sort());
    expect(report.timeline.entries.filter((e) => e.pinned).map((e) => [e.eventId, e.pinned])).toEqual([[own.events[1]!.eventId, 'suspicious']]);
    expect(report.timeline.truncated).toBe(false);
    const capped = await ok(await call('GET', `/api/cases/${caseId}/report?timelineLimit=2`), CaseReportSchema);
    expect(capped.timeline.entries).toHaveLength(2);
    expect(capped.timeline.truncated).toBe(true);
    expect(capped.remarks.join(' ')).toContain('first 2 events');
    // By default the window is the pinned event a day either side; one can be asked for instead.
    expect(report.timeline.window).toBe('the pinned events and findings, a day either side');
    expect(Date.parse(report.timeline.from)).toBe(Date.parse(own.events[1]!.time) - 86_400_000);
    const before = await ok(await call('GET', `/api/cases/${caseId}/report?from=2001-01-01&to=2001-01-02`), CaseReportSchema);
    expect(before.timeline).toMatchObject({ entries: [], window: 'the window asked for', from: '2001-01-01T00:00:00.000Z' });

    const markdown = await (await call('GET', `/api/cases/${caseId}/report?format=md`)).text();
    expect(markdown).toContain('# Case: Pwned \\<img src=x onerror=alert\\(1\\)\\> \\[click\\]\\(javascript:alert\\(1\\)\\)');
    expect(markdown).not.toMatch(/(^|[^\\])<(img|script|b )/m);
    // Even a renderer that lets raw HTML through (some ticket systems do) makes no element of it.
    const rendered = new MarkdownIt({ html: true }).render(markdown);
    expect(rendered).not.toMatch(/<(img|script|b)[\s>]/);
    expect(rendered).not.toContain('href="javascript:');
    expect(markdown).toContain('**Contained** at 10:02 &lt;b onclick');
    expect(markdown).toContain('### Malicious');
    expect(markdown).toContain('## Timeline of the pinned principals');
  });

  it('`trailhound case export` writes the same report as Markdown or JSON; `case list` lists the cases', async () => {
    const { caseId } = await openCase('for the CLI');
    await call('POST', `/api/cases/${caseId}/pins`, { kind: 'entity', ref: `IamUser:${CHRISTOPHE}`, verdict: 'malicious' });
    const dir = mkdtempSync(join(tmpdir(), 'trailhound-case-'));
    const md = await runCli(['case', 'export', caseId, '--format', 'md', '--out', join(dir, 'case.md')], testEnv());
    expect(md.code, md.stderr).toBe(0);
    const text = readFileSync(join(dir, 'case.md'), 'utf8');
    expect(text).toContain('# Case: for the CLI');
    expect(text).toContain(`\`IamUser:${CHRISTOPHE}\``);
    const json = await runCli(['case', 'export', caseId, '--format', 'json', '--timeline-limit', '2'], testEnv());
    expect(json.code, json.stderr).toBe(0);
    const report = CaseReportSchema.parse(JSON.parse(json.stdout));
    expect(report.case.caseId).toBe(caseId);
    expect(report.timeline.entries).toHaveLength(2);
    expect(report.timeline.truncated).toBe(true);
    const list = await runCli(['case', 'list'], testEnv());
    expect(list.stdout).toContain(`${caseId}  open`);
    const missing = await runCli(['case', 'export', 'case-00000000'], testEnv());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No case case-00000000');
  });

  it('deletes what a case holds but keeps its log, which ends with who deleted it and what it held', async () => {
    const { caseId } = await openCase('to delete');
    await call('POST', `/api/cases/${caseId}/pins`, { kind: 'entity', ref: `IamUser:${CHRISTOPHE}` });
    await call('POST', `/api/cases/${caseId}/notes`, { text: 'x' });
    expect((await call('DELETE', `/api/cases/${caseId}`, undefined, BOB)).status).toBe(200);
    const gone = await call('GET', `/api/cases/${caseId}`);
    expect(gone.status).toBe(404);
    expect(ErrorSchema.parse(await gone.json()).error.message).toMatch(new RegExp(`Case ${caseId} was deleted by bob at \\d{4}-`));
    expect((await ok(await call('GET', '/api/cases'), CaseListSchema)).cases.map((c) => c.caseId)).not.toContain(caseId);
    // Nothing more can be done to it, nor can it be deleted twice.
    expect((await call('POST', `/api/cases/${caseId}/notes`, { text: 'y' })).status).toBe(404);
    expect((await call('DELETE', `/api/cases/${caseId}`)).status).toBe(404);
    const { entries } = await log(caseId);
    expect(entries.map((e) => [e.action, e.author])).toEqual([
      ['case.created', 'alice'],
      ['pin.added', 'alice'],
      ['note.added', 'alice'],
      ['case.deleted', 'bob'],
    ]);
    expect(entries[3]!.detail).toMatchObject({ title: 'to delete', held: { pins: 1, notes: 1, views: 0, queries: 0 } });
    const left = await graph.read(`MATCH (x) WHERE x.caseId = $caseId AND NOT x:${Label.Case} AND NOT x:${Label.CaseLogEntry} RETURN count(x) AS n`, { caseId });
    expect(left.records[0]!.get('n')).toBe(0);
  });

  it('refuses a change made from a stale view (409), never overwriting a teammate under the wrong name', async () => {
    const { caseId } = await openCase('stale');
    const pin = await ok(await call('POST', `/api/cases/${caseId}/pins`, { kind: 'entity', ref: `IamUser:${CHRISTOPHE}`, note: 'first' }), PinSchema, 201);
    await ok(await call('PATCH', `/api/cases/${caseId}/pins/${pin.pinId}`, { note: 'bob was here', expected: { note: 'first' } }, BOB), PinSchema);
    const stale = await call('PATCH', `/api/cases/${caseId}/pins/${pin.pinId}`, { note: 'alice overwrites', expected: { note: 'first' } });
    expect(stale.status).toBe(409);
    expect(ErrorSchema.parse(await stale.json()).error.message).toContain('"bob was here"');
    expect((await call('PATCH', `/api/cases/${caseId}`, { status: 'closed', expected: { status: 'contained' } })).status).toBe(409);
    expect((await call('PATCH', `/api/cases/${caseId}`, { expected: { status: 'open' } })).status).toBe(400);
    expect((await call('PATCH', `/api/cases/${caseId}`, { status: 'closed', expected: { status: 'open' } })).status).toBe(200);
    const note = await ok(await call('POST', `/api/cases/${caseId}/notes`, { text: 'v1' }), NoteSchema, 201);
    await ok(await call('PATCH', `/api/cases/${caseId}/notes/${note.noteId}`, { text: 'v2', expected: { text: 'v1' } }, BOB), NoteSchema);
    expect((await call('PATCH', `/api/cases/${caseId}/notes/${note.noteId}`, { text: 'v3', expected: { text: 'v1' } })).status).toBe(409);
    const actions = (await log(caseId)).entries.map((e) => e.action);
    expect(actions).toEqual(['case.created', 'pin.added', 'pin.updated', 'case.updated', 'note.added', 'note.edited']);
  });

  it('refuses control characters (terminal escapes) and line breaks where one line is meant, and caps what a case holds', async () => {
    for (const title of ['\u001b]0;pwned\u0007', 'two\nlines', 'a\rb', '\u009b31m']) expect((await call('POST', '/api/cases', { title })).status, JSON.stringify(title)).toBe(400);
    const { caseId } = await openCase('capacity');
    expect((await call('POST', `/api/cases/${caseId}/notes`, { text: 'red \u001b[31m text' })).status).toBe(400);
    expect((await call('POST', `/api/cases/${caseId}/notes`, { text: '## Two\r\nlines\n\tindented' })).status).toBe(201);
    for (let i = 0; i < 200; i += 1) expect((await call('POST', `/api/cases/${caseId}/views`, { name: `v${i}`, url: `/?root=x${i}` })).status).toBe(201);
    const full = await call('POST', `/api/cases/${caseId}/views`, { name: 'one more', url: '/' });
    expect(full.status).toBe(409);
    expect(ErrorSchema.parse(await full.json()).error.code).toBe('CASE_FULL');
    // The log's latest entries, newest first, and how many there are.
    const newest = await ok(await call('GET', `/api/cases/${caseId}/log?newest=true&limit=3`), CaseLogSchema);
    expect(newest.total).toBe(202);
    expect(newest.entries.map((e) => e.seq)).toEqual([202, 201, 200]);
  });
});
