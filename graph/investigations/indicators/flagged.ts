import type { Graph } from '../../driver';
import { Label } from '../../vocabulary';
import { iso } from '../shapes';
import { addressEntity, evidenceOf, plural, subjectEntity } from './evidence';
import { ADDRESSES_IN_FINDINGS } from './indicatorQueries';
import { intelHits, type IntelHit } from './intel/intelStore';
import type { DimensionRow } from './observed';
import type { Subject } from './subject';
import type { Indicator } from './types';

interface FindingRef {
  readonly findingId: string;
  readonly type: string;
  readonly severity: number | null;
  readonly title: string | null;
}

/**
 * Flagged addresses: addresses the entity called from that an imported threat-intelligence list
 * names (exactly or by range), or that a GuardDuty finding names as the other side of an action
 * (GuardDuty's own threat lists). One indicator per address, with every list and finding.
 */
export async function flaggedAddressIndicators(graph: Graph, subject: Subject, addresses: readonly DimensionRow[]): Promise<Indicator[]> {
  const rows = addresses.filter((r) => r.sourceIp !== null);
  const ips = rows.map((r) => r.sourceIp!);
  if (ips.length === 0) return [];
  const [intel, findings] = await Promise.all([intelHits(graph, ips), graph.read(ADDRESSES_IN_FINDINGS, { ips })]);
  const named = new Map(findings.records.map((r) => [r.get('address') as string, r.get('findings') as FindingRef[]]));
  const out: Indicator[] = [];
  for (const row of rows) {
    const ip = row.sourceIp!;
    const lists = (intel.get(ip) ?? []).filter((h) => h.validUntil === null || h.validUntil >= (row.firstTime ?? subject.from));
    const about = named.get(ip) ?? [];
    if (lists.length === 0 && about.length === 0) continue;
    const said = [
      ...lists.slice(0, 3).map((h) => `the list "${h.list}" names ${h.indicator === ip ? 'it' : `its range ${h.indicator}`}${h.description ? ` (${h.description})` : ''}`),
      ...about.slice(0, 2).map((f) => `GuardDuty finding ${f.type} names it`),
    ];
    out.push({
      id: `flaggedAddress:${ip}`,
      type: 'flaggedAddress',
      severity: lists.length > 0 || about.some((f) => (f.severity ?? 0) >= 7) ? 'high' : 'medium',
      title: `Flagged address: ${ip}`,
      explanation: `${subject.entity.label} made ${plural(row.calls, 'call')} from ${ip}, and ${said.join('; ')}.`,
      firstSeen: iso(row.firstTime ?? subject.from),
      lastSeen: iso(row.lastTime ?? subject.to),
      entities: [subjectEntity(subject), addressEntity(ip), ...about.slice(0, 5).map((f) => ({ id: `${Label.Finding}:${f.findingId}`, kind: Label.Finding, key: f.findingId, label: f.type, role: 'finding naming it' }))],
      evidence: evidenceOf(subject, row.eventIds, row.calls, { sourceIp: ip }),
      tactics: ['Initial Access'],
      details: { address: ip, lists: lists.map(listFact), findings: about },
    });
  }
  return out;
}

function listFact(hit: IntelHit) {
  return { list: hit.list, indicator: hit.indicator, description: hit.description, confidence: hit.confidence, reference: hit.reference, validUntil: hit.validUntil === null ? null : iso(hit.validUntil) };
}
