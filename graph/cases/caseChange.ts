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
    const locked = await tx.run(`MATCH (c:${n(Label.Case)} {caseId: $caseId}) SET c.lastChange = $entryId RETURN c.deletedAt AS deletedAt, c.deletedBy AS deletedBy`, { caseId, entryId });
    const found = locked.records[0];
    if (!found) throw noCase(caseId);
    if (found.get('deletedAt') !== null) throw deletedCase(caseId, found.get('deletedBy') as string, found.get('deletedAt') as number);
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

export function deletedCase(caseId: string, by: string, at: number): TrailhoundError {
  return new TrailhoundError('NOT_FOUND', `Case ${caseId.slice(0, 100)} was deleted by ${by} at ${new Date(at).toISOString()}.`, `Its log is kept: GET /api/cases/${caseId.slice(0, 100)}/log.`);
}

/**
 * Refuses a change made from a stale view: `expected` holds the values the client saw, and a
 * field someone changed meanwhile makes it a 409, not a silent overwrite under the wrong name.
 */
export function checkExpected(current: Readonly<Record<string, unknown>>, expected: Readonly<Record<string, unknown>> | undefined, what: string): void {
  for (const [name, value] of Object.entries(expected ?? {})) {
    if ((current[name] ?? null) !== (value ?? null)) {
      throw new TrailhoundError('CONFLICT', `The ${what}'s ${name} was changed by someone else meanwhile (it is now ${JSON.stringify(current[name] ?? null).slice(0, 200)}).`, 'Reload the case, then make the change again.');
    }
  }
}

/** Only the properties whose values differ, as { name: [before, after] }. */
export function differences(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const [name, value] of Object.entries(after)) {
    if (value !== undefined && (before[name] ?? null) !== value) out[name] = [before[name] ?? null, value];
  }
  return out;
}
