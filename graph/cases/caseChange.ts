import { randomUUID } from 'node:crypto';
import type { ManagedTransaction } from 'neo4j-driver';
import { escapeName as n } from '../cypher/escape';
import { cypherInt, type Graph } from '../driver';
import { TrailhoundError } from '../errors';
import { Label } from '../vocabulary';
import type { LogAction } from './caseTypes';

/** What one change to a case did, for its log entry. */
export interface Change<T> {
  readonly action: LogAction;
  readonly target: string;
  /** The values before and after (only what changed): kept in the log as JSON. */
  readonly detail: Readonly<Record<string, unknown>>;
  readonly result: T;
}

/** Who made a change and when: every write takes both from the caller, none from the request body. */
export interface Author {
  readonly name: string;
  readonly now?: number;
}

/**
 * Makes one change to a case and appends its log entry, in one write transaction: the change and
 * its entry commit together or not at all. The case node is written first (its log counter), which
 * takes its write lock (a property set to a value it never had: Neo4j locks on write, and the
 * counter is read only after): changes to one case are serialised, so sequence numbers never
 * repeat or skip. When there was nothing to change the work returns null, or { unchanged: result }:
 * no entry is written then.
 */
export async function changeCase<T>(graph: Graph, caseId: string, author: Author, work: (tx: ManagedTransaction, now: number) => Promise<Change<T> | { readonly unchanged: T } | null>): Promise<T> {
  const entryId = `entry-${randomUUID()}`;
  return graph.write(async (tx) => {
    const now = author.now ?? Date.now();
    const locked = await tx.run(`MATCH (c:${n(Label.Case)} {caseId: $caseId}) SET c.lastChange = $entryId RETURN c.logCount AS logCount`, { caseId, entryId });
    if (locked.records.length === 0) throw noCase(caseId);
    const change = await work(tx, now);
    if (!change) return undefined as T;
    if ('unchanged' in change) return change.unchanged;
    await appendEntry(tx, { entryId, caseId, author: author.name, now, action: change.action, target: change.target, detail: change.detail });
    return change.result;
  });
}

/** Appends a log entry and moves the case's updatedAt; the caller holds the case's lock. */
export async function appendEntry(
  tx: ManagedTransaction,
  entry: { entryId: string; caseId: string; author: string; now: number; action: LogAction; target: string; detail: Readonly<Record<string, unknown>> },
): Promise<void> {
  await tx.run(
    `MATCH (c:${n(Label.Case)} {caseId: $caseId})
     SET c.logCount = c.logCount + 1, c.updatedAt = $now
     CREATE (:${n(Label.CaseLogEntry)} {entryId: $entryId, caseId: $caseId, seq: c.logCount, at: $now, author: $author, action: $action, target: $target, detail: $detail})`,
    { ...entry, now: cypherInt(entry.now), detail: JSON.stringify(entry.detail) },
  );
}

export function noCase(caseId: string): TrailhoundError {
  return new TrailhoundError('NOT_FOUND', `No case ${caseId.slice(0, 100)}.`, 'List the cases with GET /api/cases or `npx trailhound case list`.');
}

/** Only the properties whose values differ, as { name: [before, after] }. */
export function differences(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const [name, value] of Object.entries(after)) {
    if (value !== undefined && (before[name] ?? null) !== value) out[name] = [before[name] ?? null, value];
  }
  return out;
}
