import { countryPosition } from '../../../ingest/enrich/countryPositions';
import type { EventStore } from '../../../store/eventStore';
import { countryMovesSql } from '../../../store/queries/indicators';
import { iso } from '../shapes';
import { addressEntity, evidenceOf, subjectEntity } from './evidence';
import type { AddressFacts } from './observed';
import type { Subject } from './subject';
import type { Indicator, IndicatorSettings } from './types';

interface Move {
  readonly fromCountry: string;
  readonly fromTime: number;
  readonly fromEventId: string;
  readonly fromIp: string;
  readonly toCountry: string;
  readonly toTime: number;
  readonly toEventId: string;
  readonly toIp: string;
  readonly km: number;
  readonly kmh: number;
  readonly total: number;
}

/**
 * Impossible travel: consecutive calls from two countries farther apart than any traveller could
 * go in the time between them. Positions are each country's representative point (the offline
 * database places addresses by country), so short hops between neighbours are never flagged
 * (settings.travelMinKm); a VPN or proxy looks the same as theft, and the explanation says so.
 * DuckDB walks the calls in scope (`calls`, the kept table) in time order; only the fastest moves
 * come back.
 */
export async function impossibleTravel(events: EventStore, subject: Subject, calls: string, places: ReadonlyMap<string, AddressFacts>, settings: IndicatorSettings): Promise<Indicator[]> {
  const placed = [...places.values()].flatMap((f) => {
    const at = f.country ? countryPosition(f.country) : null;
    return at && f.country ? [{ ip: f.ip, country: f.country, at }] : [];
  });
  if (new Set(placed.map((p) => p.country)).size < 2) return [];
  const moves = await events.all<Move>(countryMovesSql(calls), {
    placeIps: placed.map((p) => p.ip),
    placeCountries: placed.map((p) => p.country),
    placeLats: placed.map((p) => String(p.at.lat)),
    placeLons: placed.map((p) => String(p.at.lon)),
    minKm: settings.travelMinKm,
    kmh: settings.travelKmh,
  });
  // One indicator per pair of countries (the fastest move between them), the fastest first.
  const byPair = new Map<string, Move[]>();
  for (const move of moves) {
    const pair = [move.fromCountry, move.toCountry].sort().join(' ↔ ');
    byPair.set(pair, [...(byPair.get(pair) ?? []), move]);
  }
  const total = moves[0]?.total ?? 0;
  return [...byPair.entries()].map(([pair, found]) => {
    const m = found[0]!;
    const minutes = Math.max(0, Math.round((m.toTime - m.fromTime) / 60_000));
    const speed = Math.round(m.kmh);
    return {
      id: `impossibleTravel:${pair}`,
      type: 'impossibleTravel',
      severity: 'high',
      title: `Impossible travel: ${m.fromCountry} → ${m.toCountry}`,
      explanation:
        `${subject.entity.label} called from ${m.fromIp} in ${m.fromCountry} at ${iso(m.fromTime)} and from ${m.toIp} in ${m.toCountry} ` +
        `${minutes === 0 ? 'less than a minute' : `${minutes} minutes`} later: about ${Math.round(m.km).toLocaleString('en-US')} km, ${speed.toLocaleString('en-US')} km/h, faster than any flight ` +
        `(or one side is a VPN or proxy the credentials' owner does not use).`,
      firstSeen: iso(m.fromTime),
      lastSeen: iso(m.toTime),
      entities: [subjectEntity(subject), addressEntity(m.fromIp, `address in ${m.fromCountry}`), addressEntity(m.toIp, `address in ${m.toCountry}`)],
      evidence: { ...evidenceOf(subject, [m.fromEventId, m.toEventId], 2, {}, { from: m.fromTime, to: m.toTime }) },
      tactics: ['Initial Access'],
      details: {
        from: { address: m.fromIp, country: m.fromCountry, time: iso(m.fromTime), eventId: m.fromEventId },
        to: { address: m.toIp, country: m.toCountry, time: iso(m.toTime), eventId: m.toEventId },
        distanceKm: Math.round(m.km),
        speedKmh: speed,
        movesBetweenThem: found.length,
        fastMovesInScope: total,
        positions: 'country representative points (the offline database places addresses by country)',
      },
    } satisfies Indicator;
  });
}
