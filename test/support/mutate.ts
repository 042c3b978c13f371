/**
 * Seeded mutations of real records, for the hostile-input property tests: every reader must turn
 * whatever they make into loaded records, duplicates or rejects, and never throw.
 */

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function randomFrom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Mutator {
  constructor(readonly random: () => number) {}

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  /** A value an attacker or a broken producer could put anywhere. */
  hostileValue(): unknown {
    return this.valueOfCase(this.int(22));
  }

  private valueOfCase(which: number): unknown {
    switch (which) {
      case 0: return null;
      case 1: return '';
      case 2: return this.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER]);
      case 3: return this.pick([true, false]);
      case 4: return [];
      case 5: return {};
      case 6: return this.nested(1 + this.int(this.chance(0.1) ? 200 : 40));
      case 7: return 'x'.repeat(this.chance(0.02) ? 40_000 : 1 + this.int(2000));
      case 8: return this.pick(['ユーザー\u202Eexe.txt', 'ad\u200Bmin', '\u2067fdp.exe\u2069', '\uFEFF', '\u0000', '\uD800', '\uDFFF\uD800', '\u0007\u001b[31m']);
      case 9: return this.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']);
      case 10: return this.pick(['=1+1', '+cmd', '@SUM(A1)', '\t=HYPERLINK("x")', "'}) MATCH (n) DETACH DELETE n //", '<script>alert(1)</script>']);
      case 11: return this.pick(['2024-13-45T99:99:99Z', '1722474000', '1722474000000', 'NaN', 'Infinity', '-0', '0x10', '1e400', 'yesterday']);
      case 12: return this.pick(['arn:aws:iam::', 'arn:aws:sts::123:assumed-role/', 'arn:::::', 'arn:aws:iam::123456789012:user/a/b/c/d/e/f/g', 'arn:' + ':'.repeat(500)]);
      case 13: return this.pick(['::ffff:1.2.3.4', '999.1.1.1', '1.2.3', '::', 'fe80::1%eth0', '2001:db8::1', '127.0.0.1', '0.0.0.0', ' 10.0.0.1 ']);
      case 14: return this.pick(['AKIA', 'ASIA' + 'A'.repeat(200), 'i-', 'i-0123456789abcdef0', 'vpc-', 'eni-']);
      case 15: return [this.hostileScalar(), this.hostileScalar(), { type: this.hostileScalar(), ARN: this.hostileScalar() }];
      case 16: return { type: this.hostileScalar(), arn: this.hostileScalar(), accountId: this.hostileScalar(), principalId: this.hostileScalar() };
      case 17: return Array.from({ length: this.int(this.chance(0.02) ? 2_000 : 50) }, () => this.hostileScalar());
      case 18: return this.pick(['AssumedRole', 'IAMUser', 'Root', 'FederatedUser', 'AWSService', 'AWSAccount', 'SAMLUser', 'WebIdentityUser', 'IdentityCenterUser', 'Unknown']);
      case 19: return String.fromCharCode(...Array.from({ length: 1 + this.int(40) }, () => this.int(0x3000)));
      case 20: return { sessionIssuer: { type: this.hostileScalar(), arn: this.hostileScalar() }, attributes: { creationDate: this.hostileScalar() }, ec2RoleDelivery: this.hostileScalar() };
      default: return this.int(1_000_000);
    }
  }

  /** A hostile value that is not an object or array (the scalar cases of hostileValue). */
  hostileScalar(): unknown {
    const scalarCases = [0, 1, 2, 3, 7, 8, 9, 10, 11, 12, 13, 14, 18, 19, 21];
    return this.valueOfCase(this.pick(scalarCases));
  }

  nested(levels: number): unknown {
    let value: unknown = this.hostileScalar();
    for (let i = 0; i < levels; i++) value = this.chance(0.5) ? { a: value } : [value];
    return value;
  }

  /** Changes one to three places of a JSON record: a value replaced, a key removed, a key added. */
  mutateRecord(record: unknown): unknown {
    const copy = structuredClone(record) as unknown;
    if (copy === null || typeof copy !== 'object') return this.hostileValue();
    const changes = 1 + this.int(3);
    for (let i = 0; i < changes; i++) {
      const [parent, key] = this.somePlace(copy as Record<string, unknown>);
      const action = this.int(10);
      if (action < 6) parent[key] = this.hostileValue();
      else if (action < 8) delete parent[key];
      else parent[this.pick(['__proto__', 'constructor', 'extra', '', 'eventID', 'eventTime', 'userIdentity', 'Records', 'detail', 'Message'])] = this.hostileValue();
    }
    return copy;
  }

  /** A random existing place (object and key) in a record, more often near the top. */
  private somePlace(root: Record<string, unknown>): [Record<string, unknown>, string] {
    let parent: Record<string, unknown> = root;
    for (;;) {
      const keys = Object.keys(parent);
      if (keys.length === 0) return [parent, 'x'];
      const key = this.pick(keys);
      const value = parent[key];
      if (value !== null && typeof value === 'object' && this.chance(0.6)) {
        parent = value as Record<string, unknown>;
        continue;
      }
      return [parent, key];
    }
  }

  /** Text-level damage: cut, a byte changed, or text inserted. */
  damageText(text: string): string {
    const at = this.int(text.length + 1);
    switch (this.int(4)) {
      case 0: return text.slice(0, at);
      case 1: return text.slice(0, at) + this.pick(['"', '{', '}', '[', ']', ',', ':', '\\', '\u0000', '\n', 'é']) + text.slice(at + 1);
      case 2: return text.slice(0, at) + String(this.hostileScalar()) + text.slice(at);
      default: return text.slice(0, at) + text.slice(at + 1 + this.int(20));
    }
  }
}
