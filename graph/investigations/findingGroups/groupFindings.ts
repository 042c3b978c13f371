/**
 * Finding groups, as pure logic: findings that share an entity (a principal, an access key, a
 * public address, an instance, a bucket...) within a time window are one story. Union-find over
 * the shared entities, where two findings of one entity join only when their activity is within
 * the window of each other, so a scanner seen in January and again in June makes two groups.
 */

export interface FindingFacts {
  readonly findingId: string;
  readonly type: string;
  readonly title: string | null;
  readonly severity: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly accountId: string | null;
  readonly region: string | null;
  readonly count: number | null;
  /** Entities that can join it to others, with how it relates to each. */
  readonly entities: readonly RelatedEntity[];
}

export interface RelatedEntity {
  /** kind:key */
  readonly id: string;
  readonly kind: string;
  readonly key: string;
  readonly label: string;
  /** direct: the finding names it; owner: it owns a key the finding is about; started: it started a session the finding is about. */
  readonly via: 'direct' | 'owner' | 'started';
}

export interface SharedEntity extends Omit<RelatedEntity, 'via'> {
  /** The group's findings that relate to it. */
  readonly findingIds: readonly string[];
  readonly via: readonly RelatedEntity['via'][];
}

export interface Grouped {
  readonly findings: readonly FindingFacts[];
  /** Entities two or more of its findings share: what joins them. */
  readonly shared: readonly SharedEntity[];
}

/** Groups of two or more findings, and how many findings joined none. */
export function groupFindings(findings: readonly FindingFacts[], windowMs: number): { groups: Grouped[]; alone: number } {
  const parent = findings.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const join = (a: number, b: number) => {
    const ra = root(a);
    const rb = root(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };

  const byEntity = new Map<string, number[]>();
  findings.forEach((f, i) => {
    for (const e of new Set(f.entities.map((x) => x.id))) byEntity.set(e, [...(byEntity.get(e) ?? []), i]);
  });
  for (const members of byEntity.values()) {
    if (members.length < 2) continue;
    const ordered = [...members].sort((a, b) => findings[a]!.firstSeen - findings[b]!.firstSeen);
    let reach = findings[ordered[0]!]!.lastSeen;
    for (let k = 1; k < ordered.length; k++) {
      const f = findings[ordered[k]!]!;
      if (f.firstSeen <= reach + windowMs) join(ordered[k - 1]!, ordered[k]!);
      reach = Math.max(reach, f.lastSeen);
    }
  }

  const members = new Map<number, number[]>();
  findings.forEach((_, i) => members.set(root(i), [...(members.get(root(i)) ?? []), i]));
  const groups: Grouped[] = [];
  let alone = 0;
  for (const indexes of members.values()) {
    if (indexes.length < 2) {
      alone += 1;
      continue;
    }
    const group = indexes.map((i) => findings[i]!).sort((a, b) => a.firstSeen - b.firstSeen || a.findingId.localeCompare(b.findingId));
    groups.push({ findings: group, shared: sharedEntities(group) });
  }
  return { groups, alone };
}

function sharedEntities(group: readonly FindingFacts[]): SharedEntity[] {
  const seen = new Map<string, { entity: RelatedEntity; findingIds: Set<string>; via: Set<RelatedEntity['via']> }>();
  for (const f of group) {
    for (const e of f.entities) {
      const entry = seen.get(e.id) ?? { entity: e, findingIds: new Set<string>(), via: new Set<RelatedEntity['via']>() };
      entry.findingIds.add(f.findingId);
      entry.via.add(e.via);
      seen.set(e.id, entry);
    }
  }
  return [...seen.values()]
    .filter((s) => s.findingIds.size >= 2)
    .sort((a, b) => b.findingIds.size - a.findingIds.size || a.entity.id.localeCompare(b.entity.id))
    .map(({ entity, findingIds, via }) => ({ id: entity.id, kind: entity.kind, key: entity.key, label: entity.label, findingIds: [...findingIds], via: [...via] }));
}
