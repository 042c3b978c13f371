import type { EventStore } from '../../../store/eventStore';
import { baselineBurstsSql, burstWindowsSql } from '../../../store/queries/indicators';
import { iso } from '../shapes';
import { evidenceOf, plural, subjectEntity } from './evidence';
import type { KeptCalls, Subject } from './subject';
import type { Indicator, IndicatorSettings } from './types';

interface BurstWindow {
  readonly windowStart: number;
  readonly denied: number;
  readonly discovery: number;
  readonly discoveryCalls: number;
  readonly deniedIds: string[] | null;
  readonly discoveryIds: string[] | null;
  readonly discoveryApis: string[] | null;
  readonly deniedCodes: string[] | null;
  readonly firstTime: number;
  readonly lastTime: number;
}

/**
 * Failed-call bursts and enumeration, in fixed windows (settings.burstMinutes): many calls
 * refused (AccessDenied and its kin), or many distinct List/Describe APIs, which is how stolen
 * credentials are tried out. A window counts only above the thresholds and above the busiest
 * window of the baseline, so an identity whose normal day looks like this raises nothing.
 */
export async function burstIndicators(events: EventStore, subject: Subject, calls: KeptCalls, settings: IndicatorSettings): Promise<Indicator[]> {
  const windowMs = settings.burstMinutes * 60_000;
  const [windows, usual] = await Promise.all([
    events.all<BurstWindow>(burstWindowsSql(calls.scope), { windowMs, minDenied: settings.burstFailures, minDiscovery: settings.enumerationApis }),
    events.all<{ denied: number; discovery: number }>(baselineBurstsSql(calls.baseline), { windowMs }),
  ]);
  const most = usual[0] ?? { denied: 0, discovery: 0 };
  const out: Indicator[] = [];
  const minutes = `${settings.burstMinutes} minutes`;
  const burst = windows.filter((w) => w.denied >= settings.burstFailures && w.denied > most.denied);
  if (burst.length > 0) {
    const worst = burst.reduce((a, b) => (b.denied > a.denied ? b : a));
    const codes = [...new Set(burst.flatMap((w) => w.deniedCodes ?? []))];
    out.push({
      id: 'failedCallBurst',
      type: 'failedCallBurst',
      severity: 'medium',
      title: `Failed-call burst: ${worst.denied} denied in ${minutes}`,
      explanation:
        `${subject.entity.label} had ${plural(worst.denied, 'call')} refused (${codes.slice(0, 3).join(', ')}) within ${minutes} at ${iso(worst.windowStart)}` +
        `${burst.length > 1 ? `, and ${plural(burst.length - 1, 'other window')} like it` : ''}; its busiest window in the ${Math.round((subject.from - subject.baselineFrom) / 86_400_000)} days before had ${most.denied}: someone is trying what the credentials allow.`,
      firstSeen: iso(burst[0]!.firstTime),
      lastSeen: iso(burst[burst.length - 1]!.lastTime),
      entities: [subjectEntity(subject)],
      evidence: evidenceOf(subject, worst.deniedIds, burst.reduce((s, w) => s + w.denied, 0), { errorsOnly: 'true' }, { from: burst[0]!.windowStart, to: burst[burst.length - 1]!.windowStart + windowMs - 1 }),
      tactics: ['Discovery'],
      details: { windows: burst.map((w) => ({ start: iso(w.windowStart), denied: w.denied })), errorCodes: codes, baselineMostInAWindow: most.denied, windowMinutes: settings.burstMinutes },
    });
  }
  const enumeration = windows.filter((w) => w.discovery >= settings.enumerationApis && w.discovery > most.discovery);
  if (enumeration.length > 0) {
    const worst = enumeration.reduce((a, b) => (b.discovery > a.discovery ? b : a));
    const apis = worst.discoveryApis ?? [];
    out.push({
      id: 'enumeration',
      type: 'enumeration',
      severity: 'medium',
      title: `Enumeration: ${worst.discovery} discovery APIs in ${minutes}`,
      explanation:
        `${subject.entity.label} called ${worst.discovery} different List/Describe APIs within ${minutes} at ${iso(worst.windowStart)} (${apis.slice(0, 6).join(', ')}${apis.length > 6 ? ', …' : ''}); ` +
        `its busiest window in the ${Math.round((subject.from - subject.baselineFrom) / 86_400_000)} days before had ${most.discovery}: someone is mapping the account.`,
      firstSeen: iso(enumeration[0]!.firstTime),
      lastSeen: iso(enumeration[enumeration.length - 1]!.lastTime),
      entities: [subjectEntity(subject)],
      evidence: evidenceOf(subject, worst.discoveryIds, worst.discoveryCalls, {}, { from: worst.windowStart, to: worst.windowStart + windowMs - 1 }),
      tactics: ['Discovery'],
      details: { windows: enumeration.map((w) => ({ start: iso(w.windowStart), apis: w.discoveryApis ?? [] })), baselineMostInAWindow: most.discovery, windowMinutes: settings.burstMinutes },
    });
  }
  return out;
}
