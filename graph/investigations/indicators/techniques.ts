import type { EventStore } from '../../../store/eventStore';
import { conditionalCallsSql, mappedCallsSql, SAMPLE_IDS } from '../../../store/queries/indicators';
import { iso } from '../shapes';
import { ATTACK_RULES, baseEventName, techniquesOf, type TechniqueRule } from './attack';
import { conditionalRulesMet } from './conditionChecks';
import { callersOf, evidenceOf, plural, resourceEntity, sampleIds, subjectEntity } from './evidence';
import type { Subject } from './subject';
import type { Indicator, InvolvedEntity, Severity } from './types';

/** Calls whose mapping depends on what they asked: at most this many are read and checked. */
const CONDITIONAL_LIMIT = 5_000;

interface MappedRow {
  readonly eventSource: string;
  readonly eventName: string;
  readonly failed: boolean;
  readonly calls: number;
  readonly firstTime: number;
  readonly lastTime: number;
  readonly eventIds: string[];
  readonly resources: (string[] | null)[] | null;
  readonly principals: string[] | null;
}

interface ConditionalRow {
  readonly eventId: string;
  readonly time: number;
  readonly eventSource: string;
  readonly eventName: string;
  readonly errorCode: string | null;
  readonly resources: string[] | null;
  readonly principalKey: string | null;
}

/** What one rule matched, outcome by outcome. */
interface Matched {
  rule: TechniqueRule;
  eventName: string;
  /** The name as logged (Lambda's carry an API version), for the timeline filter. */
  rawName: string;
  succeeded: number;
  failed: number;
  firstTime: number;
  lastTime: number;
  /** The first sample ids: those of the successful calls noted last, then of the refused noted first. */
  succeededIds: string[];
  failedIds: string[];
  resources: Set<string>;
  principals: Set<string>;
}

/**
 * Conditions another indicator judges better: an instance session calling from a public address
 * is instanceCredentialsOutside, which knows the instance's and its VPC's addresses (a NAT
 * gateway's address is not theft).
 */
const SEEN_ELSEWHERE: ReadonlySet<string> = new Set(['instanceRoleFromPublicIp']);

const LOWER: Record<Severity, Severity> = { high: 'medium', medium: 'low', low: 'info', info: 'info' };

/**
 * Tactics and techniques: the entity's calls that the MITRE ATT&CK mapping (attackTechniques.json)
 * names, one indicator per technique and API. Calls whose meaning depends on their request (a
 * snapshot shared with everyone, a bucket policy open to all) are read with their records and
 * checked one by one. A call that was refused is an attempt: shown one severity lower, and said.
 * `calls`: the kept table of the calls in scope.
 */
export async function techniqueIndicators(events: EventStore, subject: Subject, calls: string): Promise<{ indicators: Indicator[]; notes: string[] }> {
  const sources = [...new Set(ATTACK_RULES.map((r) => r.eventSource))];
  const conditional = [...new Set(ATTACK_RULES.filter((r) => r.when && !SEEN_ELSEWHERE.has(r.when.kind)).map((r) => r.eventName))];
  const [rows, [checked, met]] = await Promise.all([
    events.all<MappedRow>(mappedCallsSql(calls), { sources }),
    conditional.length ? conditionalCalls(events, calls, conditional) : Promise.resolve([[], new Map<string, readonly TechniqueRule[]>()] as const),
  ]);
  const matched = new Map<string, Matched>();
  const note = (rule: TechniqueRule, eventName: string, failed: boolean, calls: number, first: number, last: number, ids: readonly string[], resources: readonly string[], principals: readonly string[]) => {
    const key = `${rule.techniqueId}:${rule.eventSource}:${baseEventName(eventName)}`;
    const m = matched.get(key) ?? { rule, eventName: baseEventName(eventName), rawName: eventName, succeeded: 0, failed: 0, firstTime: first, lastTime: last, succeededIds: [], failedIds: [], resources: new Set<string>(), principals: new Set<string>() };
    if (failed) m.failed += calls;
    else m.succeeded += calls;
    m.firstTime = Math.min(m.firstTime, first);
    m.lastTime = Math.max(m.lastTime, last);
    // Successful calls are the better proof: they come first. Only SAMPLE_IDS are shown: no
    // more are kept (thousands of calls are noted one by one).
    if (failed) m.failedIds = [...m.failedIds, ...ids].slice(0, SAMPLE_IDS);
    else m.succeededIds = [...ids, ...m.succeededIds].slice(0, SAMPLE_IDS);
    for (const r of resources) if (m.resources.size < 20) m.resources.add(r);
    for (const p of principals) if (m.principals.size < 20) m.principals.add(p);
    matched.set(key, m);
  };
  for (const row of rows) {
    for (const rule of techniquesOf({ eventSource: row.eventSource, eventName: row.eventName })) {
      note(rule, row.eventName, row.failed, row.calls, row.firstTime, row.lastTime, sampleIds(row.eventIds), (row.resources ?? []).flatMap((r) => r ?? []), row.principals ?? []);
    }
  }
  for (const row of checked.slice(0, CONDITIONAL_LIMIT)) {
    for (const rule of (met.get(row.eventId) ?? []).filter((r) => r.when && !SEEN_ELSEWHERE.has(r.when.kind))) {
      note(rule, row.eventName, row.errorCode !== null, 1, row.time, row.time, [row.eventId], row.resources ?? [], row.principalKey ? [row.principalKey] : []);
    }
  }
  const notes = checked.length > CONDITIONAL_LIMIT ? [`Only the first ${CONDITIONAL_LIMIT.toLocaleString('en-US')} calls whose technique depends on their request (${conditional.slice(0, 5).join(', ')}, …) were checked; there are more in the scope.`] : [];
  return { indicators: [...matched.values()].map((m) => techniqueIndicator(subject, m)), notes };
}

/**
 * The calls in scope whose technique depends on their request (one more than the limit, to know
 * whether there are more), and the rules the records of the first CONDITIONAL_LIMIT meet.
 */
async function conditionalCalls(events: EventStore, calls: string, names: readonly string[]): Promise<readonly [ConditionalRow[], ReadonlyMap<string, readonly TechniqueRule[]>]> {
  const checked = await events.all<ConditionalRow>(conditionalCallsSql(calls), { names, limit: CONDITIONAL_LIMIT + 1 });
  return [checked, await conditionalRulesMet(events, checked.slice(0, CONDITIONAL_LIMIT))];
}

function techniqueIndicator(subject: Subject, m: Matched): Indicator {
  const { rule } = m;
  const attempted = m.succeeded === 0;
  const targets = [...m.resources].map((r) => resourceEntity(r)).filter((e): e is InvolvedEntity => e !== null).slice(0, 10);
  const calls = m.succeeded + m.failed;
  const outcome = attempted ? `tried ${m.eventName} ${plural(calls, 'time')}, refused every time` : `called ${m.eventName} ${plural(m.succeeded, 'time')}${m.failed ? ` (and was refused ${plural(m.failed, 'time')})` : ''}`;
  const on = targets.length ? ` on ${targets.slice(0, 3).map((t) => t.label).join(', ')}${targets.length > 3 ? ', …' : ''}` : '';
  return {
    id: `technique:${rule.techniqueId}:${rule.eventSource}:${m.eventName}`,
    type: 'technique',
    severity: attempted ? LOWER[rule.severity] : rule.severity,
    title: `${rule.tactics.join(' / ')}: ${m.eventName}${attempted ? ' (attempted)' : ''}`,
    explanation: `${actor(subject, [...m.principals])} ${outcome}${on}: ${rule.technique} (${rule.techniqueId}). ${rule.why}`,
    firstSeen: iso(m.firstTime),
    lastSeen: iso(m.lastTime),
    entities: [subjectEntity(subject), ...callersOf(subject, [...m.principals]), ...targets],
    evidence: evidenceOf(subject, [...m.succeededIds, ...m.failedIds], calls, { eventSource: rule.eventSource, eventName: m.rawName }),
    tactics: [...rule.tactics],
    details: { techniqueId: rule.techniqueId, technique: rule.technique, api: `${rule.eventSource} ${m.eventName}`, succeeded: m.succeeded, refused: m.failed, ...(rule.when ? { condition: rule.when } : {}) },
  };
}

/** Who did it: the subject, or the subject through the sessions that made the calls. */
function actor(subject: Subject, principals: readonly string[]): string {
  const sessions = principals.filter((k) => !subject.own.has(k));
  if (sessions.length === 0 || subject.entity.kind === 'IamRole') return subject.entity.label;
  const named = sessions.slice(0, 2).map((k) => subject.names.of(k)?.label ?? k);
  return `${subject.entity.label}, through ${sessions.length === 1 ? 'its session' : 'its sessions'} ${named.join(', ')}${sessions.length > 2 ? ', …' : ''},`;
}
