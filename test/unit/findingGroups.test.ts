import { describe, expect, it } from 'vitest';
import { describeGroup, groupScore, tacticOfFindingType } from '../../graph/investigations/findingGroups/describeGroup';
import { groupFindings, type FindingFacts, type RelatedEntity } from '../../graph/investigations/findingGroups/groupFindings';

const H = 3_600_000;
const entity = (id: string, via: RelatedEntity['via'] = 'direct'): RelatedEntity => ({ id, kind: id.split(':')[0]!, key: id.split(':').slice(1).join(':'), label: id.split(/[:/]/).pop()!, via });
const finding = (id: string, type: string, at: number, entities: RelatedEntity[], severity = 5): FindingFacts => ({
  findingId: id, type, title: null, severity, firstSeen: at, lastSeen: at + H, accountId: '111122223333', region: 'us-east-1', count: 1, entities,
});

describe('finding groups', () => {
  it('joins findings that share an entity, transitively, and leaves the others alone', () => {
    const { groups, alone } = groupFindings(
      [
        finding('a', 'UnauthorizedAccess:IAMUser/MaliciousIPCaller', 0, [entity('AccessKey:AKIA1'), entity('IpAddress:185.220.101.45')]),
        finding('b', 'Exfiltration:S3/AnomalousBehavior', 2 * H, [entity('IpAddress:185.220.101.45'), entity('S3Bucket:data')], 8),
        finding('c', 'Persistence:IAMUser/AnomalousBehavior', 3 * H, [entity('S3Bucket:data')]),
        finding('d', 'Recon:EC2/PortProbeUnprotectedPort', 4 * H, [entity('Ec2Instance:i-0abc')], 2),
      ],
      24 * H,
    );
    expect(groups).toHaveLength(1);
    expect(groups[0]!.findings.map((f) => f.findingId)).toEqual(['a', 'b', 'c']);
    expect(groups[0]!.shared.map((e) => e.id).sort()).toEqual(['IpAddress:185.220.101.45', 'S3Bucket:data']);
    expect(alone).toBe(1);
  });

  it('does not join findings of one entity months apart', () => {
    const scanner = entity('IpAddress:45.146.164.110');
    const { groups, alone } = groupFindings([finding('jan', 'Recon:EC2/Portscan', 0, [scanner]), finding('jun', 'Recon:EC2/Portscan', 150 * 24 * H, [scanner])], 7 * 24 * H);
    expect(groups).toEqual([]);
    expect(alone).toBe(2);
  });

  it('ranks by severity, then tactics spanned, then size, and tells the group from its facts', () => {
    const carol = entity('IamUser:arn:aws:iam::111122223333:user/carol', 'started');
    const story = groupFindings(
      [finding('a', 'UnauthorizedAccess:IAMUser/MaliciousIPCaller', 0, [carol], 5), finding('b', 'Exfiltration:S3/AnomalousBehavior', H, [carol], 8), finding('c', 'Persistence:IAMUser/AnomalousBehavior', 2 * H, [carol], 5)],
      24 * H,
    ).groups[0]!;
    const noise = groupFindings([finding('x', 'Recon:EC2/PortProbeUnprotectedPort', 0, [entity('IpAddress:1.2.3.4')], 8), finding('y', 'Recon:EC2/PortProbeUnprotectedPort', H, [entity('IpAddress:1.2.3.4')], 2)], 24 * H).groups[0]!;
    expect(groupScore(story)).toBeGreaterThan(groupScore(noise));
    const text = describeGroup(story);
    expect(text).toMatch(/^3 findings over 3 hours, the most severe 8 \(High\), spanning Initial Access, Persistence and Exfiltration\./);
    expect(text).toContain('IAM user carol (who started the sessions they are about)');
    expect(text).toContain('It begins with UnauthorizedAccess:IAMUser/MaliciousIPCaller');
  });

  it("maps GuardDuty's threat purposes to ATT&CK tactics", () => {
    expect(tacticOfFindingType('Backdoor:EC2/C&CActivity.B')).toBe('Command and Control');
    expect(tacticOfFindingType('CredentialAccess:IAMUser/AnomalousBehavior')).toBe('Credential Access');
    expect(tacticOfFindingType('Policy:IAMUser/RootCredentialUsage')).toBeNull();
  });
});
