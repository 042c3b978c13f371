/**
 * A set that forgets its oldest entries beyond a size limit: a cache of "already written"
 * keys whose memory stays flat however much data flows through. Forgetting only costs a
 * redundant (idempotent) write.
 */
export class BoundedSet {
  private readonly items = new Set<string>();

  constructor(private readonly limit: number) {}

  has(key: string): boolean {
    return this.items.has(key);
  }

  add(key: string): void {
    if (this.items.has(key)) return;
    this.items.add(key);
    if (this.items.size > this.limit) {
      const oldest = this.items.values().next().value;
      if (oldest !== undefined) this.items.delete(oldest);
    }
  }

  get size(): number {
    return this.items.size;
  }
}
