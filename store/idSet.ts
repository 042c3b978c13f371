/**
 * A set of event ids that costs 16 bytes an id instead of about 80. CloudTrail's eventIDs are
 * UUIDs written in lower-case hexadecimal ("da92a2d9-fb24-4ffb-8b58-af2dc983b4a7"): those are kept
 * as their 128 bits in an open-addressing table of 32-bit words, outside the JavaScript heap (a
 * day of a busy account is a million of them, and the ingest's heap is bounded). Any other id
 * (another format, upper case, an id an attacker wrote) goes to an ordinary Set of strings, so
 * membership is exact for every string.
 */
export class IdSet {
  /** 4 words a slot; a slot of four zero words is empty. */
  private table = new Uint32Array(4 * 1024);
  private capacity = 1024;
  private used = 0;
  /** The UUID whose 128 bits are all zero, which an empty slot cannot stand for. */
  private zero = false;
  private readonly others = new Set<string>();
  private readonly words = new Uint32Array(4);

  /** Adds the id; false if it was there already. */
  add(id: string): boolean {
    if (!uuidWords(id, this.words)) {
      if (this.others.has(id)) return false;
      this.others.add(id);
      return true;
    }
    const [a, b, c, d] = this.words as unknown as [number, number, number, number];
    if ((a | b | c | d) === 0) {
      if (this.zero) return false;
      this.zero = true;
      return true;
    }
    if ((this.used + 1) * 10 > this.capacity * 7) this.grow();
    return this.insert(a, b, c, d);
  }

  has(id: string): boolean {
    if (!uuidWords(id, this.words)) return this.others.has(id);
    const [a, b, c, d] = this.words as unknown as [number, number, number, number];
    if ((a | b | c | d) === 0) return this.zero;
    const mask = this.capacity - 1;
    for (let slot = mix(a, d) & mask; ; slot = (slot + 1) & mask) {
      const at = slot * 4;
      const t = this.table;
      if ((t[at]! | t[at + 1]! | t[at + 2]! | t[at + 3]!) === 0) return false;
      if (t[at] === a && t[at + 1] === b && t[at + 2] === c && t[at + 3] === d) return true;
    }
  }

  get size(): number {
    return this.used + (this.zero ? 1 : 0) + this.others.size;
  }

  private insert(a: number, b: number, c: number, d: number): boolean {
    const mask = this.capacity - 1;
    const t = this.table;
    for (let slot = mix(a, d) & mask; ; slot = (slot + 1) & mask) {
      const at = slot * 4;
      if ((t[at]! | t[at + 1]! | t[at + 2]! | t[at + 3]!) === 0) {
        t[at] = a;
        t[at + 1] = b;
        t[at + 2] = c;
        t[at + 3] = d;
        this.used += 1;
        return true;
      }
      if (t[at] === a && t[at + 1] === b && t[at + 2] === c && t[at + 3] === d) return false;
    }
  }

  private grow(): void {
    const old = this.table;
    this.capacity *= 2;
    this.table = new Uint32Array(4 * this.capacity);
    this.used = 0;
    for (let at = 0; at < old.length; at += 4) {
      if ((old[at]! | old[at + 1]! | old[at + 2]! | old[at + 3]!) !== 0) this.insert(old[at]!, old[at + 1]!, old[at + 2]!, old[at + 3]!);
    }
  }
}

/** Spreads the bits (UUIDs made by hand, "00000000-0000-...-000000000001", are not random). */
function mix(a: number, d: number): number {
  let h = Math.imul(a ^ (d >>> 15), 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h ^ d, 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}

/** The 128 bits of a lower-case UUID into `out`; false for anything else. */
function uuidWords(id: string, out: Uint32Array): boolean {
  if (id.length !== 36 || id.charCodeAt(8) !== 45 || id.charCodeAt(13) !== 45 || id.charCodeAt(18) !== 45 || id.charCodeAt(23) !== 45) return false;
  let word = 0;
  let nibbles = 0;
  let index = 0;
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) continue;
    const code = id.charCodeAt(i);
    const value = code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 102 ? code - 87 : -1;
    if (value < 0) return false;
    word = (word << 4) | value;
    nibbles += 1;
    if (nibbles === 8) {
      out[index++] = word >>> 0;
      word = 0;
      nibbles = 0;
    }
  }
  return true;
}
