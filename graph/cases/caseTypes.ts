/**
 * A case: what a team concluded during an investigation, kept beside the graph. The words are
 * the responder's: a case pins entities, findings and events with a verdict and a note, keeps free
 * notes, saved views and saved queries, and logs every change it goes through.
 */

export const CASE_STATUSES = ['open', 'contained', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** A pin's verdict; a pin without one is still to be decided. */
export const VERDICTS = ['malicious', 'suspicious', 'benign', 'false-positive'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** What a pin names: an entity or finding of the graph (kind:key), or a CloudTrail event (its eventId). */
export const PIN_KINDS = ['entity', 'event'] as const;
export type PinKind = (typeof PIN_KINDS)[number];

/** Text limits: a note is a page, not a document; a title is a line. */
export const LIMITS = { title: 200, owner: 100, note: 20_000, pinNote: 4_000, name: 200, url: 4_000, reason: 1_000, cases: 500, log: 1_000 } as const;

/** What one case holds at most: a case is a team's conclusions, and every report reads all of it. */
export const CAPACITY = { pins: 2_000, notes: 500, views: 200, queries: 200 } as const;

export interface CaseHeader {
  readonly caseId: string;
  readonly title: string;
  readonly status: CaseStatus;
  readonly owner: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
}

export interface CaseSummary extends CaseHeader {
  readonly pins: number;
  readonly notes: number;
  /** Pins per verdict; `undecided` for pins without one. */
  readonly verdicts: Readonly<Record<Verdict | 'undecided', number>>;
}

export interface Pin {
  readonly pinId: string;
  readonly kind: PinKind;
  /** kind:key of an entity or finding, or an eventId. */
  readonly ref: string;
  /** What the pinned thing was called when it was pinned (an event: its name, principal and time). */
  readonly label: string;
  readonly verdict: Verdict | null;
  readonly note: string;
  readonly pinnedAt: string;
  readonly pinnedBy: string;
  readonly updatedAt: string;
  /** An event's time; null for entities. */
  readonly eventTime: string | null;
  /** For entities: whether the graph still holds it (a pin outlives its node). Events: true. */
  readonly present: boolean;
}

export interface CaseNote {
  readonly noteId: string;
  readonly text: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface SavedView {
  readonly viewId: string;
  readonly name: string;
  /** A path on this server with the UI's state in its query ("/?root=..."). */
  readonly url: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface SavedQuery {
  readonly queryId: string;
  readonly name: string;
  readonly query: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface FindingTriage {
  readonly findingId: string;
  readonly archived: boolean;
  readonly reason: string;
  readonly at: string;
  readonly by: string;
  readonly caseId: string;
}

export interface CaseFile extends CaseHeader {
  readonly pins: Pin[];
  readonly notes: CaseNote[];
  readonly views: SavedView[];
  readonly queries: SavedQuery[];
  /** Archive decisions taken in this case, as they stand now. */
  readonly findings: FindingTriage[];
  /** How many entries the case's log has. */
  readonly logEntries: number;
}

export const LOG_ACTIONS = [
  'case.created',
  'case.updated',
  'case.deleted',
  'pin.added',
  'pin.updated',
  'pin.removed',
  'note.added',
  'note.edited',
  'note.removed',
  'view.saved',
  'view.removed',
  'query.saved',
  'query.removed',
  'finding.archived',
  'finding.unarchived',
] as const;
export type LogAction = (typeof LOG_ACTIONS)[number];

export interface LogEntry {
  readonly seq: number;
  readonly at: string;
  readonly author: string;
  readonly action: LogAction;
  /** What changed: a pin's ref, a note's id, a finding's id, the case itself. */
  readonly target: string;
  /** The values before and after (only those that changed). */
  readonly detail: Readonly<Record<string, unknown>>;
}
