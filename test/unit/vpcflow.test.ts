import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlowAggregator } from '../../ingest/vpcflow/aggregate';
import { DEFAULT_FORMAT, isHeaderLine, parseFieldList } from '../../ingest/vpcflow/fields';
import { FlowLineParser, type FlowRecord } from '../../ingest/vpcflow/parseLine';
import { flowLogText } from '../../ingest/vpcflow/parquet';
import { edgesOf } from '../support/facts';
import { FactsBuilder, type EvidenceSink, type RecordFacts } from '../../graph/facts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'vpcflow');
const lines = (name: string) => readFileSync(join(FIXTURES, name), 'utf8').split('\n');

function flows(text: string[], fields: readonly string[] = DEFAULT_FORMAT): FlowRecord[] {
  let parser = new FlowLineParser(fields);
  const out: FlowRecord[] = [];
  for (const line of text) {
    if (!line.trim()) continue;
    const tokens = line.trim().split(/\s+/);
    if (isHeaderLine(tokens)) {
      parser = new FlowLineParser(tokens);
      continue;
    }
    const parsed = parser.parse(line);
    if (parsed.kind === 'flow') out.push(parsed.flow);
  }
  return out;
}

describe('FlowLineParser', () => {
  const parser = new FlowLineParser(DEFAULT_FORMAT);

  it('reads the default version 2 format', () => {
    const parsed = parser.parse('2 111122223333 eni-0a1b2c3d4e5f60001 10.0.1.10 198.51.100.20 49152 443 6 25 20000 1722474000 1722474060 ACCEPT OK');
    expect(parsed).toMatchObject({
      kind: 'flow',
      flow: { accountId: '111122223333', interfaceId: 'eni-0a1b2c3d4e5f60001', srcPort: 49152, dstPort: 443, protocol: 6, packets: 25, bytes: 20000, start: 1722474000000, end: 1722474060000, action: 'ACCEPT' },
    });
    if (parsed.kind === 'flow') {
      expect(parsed.flow.src?.ip).toBe('10.0.1.10');
      expect(parsed.flow.localIp?.ip).toBe('10.0.1.10'); // the lone private address is the interface's
    }
  });

  it('takes NODATA and SKIPDATA records, whose fields are "-", as valid records without traffic', () => {
    expect(parser.parse('2 111122223333 eni-0a1b2c3d4e5f60001 - - - - - - - 1722474300 1722474360 - NODATA')).toEqual({ kind: 'status', status: 'NODATA' });
    expect(parser.parse('2 111122223333 eni-0a1b2c3d4e5f60001 - - - - - - - 1722474360 1722474420 - SKIPDATA')).toEqual({ kind: 'status', status: 'SKIPDATA' });
  });

  it('knows a no-data record in a custom format without log-status by its empty traffic fields', () => {
    const custom = new FlowLineParser(['version', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action']);
    expect(custom.parse('5 eni-0a1b2c3d4e5f60001 - - - - - - - 1722474300 1722474360 -')).toEqual({ kind: 'status', status: 'NODATA' });
    expect(custom.parse('5 eni-0a1b2c3d4e5f60001 10.0.1.5 - 443 5000 6 1 40 1722474300 1722474360 ACCEPT').kind).toBe('invalid');
  });

  it('reads ICMP (ports 0 0) and IPv6, normalising addresses', () => {
    const [, , , , icmp, ipv6] = flows(lines('default-v2.valid.log'));
    expect(icmp).toMatchObject({ protocol: 1, srcPort: 0, dstPort: 0 });
    expect(ipv6?.dst?.ip).toBe('2001:db8:ffff::1');
  });

  it('reads each line\'s own interface, account and action when the next line reuses what the last one had', () => {
    const parser = new FlowLineParser(DEFAULT_FORMAT);
    const read = (line: string) => {
      const parsed = parser.parse(line);
      if (parsed.kind !== 'flow') throw new Error(parsed.kind);
      return [parsed.flow.interfaceId, parsed.flow.accountId, parsed.flow.action];
    };
    // Same lengths, one character apart: a value kept from the line before must not be taken for this one's.
    expect(read('2 111122223333 eni-0a1b2c3d4e5f60001 10.0.1.5 10.0.2.9 443 50000 6 10 840 1722470400 1722470460 ACCEPT OK')).toEqual(['eni-0a1b2c3d4e5f60001', '111122223333', 'ACCEPT']);
    expect(read('2 111122223333 eni-0a1b2c3d4e5f60001 10.0.1.5 10.0.2.9 443 50000 6 10 840 1722470400 1722470460 ACCEPT OK')).toEqual(['eni-0a1b2c3d4e5f60001', '111122223333', 'ACCEPT']);
    expect(read('2 111122223334 eni-0a1b2c3d4e5f60002 10.0.1.5 10.0.2.9 443 50000 6 10 840 1722470400 1722470460 REJECT OK')).toEqual(['eni-0a1b2c3d4e5f60002', '111122223334', 'REJECT']);
    expect(read('2 111122223333 eni-0a1b2c3d4e5f60001 10.0.1.5 10.0.2.9 443 50000 6 10 840 1722470400 1722470460 ACCEPT OK')).toEqual(['eni-0a1b2c3d4e5f60001', '111122223333', 'ACCEPT']);
    expect(read('2 - - 10.0.1.5 10.0.2.9 443 50000 6 10 840 1722470400 1722470460 ACCEPT OK')).toEqual([undefined, undefined, 'ACCEPT']);
    expect(read('2 111122223333 eni-0a1b2c3d4e5f6000 10.0.1.5 10.0.2.9 443 50000 6 10 840 1722470400 1722470460 ACCEPT OK')).toEqual(['eni-0a1b2c3d4e5f6000', '111122223333', 'ACCEPT']);
  });

  it('says why a line is not a flow record', () => {
    expect(parser.parse('2 111122223333 eni-1 this line is not a flow record')).toEqual({
      kind: 'invalid',
      reason: 'expected 14 fields (version account-id interface-id … log-status), found 10',
    });
    expect(parser.parse('2 1 eni-1 10.0.5.5 not-an-ip 40002 80 6 10 1000 1722474000 1722474060 ACCEPT OK')).toEqual({ kind: 'invalid', reason: 'not an IP address: "not-an-ip"' });
    expect(parser.parse('2 1 eni-1 10.0.5.5 10.0.5.6 x 80 6 10 1000 1722474000 1722474060 ACCEPT OK')).toMatchObject({ kind: 'invalid' });
    expect(parser.parse('2 1 eni-1 10.0.5.5 10.0.5.6 1 80 6 10 1000 1722474000 1722474060 MAYBE OK')).toEqual({ kind: 'invalid', reason: 'unknown action "MAYBE"' });
  });

  it('reads a tab-separated record, and rejects a malformed pkt-srcaddr instead of falling back on srcaddr', () => {
    const tabbed = parser.parse('2\t111122223333\teni-1\t10.0.1.5\t198.51.100.20\t40001\t443\t6\t10\t1000\t1722474000\t1722474060\tACCEPT\tOK');
    expect(tabbed).toMatchObject({ kind: 'flow', flow: { dstPort: 443, bytes: 1000 } });
    const nat = new FlowLineParser(['version', 'interface-id', 'srcaddr', 'dstaddr', 'pkt-srcaddr', 'pkt-dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action']);
    expect(nat.parse('5 eni-1 10.0.3.5 192.0.2.200 10.0.1.x 192.0.2.200 40001 443 6 1 40 1722474000 1722474060 ACCEPT')).toEqual({ kind: 'invalid', reason: 'not an IP address in pkt-srcaddr: "10.0.1.x"' });
    expect(nat.parse('5 eni-1 10.0.3.5 192.0.2.200 - - 40001 443 6 1 40 1722474000 1722474060 ACCEPT')).toMatchObject({ kind: 'flow' });
  });

  it('rejects numbers no real record holds, instead of loading port 99999999', () => {
    const reason = (line: string) => {
      const parsed = parser.parse(line);
      return parsed.kind === 'invalid' ? parsed.reason : parsed.kind;
    };
    expect(reason('2 1 eni-1 10.0.5.5 10.0.5.6 40000 99999999 6 10 1000 1722474000 1722474060 ACCEPT OK')).toBe('srcport and dstport must be 0-65535, found 40000 and 99999999');
    expect(reason('2 1 eni-1 10.0.5.5 10.0.5.6 65536 80 6 10 1000 1722474000 1722474060 ACCEPT OK')).toMatch(/0-65535/);
    expect(reason('2 1 eni-1 10.0.5.5 10.0.5.6 40000 80 300 10 1000 1722474000 1722474060 ACCEPT OK')).toBe('protocol must be an IANA protocol number (0-255), found 300');
    expect(reason('2 1 eni-1 10.0.5.5 10.0.5.6 40000 80 6 10 123456789012345678901 1722474000 1722474060 ACCEPT OK')).toBe('packets and bytes are too large to be counts');
    expect(reason('2 1 eni-1 10.0.5.5 10.0.5.6 40000 80 6 10 1000 1722474000000 1722474060000 ACCEPT OK')).toBe('start and end must be epoch seconds');
    expect(reason('2 1 eni-1 10.0.5.5 10.0.5.6 65535 0 6 10 1000 1722474000 1722474060 ACCEPT OK')).toBe('flow');
  });
});

describe('custom formats', () => {
  const records = flows(lines('custom-v5.valid.log'));

  it('follow the header line, repeated before each block', () => {
    expect(records).toHaveLength(4);
    expect(records[0]).toMatchObject({ vpcId: 'vpc-0a1b2c3d', subnetId: 'subnet-0a1b2c3d', instanceId: 'i-0a1b2c3d4e5f60001', region: 'us-east-1', dstPort: 5432, bytes: 9000, packets: 30 });
  });

  it('use flow-direction to tell the interface address when both ends are private', () => {
    expect(records[0]?.localIp?.ip).toBe('10.0.1.10'); // egress: srcaddr
    expect(records[1]?.localIp?.ip).toBe('10.0.1.10'); // ingress: dstaddr
  });

  it('take pkt-srcaddr / pkt-dstaddr as the true endpoints, keeping the interface address as via', () => {
    const nat = records[2]!;
    expect([nat.src?.ip, nat.dst?.ip]).toEqual(['10.0.1.10', '192.0.2.200']);
    expect(nat.via).toEqual(['10.0.3.5']);
    expect(nat.localIp?.ip).toBe('10.0.3.5');
  });

  it('are named with --fields for files without a header, refusing unknown names', () => {
    expect(parseFieldList('${version} ${account-id} ${interface-id}')).toEqual(['version', 'account-id', 'interface-id']);
    expect(() => parseFieldList('version colour')).toThrow(/unknown flow-log field\(s\): colour/);
    expect(() => parseFieldList('version __proto__')).toThrow(/unknown flow-log field\(s\): __proto__/);
  });

  it('are named only by flow-log fields, not by names every JavaScript object has', () => {
    expect(isHeaderLine(['version', 'srcaddr', 'dstaddr'])).toBe(true);
    for (const garbage of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) expect(isHeaderLine([garbage]), garbage).toBe(false);
    expect(isHeaderLine(['constructor', 'toString', 'valueOf', 'srcaddr'])).toBe(false);
    expect(isHeaderLine('2 111122223333 eni-1 10.0.1.5'.split(' '))).toBe(false);
  });

  it('read past fields of later versions than they know', () => {
    const header = 'version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action encryption-status some-future-field';
    const records = flows([header, '10 eni-1 10.0.1.5 198.51.100.20 40001 443 6 10 1000 1722474000 1722474060 ACCEPT 1 x']);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ dstPort: 443, bytes: 1000, action: 'ACCEPT' });
  });
});

describe('Parquet delivery', () => {
  it('reads as the text format: the columns as a header (underscores as hyphens), "-" for nulls, typed numbers as text', async () => {
    const bytes = readFileSync(join(FIXTURES, '..', 'parquet', 'custom-v5.valid.parquet'));
    let text = '';
    for await (const chunk of flowLogText((async function* () { yield bytes.subarray(0, 100); yield bytes.subarray(100); })())) text += chunk.toString();
    const [header, ...rows] = text.trim().split('\n');
    const original = lines('custom-v5.valid.log').filter((l) => l.trim() && !l.startsWith('version'));
    expect(header).toBe(lines('custom-v5.valid.log')[0]);
    expect(rows).toEqual(original);
    expect(flows([header!, ...rows])).toEqual(flows(lines('custom-v5.valid.log')));
  });

  it('closes its input when the reader stops early, and leaves no temporary file when the input fails', async () => {
    let closed = false;
    const source = (async function* () {
      try {
        for (let i = 0; ; i++) yield Buffer.from(`line ${i}\n`);
      } finally {
        closed = true;
      }
    })();
    for await (const _ of flowLogText(source)) break; // a refused file stops after its first chunk
    expect(closed).toBe(true);

    const spooled = () => readdirSync(tmpdir()).filter((name) => name.startsWith('trailhound-parquet-')).length;
    const before = spooled();
    const failing = (async function* () {
      yield readFileSync(join(FIXTURES, '..', 'parquet', 'custom-v5.valid.parquet')).subarray(0, 200);
      throw new Error('unexpected end of file');
    })();
    await expect(async () => {
      for await (const _ of flowLogText(failing)) void _;
    }).rejects.toThrow('unexpected end of file');
    expect(spooled()).toBe(before);
  });

  it('passes any other file through untouched', async () => {
    const chunks = [Buffer.from('2 111122223333 eni-1 '), Buffer.from('10.0.1.5 ...\n')];
    const out: Buffer[] = [];
    for await (const chunk of flowLogText((async function* () { yield* chunks; })())) out.push(chunk);
    expect(out).toEqual(chunks);
  });
});

describe('FlowAggregator', () => {
  const aggregator = new FlowAggregator();
  for (const flow of flows(lines('incident-instance.valid.log'))) aggregator.add(flow);
  const { facts, hours } = withEvidence(aggregator.drain({ partHash: 'abc', location: 'incident-instance.valid.log lines 1-5', records: 4, ingestedAt: 0 }));

  it('sums the records per hour, addresses, destination port, protocol and action for the event store', () => {
    const toC2 = hours.filter((h) => h.dst === '203.0.113.66');
    expect(toC2.map((h) => [h.hour, h.dstPort, h.flows, h.bytes]).sort()).toEqual([
      [1722510000000, 4444, 1, 96000],
      [1722513600000, 4444, 1, 64000],
    ]);
  });

  it('makes one FLOW edge per pair of addresses for the graph, summing every hour, with the ports it saw', () => {
    const toC2 = facts.edges.filter((e) => e.type === 'FLOW' && e.to.key === '203.0.113.66');
    expect(toC2).toHaveLength(1);
    expect(toC2[0]).toMatchObject({ count: 2, sums: { bytes: 160000 }, lists: { ports: ['4444/tcp ACCEPT'] } });
    expect([toC2[0]!.firstSeen, toC2[0]!.lastSeen]).toEqual([Math.min(...hours.filter((h) => h.dst === '203.0.113.66').map((h) => h.firstSeen!)), Math.max(...hours.filter((h) => h.dst === '203.0.113.66').map((h) => h.lastSeen!))]);
  });

  it('keeps apart flows that differ only in protocol ("-" or 0), action or destination port, in the order first seen', () => {
    const a = new FlowAggregator();
    const line = (port: string, protocol: string, action: string) => `2 111122223333 eni-0a1 10.0.0.5 10.0.0.9 40000 ${port} ${protocol} 1 100 1722510000 1722510060 ${action} OK`;
    const variants = [line('443', '6', 'ACCEPT'), line('443', '-', 'ACCEPT'), line('443', '0', 'ACCEPT'), line('443', '6', 'REJECT'), line('444', '6', 'ACCEPT'), line('65535', '255', 'ACCEPT'), line('0', '0', 'ACCEPT')];
    for (const flow of flows([...variants, ...variants])) a.add(flow);
    const { hours: rows } = a.drain({ partHash: 'p', location: 'x', records: variants.length * 2, ingestedAt: 0 });
    expect(rows.map((h) => [h.dstPort, h.protocol, h.action, h.flows])).toEqual([
      [443, 6, 'ACCEPT', 2],
      [443, -1, 'ACCEPT', 2],
      [443, 0, 'ACCEPT', 2],
      [443, 6, 'REJECT', 2],
      [444, 6, 'ACCEPT', 2],
      [65535, 255, 'ACCEPT', 2],
      [0, 0, 'ACCEPT', 2],
    ]);
  });

  it("keys a service's replies by the service port, not by each client's ephemeral port", () => {
    const reply = hours.find((h) => h.src === '203.0.113.66')!;
    expect(reply).toMatchObject({ dstPort: 0, srcPorts: ['4444'] });
    const edge = facts.edges.find((e) => e.type === 'FLOW' && e.from.key === '203.0.113.66')!;
    expect(edge.lists).toMatchObject({ ports: ['reply/tcp ACCEPT'], srcPorts: ['4444'] });
  });

  describe('tells requests from replies', () => {
    const withFlags = new FlowLineParser(['version', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'tcp-flags']);
    const flowEdges = (parser: FlowLineParser, text: string[]) => {
      const a = new FlowAggregator();
      for (const line of text) {
        const parsed = parser.parse(line);
        if (parsed.kind !== 'flow') throw new Error(JSON.stringify(parsed));
        a.add(parsed.flow);
      }
      return a
        .drain({ partHash: 'p', location: 'x', records: text.length, ingestedAt: 0 })
        .hours.map((h) => `${h.src}->${h.dst}:${String(h.dstPort)} ${h.srcPorts?.join(',') ?? ''}`.trim())
        .sort();
    };

    it('keeps every port a scan from a fixed source port probed (rejected traffic is never a reply)', () => {
      const probes = [33000, 40000, 50050].map((port) => `2 111122223333 eni-1 198.51.100.9 10.0.1.5 53 ${port} 6 1 40 1722474000 1722474060 REJECT OK`);
      expect(flowEdges(new FlowLineParser(DEFAULT_FORMAT), probes)).toEqual(['198.51.100.9->10.0.1.5:33000', '198.51.100.9->10.0.1.5:40000', '198.51.100.9->10.0.1.5:50050']);
    });

    it('believes tcp-flags: a SYN opens a connection (a NAT gateway sends from low ports), a SYN-ACK answers one', () => {
      const open = '5 eni-nat 10.0.3.5 203.0.113.66 5123 50050 6 10 1000 1722474000 1722474060 ACCEPT 2';
      const answer = '5 eni-nat 203.0.113.66 10.0.3.5 50050 5123 6 10 1000 1722474000 1722474060 ACCEPT 18';
      const reply = '5 eni-web 10.0.1.5 198.51.100.20 443 40001 6 10 1000 1722474000 1722474060 ACCEPT 19';
      expect(flowEdges(withFlags, [open, answer, reply])).toEqual(['10.0.1.5->198.51.100.20:0 443', '10.0.3.5->203.0.113.66:50050', '203.0.113.66->10.0.3.5:0 50050']);
    });

    it('falls back on the ports without tcp-flags: low source to high destination is a reply', () => {
      const reply = '2 111122223333 eni-web 10.0.1.5 198.51.100.20 443 40001 6 10 1000 1722474000 1722474060 ACCEPT OK';
      const request = '2 111122223333 eni-web 10.0.1.5 203.0.113.66 40002 50050 6 10 1000 1722474000 1722474060 ACCEPT OK';
      expect(flowEdges(new FlowLineParser(DEFAULT_FORMAT), [reply, request])).toEqual(['10.0.1.5->198.51.100.20:0 443', '10.0.1.5->203.0.113.66:50050']);
    });
  });

  it('places the interface in its subnet and VPC, or in its VPC when the format has no subnet', () => {
    const withSubnet = new FlowLineParser(['version', 'interface-id', 'subnet-id', 'vpc-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action']);
    const vpcOnly = new FlowLineParser(['version', 'interface-id', 'vpc-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action']);
    const edges = (parser: FlowLineParser, line: string) => {
      const a = new FlowAggregator();
      const parsed = parser.parse(line);
      if (parsed.kind !== 'flow') throw new Error(JSON.stringify(parsed));
      a.add(parsed.flow);
      return [...edgesOf(withEvidence(a.drain({ partHash: 'p', location: 'x', records: 1, ingestedAt: 0 })).facts)];
    };
    expect(edges(withSubnet, '5 eni-0a1b2c3d4e5f6aaaa subnet-0aaa vpc-0bbb 10.0.1.5 10.0.2.6 40000 443 6 1 40 1722474300 1722474360 ACCEPT')).toEqual(
      expect.arrayContaining(['NetworkInterface:eni-0a1b2c3d4e5f6aaaa -IN_SUBNET-> Subnet:subnet-0aaa', 'Subnet:subnet-0aaa -IN_VPC-> Vpc:vpc-0bbb']),
    );
    expect(edges(vpcOnly, '5 eni-0a1b2c3d4e5f6aaaa vpc-0bbb 10.0.1.5 10.0.2.6 40000 443 6 1 40 1722474300 1722474360 ACCEPT')).toContain('NetworkInterface:eni-0a1b2c3d4e5f6aaaa -IN_VPC-> Vpc:vpc-0bbb');
  });

  it('ties the instance to its interface and the interface to its own address', () => {
    const edges = edgesOf(facts);
    expect(edges).toContain('Ec2Instance:i-0a1b2c3d4e5f60718 -HAS_INTERFACE-> NetworkInterface:eni-0f1e2d3c4b5a69788');
    expect(edges).toContain('NetworkInterface:eni-0f1e2d3c4b5a69788 -HAS_IP-> IpAddress:10.0.1.25');
    expect(edges).toContain('NetworkInterface:eni-0f1e2d3c4b5a69788 -IN_ACCOUNT-> Account:444455556666');
  });

  it('makes each part of a file its own ledger record, named by the hash of its lines', () => {
    expect(facts.record).toMatchObject({ label: 'IngestedObject', key: 'part:abc', props: { source: 'vpcflow-part', records: 4 } });
    expect(facts.records).toBe(4);
  });
});

/** A drained part with its evidence as facts (a FactsBuilder checks every label, property and relationship against the schema). */
function withEvidence<P extends { facts: RecordFacts; evidence: (sink: EvidenceSink) => void }>(part: P): P {
  const builder = new FactsBuilder(part.facts.time);
  part.evidence(builder);
  const evidence = builder.build();
  return { ...part, facts: { ...part.facts, nodes: evidence.nodes, edges: evidence.edges } };
}
