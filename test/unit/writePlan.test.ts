import { describe, expect, it } from 'vitest';
import { FactsBuilder } from '../../graph/facts';
import { planWrites } from '../../graph/writePlan';
import { Label, Rel } from '../../graph/vocabulary';

function callFacts(time: number, ip: string, api: string) {
  const f = new FactsBuilder(time);
  const user = f.node(Label.IamUser, 'arn:aws:iam::1:user/alice', { principalKey: 'arn:aws:iam::1:user/alice', userName: 'alice' });
  const address = f.node(Label.IpAddress, ip, { ip, version: 4, isPrivate: false });
  const bucket = f.node(Label.S3Bucket, 'data', { name: 'data' });
  f.link(Rel.CALLED_FROM, user, address);
  f.link(Rel.ACCESSED, user, bucket, { lists: { apis: [api] } });
  f.link(Rel.ACCESSED, user, bucket, { lists: { apis: [api] } }); // the same call naming the bucket twice
  return f.build();
}

describe('planWrites', () => {
  const plan = planWrites([callFacts(3000, '198.51.100.1', 'GetObject'), callFacts(1000, '198.51.100.1', 'PutObject'), callFacts(2000, '198.51.100.2', 'GetObject')]);

  it('writes each distinct node once, with the earliest and latest time it was seen', () => {
    expect(plan.entities.get(Label.IamUser)).toEqual([
      { key: 'arn:aws:iam::1:user/alice', firstSeen: 1000, lastSeen: 3000, props: { principalKey: 'arn:aws:iam::1:user/alice', userName: 'alice' } },
    ]);
    expect(plan.entities.get(Label.IpAddress)?.map((r) => r.key)).toEqual(['198.51.100.1', '198.51.100.2']);
  });

  it('sums evidence per distinct edge: one count per record, however often the record names it', () => {
    const accessed = plan.observedEdges.find((g) => g.type === Rel.ACCESSED)!;
    expect(accessed.from).toBe('Principal');
    expect(accessed.rows).toEqual([
      { from: 'arn:aws:iam::1:user/alice', to: 'data', firstSeen: 1000, lastSeen: 3000, count: 3, lists: { apis: ['GetObject', 'PutObject'] } },
    ]);
    const calledFrom = plan.observedEdges.find((g) => g.type === Rel.CALLED_FROM)!;
    expect(calledFrom.rows.map((r) => [r.to, r.count])).toEqual([
      ['198.51.100.1', 2],
      ['198.51.100.2', 1],
    ]);
  });

  it('leaves out structural edges already written', () => {
    const f = new FactsBuilder(1);
    f.link(Rel.IN_ACCOUNT, f.node(Label.S3Bucket, 'data', {}), f.node(Label.Account, '111111111111', {}));
    expect(planWrites([f.build()]).structuralEdges).toHaveLength(1);
    expect(planWrites([f.build()], () => true).structuralEdges).toHaveLength(0);
  });
});

describe('FactsBuilder', () => {
  it('refuses a property the schema does not declare', () => {
    expect(() => new FactsBuilder(0).node(Label.IpAddress, '1.2.3.4', { ip: '1.2.3.4', colour: 'red' })).toThrow(/colour is not declared for IpAddress/);
  });

  it('refuses a relationship between labels the schema does not connect', () => {
    const f = new FactsBuilder(0);
    expect(() => f.link(Rel.KEY_OF, f.node(Label.IpAddress, '1.2.3.4'), f.node(Label.S3Bucket, 'b'))).toThrow(/schema has no \(IpAddress\)-\[:KEY_OF\]->\(S3Bucket\)/);
  });

  it('never passes null or undefined values on (they would erase known values)', () => {
    const f = new FactsBuilder(0);
    f.node(Label.IamUser, 'u', { principalKey: 'u', userName: 'alice', principalId: null });
    f.node(Label.IamUser, 'u', { principalKey: 'u', userName: undefined });
    expect(planWrites([f.build()]).entities.get(Label.IamUser)?.[0]?.props).toEqual({ principalKey: 'u', userName: 'alice' });
  });
});
