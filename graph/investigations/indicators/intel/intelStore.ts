import { BlockList, isIPv6 } from 'node:net';
import { escapeName as n } from '../../../cypher/escape';
import { cypherInt, type Graph } from '../../../driver';
import { Label } from '../../../vocabulary';
import type { IntelEntry } from './readIntel';

/**
 * Imported threat intelligence in the graph (IntelEntry nodes, one per list and indicator), where
 * the server and every CLI command see the same lists. A list is a named set: importing it again
 * replaces it (entries it no longer has are removed), so a daily refresh never accumulates
 * yesterday's addresses. Ranges are matched in memory (node:net BlockList), rebuilt only when
 * an import changed something (the intel version on TrailhoundMeta).
 */

const BATCH = 5_000;
const META = `MERGE (m:${n(Label.TrailhoundMeta)} {name: 'intel'}) SET m.intelVersion = $version`;

export interface ImportedList {
  readonly list: string;
  readonly entries: number;
  readonly removed: number;
}

/** Writes a list's entries (batched, idempotent) and removes what it no longer holds. */
export async function importIntelList(graph: Graph, list: string, entries: readonly IntelEntry[], now = Date.now(), progress: (written: number) => void = () => {}): Promise<ImportedList> {
  for (let at = 0; at < entries.length; at += BATCH) {
    const rows = entries.slice(at, at + BATCH).map((e) => ({
      entryKey: `${list}|${e.indicator}`,
      indicator: e.indicator,
      kind: e.kind,
      description: e.description,
      confidence: e.confidence === null ? null : cypherInt(e.confidence),
      validUntil: e.validUntil === null ? null : cypherInt(e.validUntil),
      reference: e.reference,
    }));
    await graph.run(
      `UNWIND $rows AS row
       MERGE (e:${n(Label.IntelEntry)} {entryKey: row.entryKey})
       SET e.list = $list, e.indicator = row.indicator, e.kind = row.kind, e.description = row.description,
           e.confidence = row.confidence, e.validUntil = row.validUntil, e.reference = row.reference, e.importedAt = $now`,
      { rows, list, now: cypherInt(now) },
    );
    progress(Math.min(entries.length, at + BATCH));
  }
  const removed = await graph.run(
    `MATCH (e:${n(Label.IntelEntry)} {list: $list}) WHERE e.importedAt < $now
     WITH e LIMIT 1000000 DETACH DELETE e RETURN count(*) AS removed`,
    { list, now: cypherInt(now) },
  );
  await graph.run(META, { version: cypherInt(now) });
  return { list, entries: entries.length, removed: (removed.records[0]?.get('removed') as number | undefined) ?? 0 };
}

/** Removes a list. */
export async function removeIntelList(graph: Graph, list: string): Promise<number> {
  const result = await graph.run(`MATCH (e:${n(Label.IntelEntry)} {list: $list}) DETACH DELETE e RETURN count(*) AS removed`, { list });
  await graph.run(META, { version: cypherInt(Date.now()) });
  // With the last list gone, so is its bookkeeping: the graph is as before the first import.
  await graph.run(`MATCH (m:${n(Label.TrailhoundMeta)} {name: 'intel'}) WHERE NOT EXISTS { MATCH (:${n(Label.IntelEntry)}) } DELETE m`);
  return (result.records[0]?.get('removed') as number | undefined) ?? 0;
}

/** The imported lists, with how many entries each has and when it was imported. */
export async function intelLists(graph: Graph): Promise<{ list: string; entries: number; importedAt: number }[]> {
  const result = await graph.read(`MATCH (e:${n(Label.IntelEntry)}) RETURN e.list AS list, count(*) AS entries, max(e.importedAt) AS importedAt ORDER BY list`);
  return result.records.map((r) => ({ list: r.get('list') as string, entries: r.get('entries') as number, importedAt: r.get('importedAt') as number }));
}

/** One list's entry that names an address. */
export interface IntelHit {
  readonly list: string;
  readonly indicator: string;
  readonly description: string | null;
  readonly confidence: number | null;
  readonly validUntil: number | null;
  readonly reference: string | null;
}

interface Ranges {
  readonly version: number | null;
  /** Every range at once: most addresses are in none, and are answered by one check. */
  readonly any: BlockList;
  readonly blocks: { readonly block: BlockList; readonly hit: IntelHit }[];
}
let cachedRanges: Ranges | null = null;

/** Which imported entries name each of `ips`: exact addresses by index, ranges in memory. */
export async function intelHits(graph: Graph, ips: readonly string[]): Promise<Map<string, IntelHit[]>> {
  const hits = new Map<string, IntelHit[]>();
  if (ips.length === 0) return hits;
  const add = (ip: string, hit: IntelHit) => hits.set(ip, [...(hits.get(ip) ?? []), hit]);
  const [exact, ranges] = await Promise.all([
    graph.read(`UNWIND $ips AS ip MATCH (e:${n(Label.IntelEntry)} {indicator: ip}) RETURN ip, e`, { ips: [...ips] }),
    rangesNow(graph),
  ]);
  for (const r of exact.records) add(r.get('ip') as string, hitOf((r.get('e') as { properties: Record<string, unknown> }).properties));
  if (ranges.blocks.length > 0) {
    for (const ip of ips) {
      const family = isIPv6(ip) ? 'ipv6' : 'ipv4';
      if (!ranges.any.check(ip, family)) continue;
      for (const { block, hit } of ranges.blocks) if (block.check(ip, family)) add(ip, hit);
    }
  }
  return hits;
}

function hitOf(p: Record<string, unknown>): IntelHit {
  return {
    list: String(p.list),
    indicator: String(p.indicator),
    description: typeof p.description === 'string' ? p.description : null,
    confidence: typeof p.confidence === 'number' ? p.confidence : null,
    validUntil: typeof p.validUntil === 'number' ? p.validUntil : null,
    reference: typeof p.reference === 'string' ? p.reference : null,
  };
}

async function rangesNow(graph: Graph): Promise<Ranges> {
  const meta = await graph.read(`MATCH (m:${n(Label.TrailhoundMeta)} {name: 'intel'}) RETURN m.intelVersion AS version`);
  const version = (meta.records[0]?.get('version') as number | undefined) ?? null;
  if (cachedRanges && cachedRanges.version === version) return cachedRanges;
  const result = await graph.read(`MATCH (e:${n(Label.IntelEntry)} {kind: 'cidr'}) RETURN e`);
  const any = new BlockList();
  const blocks = result.records.flatMap((r) => {
    const hit = hitOf((r.get('e') as { properties: Record<string, unknown> }).properties);
    const [net, bits] = hit.indicator.split('/');
    const block = new BlockList();
    try {
      block.addSubnet(net!, Number(bits), isIPv6(net!) ? 'ipv6' : 'ipv4');
      any.addSubnet(net!, Number(bits), isIPv6(net!) ? 'ipv6' : 'ipv4');
    } catch {
      return [];
    }
    return [{ block, hit }];
  });
  cachedRanges = { version, any, blocks };
  return cachedRanges;
}
