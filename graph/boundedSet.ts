/**
 * A set that forgets its oldest entries beyond a size limit: a cache of "already written"
 * keys whose memory stays flat however much data flows through. Forgetting only costs a
 * redundant (idempotent) write.
 *
 * Two generations, each at most half the limit: keys join the young one; when it is full it
 * becomes the old one, and the old one is let go whole. A key found in the old generation moves
 * to the young one, so keys in use stay. Forgetting one key at a time (deleting a Set's first
 * entry) is not constant time in V8: the deleted entries stay at the front of the table until it
 * is rebuilt, and finding the first live one walks past them all. Past its limit such a set
 * took up to 9.6 s per 100,000 new keys (60-80 ms before it was full), and the last third of a
 * 3M-event load spent a fifth of its time there (docs/benchmarks.md).
 */
export class BoundedSet {
  private young = new Set<string>();
  private old = new Set<string>();
  private readonly generation: number;

  constructor(limit: number) {
    this.generation = Math.max(1, Math.floor(limit / 2));
  }

  has(key: string): boolean {
    if (this.young.has(key)) return true;
    if (!this.old.has(key)) return false;
    this.old.delete(key);
    this.remember(key);
    return true;
  }

  add(key: string): void {
    if (this.young.has(key)) return;
    this.old.delete(key);
    this.remember(key);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  private remember(key: string): void {
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Set();
    }
    this.young.add(key);
  }
}
