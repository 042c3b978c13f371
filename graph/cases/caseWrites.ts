import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Node as Neo4jNode } from 'neo4j-driver';
import { escapeName as n } from '../cypher/escape';
import { cypherInt, type Graph } from '../driver';
import { TrailhoundError } from '../errors';
import { displayName, keyProperty, parseEntityRef } from '../investigations/entities';
import { Label, Rel } from '../vocabulary';
import type { ManagedTransaction } from 'neo4j-driver';
import { appendEntry, changeCase, checkExpected, differences, type Author } from './caseChange';
import { readCaseHeader, readPin, toNote, toQuery, toView } from './caseReads';
import { CAPACITY, type CaseHeader, type CaseNote, type CaseStatus, type Pin, type PinKind, type SavedQuery, type SavedView, type Verdict } from './caseTypes';

/**
 * Every change a responder makes to a case. Each one is a single write transaction that also
 * appends the case's log entry (caseChange.ts): nothing changes without its entry, and entries are
 * only ever created.
 */

export async function createCase(graph: Graph, fields: { title: string; owner?: string | null; status?: CaseStatus }, author: Author): Promise<CaseHeader> {
  for (let attempt = 0; ; attempt += 1) {
    // Short enough to say on a call ("case 3f9a1c2b"), random enough for a team's cases.
    const caseId = `case-${randomBytes(4).toString('hex')}`;
    try {
      await graph.write(async (tx) => {
        const now = author.now ?? Date.now();
        const props = { caseId, title: fields.title, status: fields.status ?? 'open', owner: fields.owner ?? null, createdAt: cypherInt(now), createdBy: author.name, updatedAt: cypherInt(now), logCount: cypherInt(0) };
        await tx.run(`CREATE (c:${n(Label.Case)}) SET c = $props`, { props });
        await appendEntry(tx, { entryId: `entry-${randomUUID()}`, caseId, author: author.name, now, action: 'case.created', target: caseId, detail: { title: fields.title, status: props.status, owner: props.owner } });
      });
      return (await readCaseHeader(graph, caseId))!;
    } catch (error) {
      if (attempt < 3 && (error as { code?: string }).code === 'Neo.ClientError.Schema.ConstraintValidationFailed') continue;
      throw error;
    }
  }
}

type CaseFields = { title?: string; status?: CaseStatus; owner?: string | null };

/** Changes title, status or owner; `expected` holds the values the client saw (a 409 if someone changed them since). */
export async function updateCase(graph: Graph, caseId: string, fields: CaseFields, author: Author, expected?: CaseFields): Promise<CaseHeader> {
  await changeCase(graph, caseId, author, async (tx) => {
    const before = (await tx.run(`MATCH (c:${n(Label.Case)} {caseId: $caseId}) RETURN c {.title, .status, .owner} AS c`, { caseId })).records[0]!.get('c') as Record<string, unknown>;
    checkExpected(before, expected, 'case');
    const changed = differences(before, fields);
    if (Object.keys(changed).length === 0) return null;
    const set = Object.fromEntries(Object.entries(changed).map(([k, [, after]]) => [k, after]));
    await tx.run(`MATCH (c:${n(Label.Case)} {caseId: $caseId}) SET c += $set`, { caseId, set });
    return { action: 'case.updated', target: caseId, detail: changed, result: null };
  });
  return (await readCaseHeader(graph, caseId))!;
}

/**
 * Deletes what a case holds (pins, notes, saved views and queries) and marks the case deleted.
 * The case node and its log stay, with a last entry saying who deleted it and what it held: a
 * deletion is a change like any other, and cannot erase the record of what was decided in the
 * case (its archive decisions stay with their findings too).
 */
export async function deleteCase(graph: Graph, caseId: string, author: Author): Promise<void> {
  await changeCase(graph, caseId, author, async (tx, now) => {
    const held: Record<string, number> = {};
    for (const [what, label] of [['pins', Label.CasePin], ['notes', Label.CaseNote], ['views', Label.SavedView], ['queries', Label.SavedQuery]] as const) {
      const removed = await tx.run(`MATCH (x:${n(label)} {caseId: $caseId}) DETACH DELETE x RETURN count(*) AS removed`, { caseId });
      held[what] = removed.records[0]!.get('removed') as number;
    }
    const c = await tx.run(`MATCH (c:${n(Label.Case)} {caseId: $caseId}) SET c.deletedAt = $now, c.deletedBy = $by RETURN c.title AS title, c.status AS status`, { caseId, now: cypherInt(now), by: author.name });
    return { action: 'case.deleted', target: caseId, detail: { title: c.records[0]!.get('title'), status: c.records[0]!.get('status'), held }, result: null };
  });
}

/** Refuses one more item of a kind a case already holds its capacity of. */
async function checkCapacity(tx: ManagedTransaction, caseId: string, label: typeof Label.CasePin | typeof Label.CaseNote | typeof Label.SavedView | typeof Label.SavedQuery, what: keyof typeof CAPACITY): Promise<void> {
  const held = (await tx.run(`MATCH (x:${n(label)} {caseId: $caseId}) RETURN count(x) AS held`, { caseId })).records[0]!.get('held') as number;
  if (held >= CAPACITY[what]) {
    throw new TrailhoundError('CASE_FULL', `Case ${caseId} already holds ${CAPACITY[what].toLocaleString('en-US')} ${what}, as many as a case can.`, 'Remove what no longer matters, or open another case for another part of the incident.');
  }
}

/** The id of a case's pin of a ref: the same thing pinned twice is one pin. */
export function pinIdOf(caseId: string, kind: PinKind, ref: string): string {
  return `pin-${createHash('sha256').update(`${caseId}\n${kind}\n${ref}`).digest('hex').slice(0, 16)}`;
}

/** An event as the route found it in the event store: pins of events are checked there, not in the graph. */
export interface PinnedEvent {
  readonly label: string;
  readonly time: number;
}

/**
 * Pins an entity or finding (kind:key, which must be in the graph) or an event (which the caller
 * found in the event store). Pinning what the case already pins is refused (409): change the pin.
 */
export async function addPin(
  graph: Graph,
  caseId: string,
  pin: { kind: PinKind; ref: string; verdict?: Verdict | null; note?: string; event?: PinnedEvent },
  author: Author,
): Promise<Pin> {
  const pinId = pinIdOf(caseId, pin.kind, pin.ref);
  await changeCase(graph, caseId, author, async (tx, now) => {
    const exists = await tx.run(`MATCH (p:${n(Label.CasePin)} {pinId: $pinId}) RETURN p.pinId AS id`, { pinId });
    if (exists.records.length > 0) throw new TrailhoundError('CONFLICT', `Case ${caseId} already pins ${pin.ref.slice(0, 200)}.`, `Change its verdict or note with PATCH /api/cases/${caseId}/pins/${pinId}.`);
    await checkCapacity(tx, caseId, Label.CasePin, 'pins');
    let label: string;
    let eventTime: number | null = null;
    // The entity's node (label and key from the vocabulary), matched again to link it below.
    const ref = pin.kind === 'entity' ? parseEntityRef(pin.ref) : null;
    const entity = ref ? `MATCH (x:${n(ref.kind)} {${n(keyProperty(ref.kind))}: $key})` : '';
    if (ref) {
      const found = await tx.run(`${entity} RETURN x LIMIT 1`, { key: ref.key });
      const node = found.records[0]?.get('x') as Neo4jNode | undefined;
      if (!node) throw new TrailhoundError('UNKNOWN_REFERENCE', `No ${ref.kind} ${ref.key.slice(0, 200)} in the graph.`, 'Pin what the graph shows: search for it first.');
      label = displayName(ref.kind, node.properties as Record<string, unknown>);
    } else {
      if (!pin.event) throw new Error('an event pin needs the event as the store has it');
      label = pin.event.label;
      eventTime = pin.event.time;
    }
    const props = {
      pinId,
      caseId,
      kind: pin.kind,
      ref: pin.ref,
      label,
      verdict: pin.verdict ?? null,
      note: pin.note ?? '',
      pinnedAt: cypherInt(now),
      pinnedBy: author.name,
      updatedAt: cypherInt(now),
      eventTime: eventTime === null ? null : cypherInt(eventTime),
    };
    // The pin and its link to the entity in one statement.
    await tx.run(
      `MATCH (c:${n(Label.Case)} {caseId: $caseId}) ${entity}
       CREATE (c)-[:${n(Rel.HAS_PIN)}]->(p:${n(Label.CasePin)}) SET p = $props${ref ? ` MERGE (p)-[:${n(Rel.PINNED)}]->(x)` : ''}`,
      { caseId, props, key: ref?.key ?? null },
    );
    return { action: 'pin.added', target: pin.ref, detail: { kind: pin.kind, label, verdict: props.verdict, note: props.note }, result: null };
  });
  return (await readPin(graph, caseId, pinId))!;
}

type PinFields = { verdict?: Verdict | null; note?: string };

/** Changes a pin's verdict or note; `expected` holds the values the client saw (a 409 if someone changed them since). */
export async function updatePin(graph: Graph, caseId: string, pinId: string, fields: PinFields, author: Author, expected?: PinFields): Promise<Pin> {
  await changeCase(graph, caseId, author, async (tx, now) => {
    const found = await tx.run(`MATCH (p:${n(Label.CasePin)} {pinId: $pinId, caseId: $caseId}) RETURN p {.ref, .verdict, .note} AS p`, { pinId, caseId });
    const before = found.records[0]?.get('p') as Record<string, unknown> | undefined;
    if (!before) throw noPin(caseId, pinId);
    checkExpected(before, expected, 'pin');
    const changed = differences(before, fields);
    if (Object.keys(changed).length === 0) return null;
    const set = Object.fromEntries(Object.entries(changed).map(([k, [, after]]) => [k, after]));
    await tx.run(`MATCH (p:${n(Label.CasePin)} {pinId: $pinId, caseId: $caseId}) SET p += $set, p.updatedAt = $now`, { pinId, caseId, set, now: cypherInt(now) });
    return { action: 'pin.updated', target: String(before.ref), detail: changed, result: null };
  });
  return (await readPin(graph, caseId, pinId))!;
}

export async function removePin(graph: Graph, caseId: string, pinId: string, author: Author): Promise<void> {
  await changeCase(graph, caseId, author, async (tx) => {
    const found = await tx.run(`MATCH (p:${n(Label.CasePin)} {pinId: $pinId, caseId: $caseId}) RETURN p {.ref, .kind, .label, .verdict, .note} AS p`, { pinId, caseId });
    const before = found.records[0]?.get('p') as Record<string, unknown> | undefined;
    if (!before) throw noPin(caseId, pinId);
    await tx.run(`MATCH (p:${n(Label.CasePin)} {pinId: $pinId, caseId: $caseId}) DETACH DELETE p`, { pinId, caseId });
    return { action: 'pin.removed', target: String(before.ref), detail: { was: before }, result: null };
  });
}

export async function addNote(graph: Graph, caseId: string, text: string, author: Author): Promise<CaseNote> {
  const noteId = `note-${randomUUID().slice(0, 13).replace('-', '')}`;
  return changeCase(graph, caseId, author, async (tx, now) => {
    await checkCapacity(tx, caseId, Label.CaseNote, 'notes');
    const props = { noteId, caseId, text, createdAt: cypherInt(now), createdBy: author.name, updatedAt: cypherInt(now), updatedBy: author.name };
    await tx.run(`CREATE (x:${n(Label.CaseNote)}) SET x = $props`, { props });
    return { action: 'note.added', target: noteId, detail: { text }, result: toNote({ ...props, createdAt: now, updatedAt: now }) };
  });
}

/** Edits a note; `expectedText` is the text the client saw (a 409 if someone edited it since). */
export async function editNote(graph: Graph, caseId: string, noteId: string, text: string, author: Author, expectedText?: string): Promise<CaseNote> {
  return changeCase<CaseNote>(graph, caseId, author, async (tx, now) => {
    const found = await tx.run(`MATCH (x:${n(Label.CaseNote)} {noteId: $noteId, caseId: $caseId}) RETURN properties(x) AS x`, { noteId, caseId });
    const before = found.records[0]?.get('x') as Record<string, unknown> | undefined;
    if (!before) throw new TrailhoundError('NOT_FOUND', `Case ${caseId.slice(0, 100)} has no note ${noteId.slice(0, 100)}.`);
    checkExpected(before, expectedText === undefined ? undefined : { text: expectedText }, 'note');
    if (before.text === text) return { unchanged: toNote(before) };
    const after = { ...before, text, updatedAt: now, updatedBy: author.name };
    await tx.run(`MATCH (x:${n(Label.CaseNote)} {noteId: $noteId, caseId: $caseId}) SET x.text = $text, x.updatedAt = $now, x.updatedBy = $by`, { noteId, caseId, text, now: cypherInt(now), by: author.name });
    return { action: 'note.edited', target: noteId, detail: { text: [before.text, text] }, result: toNote(after) };
  });
}

export async function removeNote(graph: Graph, caseId: string, noteId: string, author: Author): Promise<void> {
  await removeChild(graph, caseId, author, Label.CaseNote, 'noteId', noteId, 'note.removed', 'note');
}

export async function saveView(graph: Graph, caseId: string, view: { name: string; url: string }, author: Author): Promise<SavedView> {
  const viewId = `view-${randomUUID().slice(0, 13).replace('-', '')}`;
  return changeCase(graph, caseId, author, async (tx, now) => {
    await checkCapacity(tx, caseId, Label.SavedView, 'views');
    const props = { viewId, caseId, name: view.name, url: view.url, createdAt: cypherInt(now), createdBy: author.name };
    await tx.run(`CREATE (x:${n(Label.SavedView)}) SET x = $props`, { props });
    return { action: 'view.saved', target: viewId, detail: { name: view.name, url: view.url }, result: toView({ ...props, createdAt: now }) };
  });
}

export async function removeView(graph: Graph, caseId: string, viewId: string, author: Author): Promise<void> {
  await removeChild(graph, caseId, author, Label.SavedView, 'viewId', viewId, 'view.removed', 'saved view');
}

export async function saveQuery(graph: Graph, caseId: string, saved: { name: string; query: string }, author: Author): Promise<SavedQuery> {
  const queryId = `query-${randomUUID().slice(0, 13).replace('-', '')}`;
  return changeCase(graph, caseId, author, async (tx, now) => {
    await checkCapacity(tx, caseId, Label.SavedQuery, 'queries');
    const props = { queryId, caseId, name: saved.name, query: saved.query, createdAt: cypherInt(now), createdBy: author.name };
    await tx.run(`CREATE (x:${n(Label.SavedQuery)}) SET x = $props`, { props });
    return { action: 'query.saved', target: queryId, detail: { name: saved.name, query: saved.query }, result: toQuery({ ...props, createdAt: now }) };
  });
}

export async function removeQuery(graph: Graph, caseId: string, queryId: string, author: Author): Promise<void> {
  await removeChild(graph, caseId, author, Label.SavedQuery, 'queryId', queryId, 'query.removed', 'saved query');
}

async function removeChild(
  graph: Graph,
  caseId: string,
  author: Author,
  label: typeof Label.CaseNote | typeof Label.SavedView | typeof Label.SavedQuery,
  key: string,
  id: string,
  action: 'note.removed' | 'view.removed' | 'query.removed',
  what: string,
): Promise<void> {
  await changeCase(graph, caseId, author, async (tx) => {
    const found = await tx.run(`MATCH (x:${n(label)} {${n(key)}: $id, caseId: $caseId}) RETURN properties(x) AS x`, { id, caseId });
    const before = found.records[0]?.get('x') as Record<string, unknown> | undefined;
    if (!before) throw new TrailhoundError('NOT_FOUND', `Case ${caseId.slice(0, 100)} has no ${what} ${id.slice(0, 100)}.`);
    await tx.run(`MATCH (x:${n(label)} {${n(key)}: $id, caseId: $caseId}) DETACH DELETE x`, { id, caseId });
    const { caseId: _c, [key]: _k, ...was } = before;
    return { action, target: id, detail: { was }, result: null };
  });
}

/**
 * Archives or unarchives a finding, with the reason, in a case's log. The decision is kept apart
 * from the Finding node (GuardDuty's updates rewrite that) and applies wherever the finding is
 * listed; the case's log keeps every decision and its reason.
 */
export async function setFindingArchived(graph: Graph, caseId: string, findingId: string, archived: boolean, reason: string, author: Author): Promise<void> {
  await changeCase(graph, caseId, author, async (tx, now) => {
    const found = await tx.run(
      `MATCH (f:${n(Label.Finding)} {findingId: $findingId})
       OPTIONAL MATCH (t:${n(Label.FindingTriage)} {findingId: $findingId})
       RETURN coalesce(t.archived, f.archived, false) AS archived`,
      { findingId },
    );
    if (found.records.length === 0) throw new TrailhoundError('NOT_FOUND', `No finding ${findingId.slice(0, 200)} in the graph.`);
    const wasArchived = found.records[0]!.get('archived') === true;
    await tx.run(
      `MERGE (t:${n(Label.FindingTriage)} {findingId: $findingId})
       SET t.archived = $archived, t.reason = $reason, t.at = $now, t.by = $by, t.caseId = $caseId`,
      { findingId, archived, reason, now: cypherInt(now), by: author.name, caseId },
    );
    return { action: archived ? 'finding.archived' : 'finding.unarchived', target: `${Label.Finding}:${findingId}`, detail: { archived: [wasArchived, archived], reason }, result: null };
  });
}

function noPin(caseId: string, pinId: string): TrailhoundError {
  return new TrailhoundError('NOT_FOUND', `Case ${caseId.slice(0, 100)} has no pin ${pinId.slice(0, 100)}.`, `The case's pins are listed by GET /api/cases/${caseId.slice(0, 100)}.`);
}
