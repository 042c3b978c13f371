import { describe, expect, it } from 'vitest';
import { Random } from '../../demo/random';
import { buildHosts, everydayFlows } from '../../demo/vpcflow/traffic';

describe("the demo's everyday flows", () => {
  it('never has a host talk to itself (the database included)', () => {
    const random = new Random(42);
    const hosts = buildHosts(random, '111122223333', 12);
    const end = Date.UTC(2026, 10, 20);
    const lines = [...everydayFlows(random, hosts, end - 24 * 3_600_000, end, 5_000)];
    expect(lines.length).toBeGreaterThanOrEqual(5_000);
    expect(lines.filter((l) => l.src === l.dst)).toEqual([]);
    // The database still gets its connections, recorded on its own interface too.
    const db = hosts[0]!;
    expect(lines.some((l) => l.dst === db.privateIp && l.dstPort === 5432 && l.interfaceId === db.interfaceId)).toBe(true);
  });
});
