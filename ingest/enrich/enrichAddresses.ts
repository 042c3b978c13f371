import type { Graph } from '../../graph/driver';
import { cypherInt } from '../../graph/driver';
import { GeoDatabase } from './geoDatabase';
import { ADDRESSES_TO_ENRICH, OFFLINE_SOURCE, SET_ADDRESS_LOCATION } from './enrichQueries';

export interface EnrichSummary {
  readonly examined: number;
  readonly located: number;
  readonly seconds: number;
}

/**
 * Gives public addresses without a location one from the offline database, in batches.
 * Addresses GuardDuty already located keep GuardDuty's answer. Safe to run any number of
 * times: it only touches addresses never looked up (geoSource is set, even when nothing is
 * found, so they are not looked up again).
 */
export async function enrichAddresses(graph: Graph, onProgress: (done: number) => void = () => {}): Promise<EnrichSummary> {
  const started = Date.now();
  const geo = await GeoDatabase.load();
  let examined = 0;
  let located = 0;
  for (;;) {
    const batch = await graph.read(ADDRESSES_TO_ENRICH, { limit: cypherInt(5000) });
    const ips = batch.records.map((r) => r.get('ip') as string);
    if (ips.length === 0) break;
    const rows = ips.map((ip) => {
      const answer = geo.lookup(ip);
      if (answer) located += 1;
      return {
        ip,
        country: answer?.country ?? null,
        asn: answer?.asn === null || answer?.asn === undefined ? null : cypherInt(answer.asn),
        asnOrg: answer?.asnOrg ?? null,
      };
    });
    await graph.write((tx) => tx.run(SET_ADDRESS_LOCATION, { rows, source: OFFLINE_SOURCE }));
    examined += ips.length;
    onProgress(examined);
  }
  return { examined, located, seconds: (Date.now() - started) / 1000 };
}
