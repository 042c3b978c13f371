import { Label } from '../../vocabulary';
import { valuesOnlyNew } from '../newlyObserved';
import { iso } from '../shapes';
import { addressEntity, evidenceOf, plural, subjectEntity } from './evidence';
import type { Subject } from './subject';
import type { Indicator, InvolvedEntity, Severity } from './types';

/** A row of callDimensionsSql: one value of one dimension in the scope. */
export interface DimensionRow {
  readonly sourceIp: string | null;
  readonly userAgent: string | null;
  readonly region: string | null;
  readonly eventSource: string | null;
  readonly eventName: string | null;
  readonly bySourceIp: boolean;
  readonly byUserAgent: boolean;
  readonly byRegion: boolean;
  readonly byApi: boolean;
  readonly calls: number;
  readonly failures?: number;
  readonly firstTime?: number;
  readonly lastTime?: number;
  readonly eventIds?: string[];
}

/** Where an address is, as the graph knows it (offline database or GuardDuty). */
export interface AddressFacts {
  readonly ip: string;
  readonly country: string | null;
  readonly asn: number | null;
  readonly asnOrg: string | null;
  readonly isPrivate: boolean;
}

export const networkName = (f: AddressFacts | undefined) => (f?.asn === null || f?.asn === undefined ? undefined : `AS${f.asn}${f.asnOrg ? ` ${f.asnOrg}` : ''}`);

/** Each dimension's values in a set of rows. */
export function valuesOf(rows: readonly DimensionRow[]) {
  const pick = (flag: keyof Pick<DimensionRow, 'bySourceIp' | 'byUserAgent' | 'byRegion' | 'byApi'>, value: (r: DimensionRow) => string | null) =>
    rows.filter((r) => r[flag] && value(r) !== null).map((r) => ({ value: value(r)!, row: r }));
  return {
    addresses: pick('bySourceIp', (r) => r.sourceIp),
    userAgents: pick('byUserAgent', (r) => r.userAgent),
    regions: pick('byRegion', (r) => r.region),
    apis: pick('byApi', (r) => (r.eventName === null ? null : `${r.eventSource ?? 'unknown'} ${r.eventName}`)),
  };
}

/**
 * Newly observed countries, networks, regions, user agents, APIs and addresses: in the scope and
 * never in the baseline before it. A country or network is new only when no address seen in the
 * baseline had it (valuesOnlyNew, as entity profiles decide). Nothing is new without a baseline:
 * the caller says so instead.
 */
export function newlyObservedIndicators(subject: Subject, scope: readonly DimensionRow[], baseline: readonly DimensionRow[], places: ReadonlyMap<string, AddressFacts>): Indicator[] {
  const now = valuesOf(scope);
  const before = valuesOf(baseline);
  const seen = {
    addresses: new Set(before.addresses.map((v) => v.value)),
    userAgents: new Set(before.userAgents.map((v) => v.value)),
    regions: new Set(before.regions.map((v) => v.value)),
    apis: new Set(before.apis.map((v) => v.value)),
  };
  const out: Indicator[] = [];

  // Countries and networks: every address of scope and baseline, new or not.
  const addresses = [...now.addresses.map((a) => ({ ip: a.value, row: a.row as DimensionRow | null, fresh: !seen.addresses.has(a.value) })), ...before.addresses.map((a) => ({ ip: a.value, row: null, fresh: false }))];
  for (const [type, title, value, severity] of [
    ['newCountry', 'New country', (ip: string) => places.get(ip)?.country ?? undefined, 'medium'],
    ['newNetwork', 'New network', (ip: string) => networkName(places.get(ip)), 'low'],
  ] as const) {
    for (const fresh of valuesOnlyNew(addresses, (a) => value(a.ip), (a) => a.fresh)) {
      const from = now.addresses.filter((a) => value(a.value) === fresh).map((a) => a.row);
      const calls = from.reduce((s, r) => s + r.calls, 0);
      const ids = from.flatMap((r) => r.eventIds ?? []).slice(0, 10);
      const what = type === 'newCountry' ? `from ${fresh}` : `from network ${fresh}`;
      out.push(
        indicator(subject, type, severity, `${title}: ${fresh}`, `${subject.entity.label} made ${plural(calls, 'call')} ${what}, where it had made none in the ${baselineWords(subject)}.`, from, ids, calls, [
          ...from.slice(0, 5).map((r) => addressEntity(r.sourceIp!)),
        ], { value: fresh, addresses: from.map((r) => r.sourceIp) }, from.length === 1 ? { sourceIp: from[0]!.sourceIp! } : {}),
      );
    }
  }

  const dimension = (
    type: 'newRegion' | 'newUserAgent' | 'newApi' | 'newAddress',
    items: { value: string; row: DimensionRow }[],
    known: Set<string>,
    severity: Severity,
    title: (v: string) => string,
    sentence: (v: string, calls: number) => string,
    filters: (r: DimensionRow) => Record<string, string>,
    entities: (r: DimensionRow) => InvolvedEntity[] = () => [],
  ) => {
    for (const { value, row } of items) {
      if (known.has(value)) continue;
      out.push(indicator(subject, type, severity, title(value), sentence(value, row.calls), [row], row.eventIds ?? [], row.calls, entities(row), { value }, filters(row)));
    }
  };
  dimension('newRegion', now.regions, seen.regions, 'medium', (v) => `New region: ${v}`, (v, calls) => `${subject.entity.label} made ${plural(calls, 'call')} in ${v}, a region it had not used in the ${baselineWords(subject)}; attackers often work in regions nobody watches.`, () => ({}));
  dimension('newUserAgent', now.userAgents, seen.userAgents, 'low', (v) => `New user agent: ${short(v)}`, (v, calls) => `${subject.entity.label} made ${plural(calls, 'call')} with the user agent "${short(v)}", never used in the ${baselineWords(subject)}.`, (r) => ({ userAgent: r.userAgent! }), (r) => [
    { id: `${Label.UserAgent}:${r.userAgent}`, kind: Label.UserAgent, key: r.userAgent!, label: short(r.userAgent!), role: 'user agent' },
  ]);
  out.push(...newApis(subject, now.apis.filter((a) => !seen.apis.has(a.value))));
  dimension('newAddress', now.addresses, seen.addresses, 'info', (v) => `New address: ${v}`, (v, calls) => `${subject.entity.label} made ${plural(calls, 'call')} from ${v}${describePlace(places.get(v))}, an address it had not used in the ${baselineWords(subject)}.`, (r) => ({ sourceIp: r.sourceIp! }), (r) => [addressEntity(r.sourceIp!)]);
  return out;
}

/**
 * Newly observed APIs as one indicator (Detective's "newly observed API calls"): a list of a
 * dozen new names is one fact about the identity, not a dozen; each API keeps its own count,
 * first call and sample events in details.
 */
function newApis(subject: Subject, fresh: readonly { value: string; row: DimensionRow }[]): Indicator[] {
  if (fresh.length === 0) return [];
  const sorted = [...fresh].sort((a, b) => (a.row.firstTime ?? 0) - (b.row.firstTime ?? 0));
  const names = sorted.map((a) => a.row.eventName!);
  const calls = sorted.reduce((s, a) => s + a.row.calls, 0);
  return [
    indicator(
      subject,
      'newApi',
      'low',
      fresh.length === 1 ? `New API: ${names[0]}` : `New APIs: ${fresh.length} never called before`,
      `${subject.entity.label} called ${fresh.length === 1 ? 'an API' : `${fresh.length} APIs`} it had not called in the ${baselineWords(subject)} (${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}), ${plural(calls, 'call')} in all.`,
      sorted.map((a) => a.row),
      sorted.flatMap((a) => (a.row.eventIds ?? []).slice(0, 1)).slice(0, 10),
      calls,
      [],
      {
        value: 'apis',
        apis: sorted.slice(0, 200).map((a) => ({ api: a.row.eventName, service: a.row.eventSource, calls: a.row.calls, firstSeen: a.row.firstTime === undefined ? null : iso(a.row.firstTime), eventIds: a.row.eventIds ?? [] })),
      },
      fresh.length === 1 ? { eventSource: sorted[0]!.row.eventSource ?? '', eventName: names[0]! } : {},
    ),
  ];
}

function describePlace(f: AddressFacts | undefined): string {
  if (!f) return '';
  const parts = [f.country, networkName(f)].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : f.isPrivate ? ' (a private address)' : '';
}

export function baselineWords(subject: Subject): string {
  const days = Math.round((subject.from - subject.baselineFrom) / 86_400_000);
  return `${days} days before the scope`;
}

const short = (v: string) => (v.length > 80 ? `${v.slice(0, 79)}…` : v);

function indicator(
  subject: Subject,
  type: Indicator['type'],
  severity: Severity,
  title: string,
  explanation: string,
  rows: readonly DimensionRow[],
  ids: readonly string[],
  calls: number,
  entities: InvolvedEntity[],
  details: Record<string, unknown>,
  filters: Record<string, string>,
): Indicator {
  const first = Math.min(...rows.map((r) => r.firstTime ?? subject.from));
  const last = Math.max(...rows.map((r) => r.lastTime ?? subject.to));
  return {
    id: `${type}:${String(details.value)}`,
    type,
    severity,
    title,
    explanation,
    firstSeen: iso(first),
    lastSeen: iso(last),
    entities: [subjectEntity(subject), ...entities],
    evidence: evidenceOf(subject, ids, calls, filters),
    tactics: type === 'newCountry' || type === 'newNetwork' || type === 'newAddress' ? ['Initial Access'] : [],
    details,
  };
}
