/**
 * The shapes of the schema declarations. The declarations themselves (nodes.ts,
 * relationships.ts) are plain data; everything else (constraints, indexes, write queries,
 * the vocabulary that server/ and web/ use) is derived from them.
 */

/** How a property is stored. `json` is a JSON text (request parameters, raw events). */
export type PropertyType = 'string' | 'int' | 'float' | 'boolean' | 'string[]' | 'json';

/**
 * `entity`: merged by key; firstSeen/lastSeen widen as evidence arrives.
 * `event`:  an immutable record (a ledger entry): created once, never updated, and the writer
 *           only counts the evidence of records it actually created (see graph/writer).
 * `versioned`: a record that is re-issued as it changes (a GuardDuty finding): merged by key, and
 *           its properties replaced only by a version at least as new (`version` property).
 * `meta`:   bookkeeping that is not evidence (schema version, ingest checkpoints).
 * `case`:   what responders record (cases, pins, notes, the case log): written only by graph/cases,
 *           never by an ingest, never counted as evidence, never walked by investigations.
 */
export type NodeWriteMode = 'entity' | 'event' | 'versioned' | 'meta' | 'case';

export interface NodeDeclaration {
  readonly description: string;
  /** The property that identifies a node of this label; backed by a uniqueness constraint. */
  readonly key: string;
  readonly write: NodeWriteMode;
  /** For `versioned` nodes: the property that orders versions (newer wins). */
  readonly version?: string;
  /** Extra labels every node of this label carries (e.g. Principal). */
  readonly groups?: readonly string[];
  readonly properties: Readonly<Record<string, PropertyType>>;
  /** Range indexes beyond the key, one entry per index (several names = composite index). */
  readonly indexes?: readonly (readonly string[])[];
}

/** A label shared by several node labels, with a property every member carries. */
export interface GroupDeclaration {
  readonly description: string;
  readonly key: string;
}

/**
 * `observed`: an aggregate of evidence. Carries firstSeen, lastSeen (epoch ms) and count
 *             (the number of distinct events or flow records that showed it).
 * `structural`: a fact about the entities themselves (which account owns them), not evidence:
 *               merged once, no counts, so a hot node is not rewritten for every batch.
 * `stated`:  what a re-issued record says (a finding AFFECTS an instance): merged idempotently,
 *            widening firstSeen/lastSeen, never counted (the same finding again is not new evidence).
 * `case`:    what a responder recorded (a case pins an entity): written by graph/cases only, and
 *            never walked by blast radius, neighbourhoods or paths (it is not something AWS saw).
 */
export type RelationshipMode = 'observed' | 'structural' | 'stated' | 'case';

export interface RelationshipDeclaration {
  readonly description: string;
  readonly from: readonly string[];
  readonly to: readonly string[];
  readonly mode: RelationshipMode;
  /**
   * List properties kept as a set union across writes, capped at the given length so a hot
   * edge cannot grow without bound (the events themselves keep the full detail).
   */
  readonly setUnions?: Readonly<Record<string, number>>;
  /** Numeric properties summed across writes (FLOW bytes and packets). */
  readonly sums?: readonly string[];
}
