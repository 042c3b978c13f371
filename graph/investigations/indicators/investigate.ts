import type { Graph } from '../../driver';
import type { EventStore } from '../../../store/eventStore';
import { baselineCallsSql, baselineDimensionsSql, callDimensionsSql, scopeCallsSql } from '../../../store/queries/indicators';
import { eventsWhere } from '../../../store/queries/timelineEvents';
import type { EntityRef } from '../entities';
import { iso, type GraphNode } from '../shapes';
import { TACTIC_ORDER } from './attack';
import { burstIndicators } from './bursts';
import { flaggedAddressIndicators } from './flagged';
import { ADDRESS_FACTS } from './indicatorQueries';
import { instanceCredentialIndicators } from './instanceCredentials';
import { newlyObservedIndicators, valuesOf, type AddressFacts, type DimensionRow } from './observed';
import { resolveSubject, type InvestigationScope, type KeptCalls, type Subject } from './subject';
import { techniqueIndicators } from './techniques';
import { impossibleTravel } from './travel';
import { INDICATOR_TYPES, SEVERITIES, type Indicator, type IndicatorSettings, type Severity } from './types';

/** Addresses looked up in the graph at most (a CI role may call from thousands of runners). */
const MAX_ADDRESSES = 50_000;

export interface Investigation {
  readonly entity: GraphNode;
  readonly scope: { readonly from: string; readonly to: string; readonly baselineFrom: string; readonly baselineDays: number };
  readonly summary: {
    readonly calls: number;
    readonly failures: number;
    readonly addresses: number;
    /** Principal keys investigated: the entity and the sessions that are its. */
    readonly principals: number;
    readonly baselineCalls: number;
    readonly bySeverity: Readonly<Record<Severity, number>>;
    /** ATT&CK tactics the indicators show, in kill-chain order. */
    readonly tactics: readonly string[];
  };
  /** Ranked: most severe first, then by kind, then earliest. */
  readonly indicators: readonly Indicator[];
  readonly settings: IndicatorSettings;
  /** What was left out or could not be judged, in words (caps, no baseline). */
  readonly notes: readonly string[];
}

/**
 * An investigation of a principal or access key: every indicator of compromise in the scope,
 * against the baseline before it. The event store answers what was done (aggregated in DuckDB),
 * the graph where from and by whom; the independent reads run at once.
 */
export async function investigate(graph: Graph, events: EventStore, ref: EntityRef, scope: InvestigationScope, settings: IndicatorSettings): Promise<Investigation | null> {
  const subject = await resolveSubject(graph, ref, scope);
  if (!subject) return null;
  const inScope = eventsWhere(subject.of, {}, subject.from, subject.to);
  const inBaseline = eventsWhere(subject.of, {}, subject.baselineFrom, subject.from - 1);
  // Each window's calls are read from the segments once, then aggregated many ways: the
  // segments are not sorted by principal, so whoever is investigated, every one in the window is read.
  return events.withTables(
    {
      scope: { sql: scopeCallsSql(inScope.where), params: inScope.params, range: { from: subject.from, to: subject.to } },
      baseline: { sql: baselineCallsSql(inBaseline.where), params: inBaseline.params, range: { from: subject.baselineFrom, to: subject.from - 1 } },
    },
    (calls) => investigateCalls(graph, events, subject, calls, scope, settings),
  );
}

async function investigateCalls(graph: Graph, events: EventStore, subject: Subject, calls: KeptCalls, scope: InvestigationScope, settings: IndicatorSettings): Promise<Investigation> {
  const facts = new Map<string, AddressFacts>();
  const addressFacts = async (ips: string[]): Promise<ReadonlyMap<string, AddressFacts>> => {
    const missing = ips.filter((ip) => !facts.has(ip)).slice(0, MAX_ADDRESSES);
    if (missing.length) {
      const result = await graph.read(ADDRESS_FACTS, { ips: missing });
      for (const r of result.records) facts.set(r.get('ip') as string, r.toObject() as unknown as AddressFacts);
    }
    return facts;
  };

  // What depends on the calls' dimensions (places, travel, flagged addresses) and what does not
  // run side by side, awaited together: no promise is left pending while another is awaited.
  const byDimensions = async () => {
    const [scopeRows, baselineRows] = await Promise.all([
      events.all<DimensionRow>(callDimensionsSql(calls.scope)),
      events.all<DimensionRow>(baselineDimensionsSql(calls.baseline)),
    ]);
    const now = valuesOf(scopeRows);
    const before = valuesOf(baselineRows);
    const places = await addressFacts([...new Set([...now.addresses, ...before.addresses].map((a) => a.value))]);
    const [travel, flagged] = await Promise.all([
      impossibleTravel(events, subject, calls.scope, places, settings),
      flaggedAddressIndicators(graph, subject, now.addresses.map((a) => a.row)),
    ]);
    return { scopeRows, baselineRows, now, before, places, travel, flagged };
  };
  const [{ scopeRows, baselineRows, now, before, places, travel, flagged }, [techniques, bursts, instance]] = await Promise.all([
    byDimensions(),
    Promise.all([
      techniqueIndicators(events, subject, calls.scope),
      burstIndicators(events, subject, calls, settings),
      instanceCredentialIndicators(graph, events, subject, calls.scope, addressFacts),
    ]),
  ]);
  // Every call is in exactly one row of the region grouping (a null region included).
  const total = (rows: readonly DimensionRow[], count: (r: DimensionRow) => number) => rows.filter((r) => r.byRegion).reduce((s, r) => s + count(r), 0);
  const baselineCalls = total(baselineRows, (r) => r.calls);
  const notes = [...subject.notes];
  let observed: Indicator[] = [];
  if (baselineCalls === 0) {
    notes.push(`No activity in the baseline (${iso(subject.baselineFrom)} to ${iso(subject.from)}): nothing can be called newly observed. An identity first seen in the scope is itself worth a look.`);
  } else {
    observed = newlyObservedIndicators(subject, scopeRows, baselineRows, places);
  }
  notes.push(...techniques.notes);
  if (now.addresses.length + before.addresses.length > MAX_ADDRESSES) notes.push(`Only ${MAX_ADDRESSES.toLocaleString('en-US')} addresses were placed; countries and networks of the rest are not judged.`);

  const indicators = rank([...travel, ...instance, ...flagged, ...techniques.indicators, ...observed, ...bursts]);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, indicators.filter((i) => i.severity === s).length])) as Record<Severity, number>;
  const tactics = TACTIC_ORDER.filter((t) => indicators.some((i) => i.type === 'technique' && i.tactics.includes(t)));
  return {
    entity: subject.entity,
    scope: { from: iso(subject.from), to: iso(subject.to), baselineFrom: iso(subject.baselineFrom), baselineDays: scope.baselineDays },
    summary: {
      calls: total(scopeRows, (r) => r.calls),
      failures: total(scopeRows, (r) => r.failures ?? 0),
      addresses: now.addresses.length,
      principals: subject.of.keys.length,
      baselineCalls,
      bySeverity,
      tactics,
    },
    indicators,
    settings,
    notes,
  };
}

/** Most severe first; within a severity, the stronger kinds of evidence first; then the earliest. */
export function rank(indicators: readonly Indicator[]): Indicator[] {
  const severity = (i: Indicator) => SEVERITIES.indexOf(i.severity);
  const kind = (i: Indicator) => INDICATOR_TYPES.indexOf(i.type);
  return [...indicators].sort((a, b) => severity(a) - severity(b) || kind(a) - kind(b) || a.firstSeen.localeCompare(b.firstSeen) || a.id.localeCompare(b.id));
}
