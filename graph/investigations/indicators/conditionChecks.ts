import type { EventStore } from '../../../store/eventStore';
import { recordsSql } from '../../../store/queries/indicators';
import { techniquesOf, type TechniqueRule } from './attack';

/** A call whose technique depends on what it asked (attack.ts: a rule with a condition). */
export interface ConditionalCall {
  readonly eventId: string;
  readonly time: number;
  readonly eventSource: string;
  readonly eventName: string;
}

/** Calls remembered per store, at most: about 150 bytes each. */
const REMEMBERED = 100_000;
const NONE: readonly TechniqueRule[] = Object.freeze([]);
const remembered = new WeakMap<EventStore, Map<string, readonly TechniqueRule[]>>();

/**
 * The rules with a condition that each call's record meets, by event id. Records are most of the
 * store and lie in every segment: reading those of a busy principal's calls is most of what an
 * investigation costs. A stored call never changes, so what its record met is remembered (the
 * calls checked last, per store), and investigating the same principal again (another scope,
 * other thresholds: the panel asks again) reads no record twice.
 */
export async function conditionalRulesMet(events: EventStore, calls: readonly ConditionalCall[]): Promise<ReadonlyMap<string, readonly TechniqueRule[]>> {
  let known = remembered.get(events);
  if (!known) remembered.set(events, (known = new Map()));
  const met = new Map<string, readonly TechniqueRule[]>();
  const unread: ConditionalCall[] = [];
  for (const call of calls) {
    const rules = known.get(call.eventId);
    if (rules === undefined) {
      unread.push(call);
      continue;
    }
    met.set(call.eventId, rules);
    // Used again: the last to be forgotten.
    known.delete(call.eventId);
    known.set(call.eventId, rules);
  }
  if (unread.length === 0) return met;

  // Read with the calls' instants as ranges: only the segments that hold them are opened (a
  // segment's records are decompressed whole as soon as one of them is read).
  const times = unread.map((c) => c.time);
  const rows = await events.all<{ eventId: string; record: string | null }>(
    recordsSql,
    { ids: unread.map((c) => c.eventId), from: Math.min(...times), to: Math.max(...times) },
    times.map((t) => ({ from: t, to: t })),
  );
  const records = new Map(rows.map((r) => [r.eventId, r.record]));
  for (const call of unread) {
    const found = techniquesOf({ eventSource: call.eventSource, eventName: call.eventName, record: parseRecord(records.get(call.eventId) ?? null) }).filter((r) => r.when);
    const rules = found.length ? found : NONE;
    met.set(call.eventId, rules);
    if (records.has(call.eventId)) known.set(call.eventId, rules);
  }
  for (const eventId of known.keys()) {
    if (known.size <= REMEMBERED) break;
    known.delete(eventId);
  }
  return met;
}

function parseRecord(text: string | null): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
