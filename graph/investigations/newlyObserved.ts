/**
 * "Newly observed", shared by entity profiles and investigations: a value (a country, a network)
 * is new when only newly observed items carry it, and none of the items seen before do. An
 * address seen in the baseline keeps its country familiar even when a new address shares it.
 */
export function valuesOnlyNew<T>(items: readonly T[], value: (item: T) => string | undefined, isNew: (item: T) => boolean): string[] {
  const old = new Set<string>();
  const fresh = new Set<string>();
  for (const item of items) {
    const v = value(item);
    if (!v) continue;
    if (isNew(item)) fresh.add(v);
    else old.add(v);
  }
  return [...fresh].filter((v) => !old.has(v));
}
