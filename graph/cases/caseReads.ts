import { escapeName as n } from '../cypher/escape';
import { cypherInt, type Graph } from '../driver';
import { iso } from '../investigations/shapes';
import { Label, Rel } from '../vocabulary';
import { deletedCase, noCase } from './caseChange';
import { CASE_STATUSES, LIMITS, VERDICTS, type CaseFile, type CaseHeader, type CaseNote, type CaseStatus, type CaseSummary, type FindingTriage, type LogAction, type LogEntry, type Pin, type SavedQuery, type SavedView, type Verdict } from './caseTypes';

type Props = Record<string, unknown>;

const text = (v: unknown) => (typeof v === 'string' ? v : '');
const time = (v: unknown) => iso(typeof v === 'number' ? v : 0);

export function toHeader(c: Props): CaseHeader {
  return {
    caseId: text(c.caseId),
    title: text(c.title),
    status: (CASE_STATUSES as readonly string[]).includes(text(c.status)) ? (c.status as CaseStatus) : 'open',
    owner: typeof c.owner === 'string' ? c.owner : null,
    createdAt: time(c.createdAt),
    createdBy: text(c.createdBy),
    updatedAt: time(c.updatedAt),
  };
}

export function toPin(p: Props, present: boolean): Pin {
  return {
    pinId: text(p.pinId),
    kind: p.kind === 'event' ? 'event' : 'entity',
    ref: text(p.ref),
    label: text(p.label),
    verdict: (VERDICTS as readonly string[]).includes(text(p.verdict)) ? (p.verdict as Verdict) : null,
    note: text(p.note),
    pinnedAt: time(p.pinnedAt),
    pinnedBy: text(p.pinnedBy),
    updatedAt: time(p.updatedAt),
    eventTime: typeof p.eventTime === 'number' ? iso(p.eventTime) : null,
    present: p.kind === 'event' || present,
  };
}

export function toNote(x: Props): CaseNote {
  return { noteId: text(x.noteId), text: text(x.text), createdAt: time(x.createdAt), createdBy: text(x.createdBy), updatedAt: time(x.updatedAt), updatedBy: text(x.updatedBy) };
}

export function toView(x: Props): SavedView {
  return { viewId: text(x.viewId), name: text(x.name), url: text(x.url), createdAt: time(x.createdAt), createdBy: text(x.createdBy) };
}

export function toQuery(x: Props): SavedQuery {
  return { queryId: text(x.queryId), name: text(x.name), query: text(x.query), createdAt: time(x.createdAt), createdBy: text(x.createdBy) };
}

function toTriage(x: Props): FindingTriage {
  return { findingId: text(x.findingId), archived: x.archived === true, reason: text(x.reason), at: time(x.at), by: text(x.by), caseId: text(x.caseId) };
}

export async function readCaseHeader(graph: Graph, caseId: string): Promise<CaseHeader | null> {
  const result = await graph.read(`MATCH (c:${n(Label.Case)} {caseId: $caseId}) WHERE c.deletedAt IS NULL RETURN properties(c) AS c`, { caseId });
  const c = result.records[0]?.get('c') as Props | undefined;
  return c ? toHeader(c) : null;
}

export async function readPin(graph: Graph, caseId: string, pinId: string): Promise<Pin | null> {
  const result = await graph.read(
    `MATCH (p:${n(Label.CasePin)} {pinId: $pinId, caseId: $caseId}) RETURN properties(p) AS p, EXISTS { (p)-[:${n(Rel.PINNED)}]->() } AS present`,
    { pinId, caseId },
  );
  const record = result.records[0];
  return record ? toPin(record.get('p') as Props, record.get('present') === true) : null;
}

/** The cases, most recently changed first, with what they hold; at most LIMITS.cases, and says when there are more. */
export async function listCases(graph: Graph, status: CaseStatus | null): Promise<{ cases: CaseSummary[]; total: number; truncated: boolean }> {
  const result = await graph.read(
    `MATCH (c:${n(Label.Case)}) WHERE c.deletedAt IS NULL AND ($status IS NULL OR c.status = $status)
     WITH c ORDER BY c.updatedAt DESC, c.caseId
     WITH collect(c) AS listed
     UNWIND listed[..$limit] AS c
     OPTIONAL MATCH (p:${n(Label.CasePin)} {caseId: c.caseId})
     WITH listed, c, collect(coalesce(p.verdict, 'undecided')) AS verdicts
     RETURN properties(c) AS c, verdicts, COUNT { (x:${n(Label.CaseNote)} {caseId: c.caseId}) } AS notes, size(listed) AS total`,
    { status, limit: cypherInt(LIMITS.cases) },
  );
  const cases = result.records.map((r) => {
    const verdicts = r.get('verdicts') as string[];
    const counts = Object.fromEntries([...VERDICTS, 'undecided'].map((v) => [v, verdicts.filter((x) => x === v).length])) as CaseSummary['verdicts'];
    return { ...toHeader(r.get('c') as Props), pins: verdicts.length, notes: r.get('notes') as number, verdicts: counts };
  });
  const total = (result.records[0]?.get('total') as number | undefined) ?? 0;
  return { cases, total, truncated: total > cases.length };
}

/** A whole case: header, pins (newest first), notes, saved views and queries, and the archive decisions taken in it. */
export async function readCase(graph: Graph, caseId: string): Promise<CaseFile> {
  const result = await graph.read(
    `MATCH (c:${n(Label.Case)} {caseId: $caseId})
     CALL (c) { OPTIONAL MATCH (p:${n(Label.CasePin)} {caseId: c.caseId}) WITH p ORDER BY p.pinnedAt DESC, p.pinId
                RETURN collect(CASE WHEN p IS NULL THEN null ELSE [properties(p), EXISTS { (p)-[:${n(Rel.PINNED)}]->() }] END) AS pins }
     CALL (c) { OPTIONAL MATCH (x:${n(Label.CaseNote)} {caseId: c.caseId}) WITH x ORDER BY x.createdAt, x.noteId RETURN collect(properties(x)) AS notes }
     CALL (c) { OPTIONAL MATCH (x:${n(Label.SavedView)} {caseId: c.caseId}) WITH x ORDER BY x.createdAt, x.viewId RETURN collect(properties(x)) AS views }
     CALL (c) { OPTIONAL MATCH (x:${n(Label.SavedQuery)} {caseId: c.caseId}) WITH x ORDER BY x.createdAt, x.queryId RETURN collect(properties(x)) AS queries }
     CALL (c) { OPTIONAL MATCH (x:${n(Label.FindingTriage)} {caseId: c.caseId}) WITH x ORDER BY x.at RETURN collect(properties(x)) AS findings }
     RETURN properties(c) AS c, pins, notes, views, queries, findings`,
    { caseId },
  );
  const r = result.records[0];
  if (!r) throw noCase(caseId);
  const c = r.get('c') as Props;
  if (typeof c.deletedAt === 'number') throw deletedCase(caseId, text(c.deletedBy), c.deletedAt);
  return {
    ...toHeader(c),
    pins: (r.get('pins') as [Props, boolean][]).map(([p, present]) => toPin(p, present)),
    notes: (r.get('notes') as Props[]).map(toNote),
    views: (r.get('views') as Props[]).map(toView),
    queries: (r.get('queries') as Props[]).map(toQuery),
    findings: (r.get('findings') as Props[]).map(toTriage),
    logEntries: typeof c.logCount === 'number' ? c.logCount : 0,
  };
}

/**
 * A case's log: oldest first from entry `after` + 1, or (newest) the latest entries, newest first.
 * A deleted case's log stays readable: it says who deleted the case and what it held.
 */
export async function readCaseLog(graph: Graph, caseId: string, options: { after: number; limit: number; newest: boolean }): Promise<{ entries: LogEntry[]; total: number }> {
  const result = await graph.read(
    `MATCH (c:${n(Label.Case)} {caseId: $caseId})
     OPTIONAL MATCH (e:${n(Label.CaseLogEntry)} {caseId: $caseId}) WHERE e.seq > $after
     WITH c, e ORDER BY ${options.newest ? 'e.seq DESC' : 'e.seq'} LIMIT $limit
     RETURN c.logCount AS total, collect(properties(e)) AS entries`,
    { caseId, after: cypherInt(options.after), limit: cypherInt(options.limit) },
  );
  const r = result.records[0];
  if (!r) throw noCase(caseId);
  const entries = (r.get('entries') as Props[]).map((e) => ({
    seq: e.seq as number,
    at: time(e.at),
    author: text(e.author),
    action: text(e.action) as LogAction,
    target: text(e.target),
    detail: parseDetail(e.detail),
  }));
  return { entries, total: (r.get('total') as number | null) ?? 0 };
}

function parseDetail(value: unknown): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text(value)) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
