import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { RecordFacts } from '../../graph/facts';
import { unwrapFindings } from '../../ingest/guardduty/container';
import { isSampleFinding, normalizeFinding, severityLabel } from '../../ingest/guardduty/normalize';
import { detectSource } from '../../ingest/detect';
import { edgesOf, nodesOf } from '../support/facts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'guardduty');
const json = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

function findingFacts(value: unknown): RecordFacts[] {
  return unwrapFindings(value).map((u) => {
    if (u.kind !== 'finding') throw new Error(`not a finding: ${JSON.stringify(u)}`);
    const result = normalizeFinding(u.finding);
    if (!result.ok) throw new Error(result.reason);
    return result.facts;
  });
}

describe('GuardDuty shapes', () => {
  const bare = findingFacts(json('c2-activity.valid.json'));
  const shapes: [string, unknown][] = [
    ['an EventBridge "GuardDuty Finding" event', json('eventbridge.valid.json')],
    ['GetFindings output from the CLI (PascalCase)', json('get-findings-cli.valid.json')],
  ];
  for (const [name, value] of shapes) {
    it(`reads ${name} as the same finding`, () => {
      const facts = findingFacts(value);
      expect(facts).toHaveLength(1);
      // The same finding, whatever the wrapping or casing; raw keeps the record as it came.
      const { raw: _raw, ...props } = facts[0]!.record!.props;
      const { raw: _bareRaw, ...bareProps } = bare[0]!.record!.props;
      expect(props).toEqual(bareProps);
      expect(edgesOf(facts[0]!)).toEqual(edgesOf(bare[0]!));
    });
  }

  it('reads GetFindings output from the API (camelCase) and the S3 export (JSON Lines, gzipped)', () => {
    expect(findingFacts(json('get-findings-api.valid.json'))[0]?.record?.key).toBe('b6e1f0a2c3d4e5f60718293a4b5c6d7e');
    const exported = gunzipSync(readFileSync(join(FIXTURES, 'export.valid.jsonl.gz'))).toString().trim().split('\n').map((l) => JSON.parse(l));
    expect(exported.flatMap(findingFacts).map((f) => f.record?.props.type)).toEqual([
      'Canary:EC2/Stateless.IntegTest',
      'Recon:IAMUser/MaliciousIPCaller.Custom',
      'PenTest:S3/ParrotLinux',
      'Backdoor:EC2/C&CActivity.B',
    ]);
  });
});

describe('normalizeFinding', () => {
  const [c2] = findingFacts(json('c2-activity.valid.json'));
  const [key] = findingFacts(json('leaked-key.valid.json'));

  it('keeps the finding as a versioned record with severity, its label and times', () => {
    expect(c2?.record).toMatchObject({
      label: 'Finding',
      key: 'a4c8d7e6f5b4a3928170615243f2e1d0',
      props: { type: 'Backdoor:EC2/C&CActivity.B', severity: 8, severityLabel: 'High', count: 14, sample: false, updatedAt: Date.parse('2024-08-01T12:10:02.114Z'), actionType: 'NETWORK_CONNECTION' },
    });
    expect([severityLabel(2), severityLabel(5.5), severityLabel(8.9), severityLabel(9)]).toEqual(['Low', 'Medium', 'High', 'Critical']);
  });

  it('connects an instance finding to the instance, its interface, addresses and network, keyed as flow logs key them', () => {
    const edges = edgesOf(c2!);
    expect(edges).toContain('Finding:a4c8d7e6f5b4a3928170615243f2e1d0 -AFFECTS-> Ec2Instance:i-0a1b2c3d4e5f60718');
    expect(edges).toContain('Ec2Instance:i-0a1b2c3d4e5f60718 -HAS_INTERFACE-> NetworkInterface:eni-0f1e2d3c4b5a69788');
    expect(edges).toContain('NetworkInterface:eni-0f1e2d3c4b5a69788 -HAS_IP-> IpAddress:10.0.1.25');
    expect(edges).toContain('NetworkInterface:eni-0f1e2d3c4b5a69788 -HAS_IP-> IpAddress:54.210.33.17');
    expect(edges).toContain('Subnet:subnet-0c1d2e3f4a5b6c7d8 -IN_VPC-> Vpc:vpc-0d1e2f3a4b5c6d7e8');
  });

  it('records the remote address with the country, city and network GuardDuty gives, and how it is involved', () => {
    const remote = c2!.edges.find((e) => e.type === 'INVOLVES' && e.to.key === '203.0.113.66')!;
    expect(remote.props).toMatchObject({ role: 'remote', direction: 'OUTBOUND', remotePort: 4444, localPort: 45021, protocol: 'TCP', blocked: false });
    expect(nodesOf(c2!).get('IpAddress:203.0.113.66')).toMatchObject({ country: 'Netherlands', city: 'Amsterdam', asn: 64500, asnOrg: 'EXAMPLE-HOSTING', geoSource: 'guardduty' });
  });

  it('connects an access-key finding to the key and its IAM user, and names the API', () => {
    const edges = edgesOf(key!);
    expect(edges).toContain('Finding:b6e1f0a2c3d4e5f60718293a4b5c6d7e -AFFECTS-> AccessKey:AKIAR7ISFR69YWROPYAN');
    expect(edges).toContain('Finding:b6e1f0a2c3d4e5f60718293a4b5c6d7e -AFFECTS-> IamUser:arn:aws:iam::900138736586:user/christophe');
    expect(key?.record?.props).toMatchObject({ actionApi: 'RunInstances', actionService: 'ec2.amazonaws.com' });
  });

  it('gives a temporary key to the RoleSession that CloudTrail keys by the same key', () => {
    const finding = json('leaked-key.valid.json') as { resource: { accessKeyDetails: Record<string, string> } };
    finding.resource.accessKeyDetails = { accessKeyId: 'ASIA9F6MXE9HSYOXYQOS', userType: 'AssumedRole', userName: 'stratus-red-team-ec2lui-role-idtzskbvtd' };
    expect(edgesOf(findingFacts(finding)[0]!)).toContain('Finding:b6e1f0a2c3d4e5f60718293a4b5c6d7e -AFFECTS-> RoleSession:ASIA9F6MXE9HSYOXYQOS');
  });

  it('flags sample findings and keeps their placeholders apart from real entities', () => {
    const [sample] = findingFacts(json('aws-samples/guardduty_iam_event.json'));
    expect(sample?.record?.props.sample).toBe(true);
    const keys = [...nodesOf(sample!).keys()].filter((k) => !k.startsWith('Finding'));
    expect(keys.length).toBeGreaterThan(3);
    for (const k of keys) expect(k.split(':').slice(1).join(':')).toMatch(/^sample:/);
    expect(nodesOf(sample!).get('Ec2Instance:sample:i-99999999')).toMatchObject({ sample: true });
  });

  it('takes every prober of a port-probe finding as an address it involves, with the port probed', () => {
    const finding = json('c2-activity.valid.json') as { type: string; service: { action: unknown } };
    finding.type = 'Recon:EC2/PortProbeUnprotectedPort';
    finding.service.action = {
      actionType: 'PORT_PROBE',
      portProbeAction: {
        blocked: false,
        portProbeDetails: [
          { localPortDetails: { port: 22, portName: 'SSH' }, remoteIpDetails: { ipAddressV4: '198.51.100.23', country: { countryName: 'Brazil' }, organization: { asn: '64501', asnOrg: 'Example Transit' } } },
          { localPortDetails: { port: 3389, portName: 'RDP' }, remoteIpDetails: { ipAddressV4: '203.0.113.99' } },
        ],
      },
    };
    const [facts] = findingFacts(finding);
    const probes = facts!.edges.filter((e) => e.type === 'INVOLVES' && e.to.label === 'IpAddress');
    expect(probes.map((e) => [e.to.key, e.props?.role, e.props?.localPort])).toEqual([
      ['198.51.100.23', 'portProbe', 22],
      ['203.0.113.99', 'portProbe', 3389],
    ]);
    expect(nodesOf(facts!).get('IpAddress:198.51.100.23')).toMatchObject({ country: 'Brazil', asn: 64501, geoSource: 'guardduty' });
    // Still about the instance that was probed.
    expect(edgesOf(facts!)).toContain('Finding:a4c8d7e6f5b4a3928170615243f2e1d0 -AFFECTS-> Ec2Instance:i-0a1b2c3d4e5f60718');
  });

  it('takes the domain a DNS-request finding names, in lower case, as a domain it involves', () => {
    const finding = json('c2-activity.valid.json') as { type: string; service: { action: unknown } };
    finding.type = 'Backdoor:EC2/C&CActivity.B!DNS';
    finding.service.action = { actionType: 'DNS_REQUEST', dnsRequestAction: { domain: 'C2.Evil-Example.COM', protocol: 'UDP', blocked: false } };
    const [facts] = findingFacts(finding);
    expect(edgesOf(facts!)).toContain('Finding:a4c8d7e6f5b4a3928170615243f2e1d0 -INVOLVES-> Domain:c2.evil-example.com');
  });

  it('knows a sample by its flag, in either form, or by placeholders where AWS assigns ids', () => {
    const real = () => json('leaked-key.valid.json') as { resource: { accessKeyDetails: Record<string, string> }; service: { additionalInfo: Record<string, unknown> } };
    expect(isSampleFinding(real())).toBe(false);
    const flagged = real();
    flagged.service.additionalInfo = { value: '{"sample":true}', type: 'default' };
    expect(isSampleFinding(flagged)).toBe(true);
    const placeholder = real();
    placeholder.resource.accessKeyDetails.accessKeyId = 'GeneratedFindingAccessKeyId';
    expect(isSampleFinding(placeholder)).toBe(true);
  });

  it('never takes a real finding for a sample because of text the attacker wrote', () => {
    const finding = json('leaked-key.valid.json') as { service: { action: { awsApiCallAction: Record<string, unknown> }; additionalInfo: Record<string, unknown> } };
    finding.service.action.awsApiCallAction.userAgent = 'GeneratedFinding "i-99999999" sample:true';
    finding.service.additionalInfo = { value: 'sample', note: '{"sample":true}' };
    expect(isSampleFinding(finding)).toBe(false);
    const [facts] = findingFacts(finding);
    expect(facts?.record?.props.sample).toBe(false);
    expect([...nodesOf(facts!).keys()]).toContain('AccessKey:AKIAR7ISFR69YWROPYAN');
  });

  it("rejects GuardDuty's other EventBridge events one by one, wherever they come in the file", () => {
    const scan = { version: '0', source: 'aws.guardduty', 'detail-type': 'GuardDuty Malware Protection Object Scan Result', detail: { scanStatus: 'COMPLETED' } };
    const finding = json('eventbridge.valid.json');
    expect(unwrapFindings([scan, finding]).map((u) => u.kind)).toEqual(['invalid', 'finding']);
    expect(unwrapFindings(scan)).toEqual([{ kind: 'invalid', reason: 'a GuardDuty "GuardDuty Malware Protection Object Scan Result" event, not a finding' }]);
    expect(detectSource(Buffer.from(`${JSON.stringify(scan)}\n${JSON.stringify(finding)}\n`)).source).toBe('guardduty');
    // An event from another service is still something else.
    expect(unwrapFindings({ source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', detail: {} })[0]?.kind).toBe('other');
  });

  it('leaves out a severity or count that is empty, instead of reading it as 0 ("Low")', () => {
    const base = { schemaVersion: '2.0', id: 'f-empty', type: 'Recon:EC2/PortProbeUnprotectedPort', updatedAt: '2024-08-01T10:00:00.000Z', resource: {} };
    for (const empty of [null, '', true]) {
      const result = normalizeFinding({ ...base, severity: empty, service: { count: empty } });
      if (!result.ok) throw new Error(result.reason);
      expect(result.facts.record!.props, String(empty)).not.toHaveProperty('severityLabel', 'Low');
      expect(result.facts.record!.props.severity ?? null).toBeNull();
      expect(result.facts.record!.props.count ?? null).toBeNull();
    }
    const texts = normalizeFinding({ ...base, severity: '8.0', service: { count: '3' } });
    if (!texts.ok) throw new Error(texts.reason);
    expect(texts.facts.record!.props).toMatchObject({ severity: 8, severityLabel: 'High', count: 3 });
  });

  it('rejects a finding without id or time', () => {
    expect(normalizeFinding({ schemaVersion: '2.0', type: 'X', service: {} })).toEqual({ ok: false, reason: 'missing id' });
    expect(normalizeFinding({ schemaVersion: '2.0', id: 'f', type: 'X', service: {} })).toEqual({ ok: false, reason: 'missing updatedAt and createdAt' });
  });
});

describe('detectSource', () => {
  it.each([
    ['{"Records":[{"eventVersion":"1.08","eventID":"x"}]}', 'cloudtrail'],
    ['[{"eventVersion":"1.08","eventID":"x"}]', 'cloudtrail'],
    [readFileSync(join(FIXTURES, 'c2-activity.valid.json'), 'utf8'), 'guardduty'],
    [readFileSync(join(FIXTURES, 'get-findings-cli.valid.json'), 'utf8'), 'guardduty'],
    ['version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n', 'vpcflow'],
    ['2 111122223333 eni-0a1b2c3d 10.0.1.10 198.51.100.20 49152 443 6 25 20000 1722474000 1722474060 ACCEPT OK\n', 'vpcflow'],
    ['name,age\nalice,3\n', null],
  ])('%#: %s…', (text, source) => {
    expect(detectSource(Buffer.from(text)).source).toBe(source);
  });
});

describe('GuardDuty findings about workloads (EKS, RDS, Lambda, ECS containers)', () => {
  const [eks, rds, lambda, ecs] = findingFacts(json('workloads.valid.json'));

  it('connects each finding to its workload as an AwsResource keyed by its ARN', () => {
    expect(edgesOf(eks!)).toContain('Finding:c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6 -AFFECTS-> AwsResource:arn:aws:eks:us-east-1:444455556666:cluster/payments-prod');
    expect(edgesOf(rds!)).toContain('Finding:d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7 -AFFECTS-> AwsResource:arn:aws:rds:us-east-1:444455556666:db:orders-db-1');
    expect(edgesOf(lambda!)).toContain('Finding:e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8 -AFFECTS-> AwsResource:arn:aws:lambda:us-east-1:444455556666:function:thumbnailer');
    expect(edgesOf(ecs!)).toContain('Finding:f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9 -AFFECTS-> AwsResource:arn:aws:ecs:us-east-1:444455556666:cluster/checkout');
    expect(nodesOf(rds!).get('AwsResource:arn:aws:rds:us-east-1:444455556666:db:orders-db-1')).toMatchObject({
      resourceType: 'rds:db',
      service: 'rds',
      name: 'orders-db-1',
      accountId: '444455556666',
      region: 'us-east-1',
    });
    expect(nodesOf(lambda!).get('AwsResource:arn:aws:lambda:us-east-1:444455556666:function:thumbnailer')).toMatchObject({ resourceType: 'lambda:function', name: 'thumbnailer' });
  });

  it('keeps the container a runtime finding is about, by its id, beside its cluster', () => {
    const container = 'AwsResource:container/3f9a1c2b7d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4';
    expect(edgesOf(ecs!)).toContain(`Finding:f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9 -AFFECTS-> ${container}`);
    expect(nodesOf(ecs!).get(container)).toMatchObject({ resourceType: 'container', name: 'checkout-api' });
    expect(ecs!.record!.props).toMatchObject({ actionType: 'RUNTIME_ACTIVITY', type: 'Execution:Runtime/NewBinaryExecuted' });
  });

  it('records the caller of a Kubernetes API call and of an RDS login, with what GuardDuty says about them', () => {
    const caller = eks!.edges.find((e) => e.type === 'INVOLVES' && e.to.label === 'IpAddress')!;
    expect(caller.to.key).toBe('198.51.100.77');
    expect(caller.props).toMatchObject({ role: 'remote', api: 'list' });
    expect(nodesOf(eks!).get('IpAddress:198.51.100.77')).toMatchObject({ country: 'Romania', asn: 64501, geoSource: 'guardduty' });
    const login = rds!.edges.find((e) => e.type === 'INVOLVES' && e.to.label === 'IpAddress')!;
    expect([login.to.key, login.props?.role]).toEqual(['203.0.113.91', 'remote']);
    const c2 = lambda!.edges.find((e) => e.type === 'INVOLVES' && e.to.key === '203.0.113.66')!;
    expect(c2.props).toMatchObject({ direction: 'OUTBOUND', remotePort: 4444, protocol: 'TCP' });
  });
});
