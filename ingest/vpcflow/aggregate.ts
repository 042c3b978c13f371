import type { EvidenceSink, NodeFact, NodeRef, RecordFacts } from '../../graph/facts';
import type { FlowHourRow, FlowRecordRow } from '../../store/rows';
import { Label, Rel, type NodeLabel } from '../../graph/vocabulary';
import { isAccountId } from '../common/arn';
import type { NormalizedIp } from '../common/ip';
import { flatCopy } from '../common/text';
import type { FlowRecord } from './parseLine';

const HOUR = 3_600_000;

interface FlowTotals {
  readonly src: string;
  readonly dst: string;
  readonly hour: number;
  readonly dstPort: number;
  readonly protocol: number;
  readonly action: string;
  bytes: number;
  packets: number;
  count: number;
  first: number;
  last: number;
  via: Set<string> | null;
  srcPorts: Set<string> | null;
  interfaces: Set<string> | null;
}

interface InterfaceTotals {
  readonly interfaceId: string;
  accountId: string | undefined;
  region: string | undefined;
  vpcId: string | undefined;
  subnetId: string | undefined;
  instanceId: string | undefined;
  first: number;
  last: number;
  readonly addresses: Map<string, { first: number; last: number; count: number }>;
}

const SYN = 2;
const SYN_ACK = 18;

/**
 * A response from a service to a client's ephemeral port is keyed by the service port instead:
 * otherwise every connection would make its own FLOW edge (one per ephemeral port) and millions
 * of lines would become millions of edges. The service port is kept in srcPorts.
 * - tcp-flags (v3+ formats) decide when they can: SYN-ACK is the service answering, a SYN
 *   without it is the client opening the connection (a client behind a NAT gateway uses low
 *   source ports, so "5123 -> 50050" may be a request to a C2 on 50050).
 * - Otherwise a low source port (under 10000) sending to a high one (32768 and up) is taken
 *   as a reply. AWS logs flags only in a connection's first window: its later windows (flags 0,
 *   or FIN alone) are judged by their ports.
 * - Rejected traffic is never folded: a scan from a fixed source port (nmap -g 53) to high ports
 *   must keep every port it probed.
 */
function isResponse(flow: FlowRecord): boolean {
  if (flow.action === 'REJECT') return false;
  if (flow.tcpFlags > 0) {
    if ((flow.tcpFlags & SYN_ACK) === SYN_ACK) return true;
    if ((flow.tcpFlags & SYN) === SYN) return false;
  }
  return flow.dstPort >= 32768 && flow.srcPort > 0 && flow.srcPort < 10000;
}

/**
 * Sums a file's flow records per (hour, source, destination, destination port, protocol,
 * action), with the interfaces and addresses they show, before anything is written: the graph
 * gets one row per distinct flow, not one per line.
 */
export class FlowAggregator {
  /** Every distinct flow, in the order first seen (the order parts write them in). */
  private flows: FlowTotals[] = [];
  /**
   * The same flows by hour, source, destination, then port, protocol and action as one number:
   * a key string a line (made, then hashed) cost a fifth of the aggregation's time and most of
   * its garbage; the addresses and the action are strings the parser reuses, their hashes kept.
   */
  private byHour = new Map<number, Map<string, Map<string, Map<number | string, FlowTotals>>>>();
  private addresses = new Map<string, { ip: NormalizedIp; first: number; last: number }>();
  private interfaces = new Map<string, InterfaceTotals>();
  flowRecords = 0;

  add(flow: FlowRecord): void {
    this.flowRecords += 1;
    const src = flow.src!.ip;
    const dst = flow.dst!.ip;
    const hour = flow.start - (flow.start % HOUR);
    const response = isResponse(flow);
    const dstPort = response ? 0 : flow.dstPort;
    let bySource = this.byHour.get(hour);
    if (!bySource) this.byHour.set(hour, (bySource = new Map()));
    let byDestination = bySource.get(src);
    if (!byDestination) bySource.set(src, (byDestination = new Map()));
    let byService = byDestination.get(dst);
    if (!byService) byDestination.set(dst, (byService = new Map()));
    const service = serviceKey(dstPort, flow.protocol, flow.action);
    let totals = byService.get(service);
    if (!totals) {
      totals = { src, dst, hour, dstPort, protocol: flow.protocol, action: flow.action, bytes: 0, packets: 0, count: 0, first: flow.start, last: flow.end, via: null, srcPorts: null, interfaces: null };
      byService.set(service, totals);
      this.flows.push(totals);
    }
    totals.bytes += flow.bytes;
    totals.packets += flow.packets;
    totals.count += 1;
    if (flow.start < totals.first) totals.first = flow.start;
    if (flow.end > totals.last) totals.last = flow.end;
    for (let i = 0; i < flow.via.length; i++) addCapped((totals.via ??= new Set()), flow.via[i]!, 10);
    if (response) addCapped((totals.srcPorts ??= new Set()), String(flow.srcPort), 20);
    this.seeAddress(flow.src!, flow.start, flow.end);
    this.seeAddress(flow.dst!, flow.start, flow.end);
    if (flow.interfaceId) addCapped((totals.interfaces ??= new Set()), this.seeInterface(flow), 20);
  }

  private seeAddress(ip: NormalizedIp, first: number, last: number): void {
    const seen = this.addresses.get(ip.ip);
    if (!seen) this.addresses.set(ip.ip, { ip, first, last });
    else {
      if (first < seen.first) seen.first = first;
      if (last > seen.last) seen.last = last;
    }
  }

  /** Records the interface; returns its id as kept (a flat copy, see flatCopy). */
  private seeInterface(flow: FlowRecord): string {
    let iface = this.interfaces.get(flow.interfaceId!);
    if (!iface) {
      const interfaceId = flatCopy(flow.interfaceId!);
      iface = { interfaceId, accountId: undefined, region: undefined, vpcId: undefined, subnetId: undefined, instanceId: undefined, first: flow.start, last: flow.end, addresses: new Map() };
      this.interfaces.set(interfaceId, iface);
    }
    if (iface.accountId === undefined && flow.accountId) iface.accountId = flatCopy(flow.accountId);
    if (iface.region === undefined && flow.region) iface.region = flatCopy(flow.region);
    if (iface.vpcId === undefined && flow.vpcId) iface.vpcId = flatCopy(flow.vpcId);
    if (iface.subnetId === undefined && flow.subnetId) iface.subnetId = flatCopy(flow.subnetId);
    if (iface.instanceId === undefined && flow.instanceId) iface.instanceId = flatCopy(flow.instanceId);
    if (flow.start < iface.first) iface.first = flow.start;
    if (flow.end > iface.last) iface.last = flow.end;
    if (flow.localIp) {
      this.seeAddress(flow.localIp, flow.start, flow.end);
      const seen = iface.addresses.get(flow.localIp.ip);
      if (!seen) iface.addresses.set(flow.localIp.ip, { first: flow.start, last: flow.end, count: 1 });
      else {
        seen.count += 1;
        if (flow.start < seen.first) seen.first = flow.start;
        if (flow.end > seen.last) seen.last = flow.end;
      }
    }
    return iface.interfaceId;
  }

  /** Distinct aggregates held: the memory this file costs until the next drain. */
  get size(): number {
    return this.flows.length + this.addresses.size + this.interfaces.size;
  }

  /**
   * What is aggregated so far, as one part of the file, emptying the aggregator: the part's ledger
   * record, its evidence for the graph (one FLOW edge per pair of addresses), written into a sink
   * when the loader has found the part new, and the hourly volumes for the event store. The part
   * is identified by a hash of its lines: part boundaries depend only on the lines read, so a
   * rerun, or a complete copy of a file that was cut short, finds the same parts already loaded
   * and counts nothing twice.
   */
  drain(part: { partHash: string; location: string; records: number; ingestedAt: number }): { facts: RecordFacts; evidence: (sink: EvidenceSink) => void; hours: FlowHourRow[] } {
    const record: NodeFact = {
      label: Label.IngestedObject,
      key: `part:${part.partHash}`,
      props: { contentHash: `part:${part.partHash}`, source: 'vpcflow-part', location: part.location, records: part.records, ingestedAt: part.ingestedAt },
    };
    const flows = this.flows;
    const addresses = this.addresses;
    const interfaces = this.interfaces;
    let time = Number.POSITIVE_INFINITY;
    for (const f of flows) if (f.first < time) time = f.first;
    const facts: RecordFacts = { record, time: Number.isFinite(time) ? time : part.ingestedAt, nodes: [], edges: [], records: part.records };
    const hours = flows.map(hourRow);
    // The part's totals are handed over, not copied: the aggregator starts afresh.
    this.flows = [];
    this.byHour = new Map();
    this.addresses = new Map();
    this.interfaces = new Map();
    return { facts, evidence: (sink) => writeEvidence(sink, flows, addresses, interfaces), hours };
  }
}

/** A part's nodes and edges, into a sink (the loader's window, or a FactsBuilder in tests). */
function writeEvidence(sink: EvidenceSink, flows: readonly FlowTotals[], addresses: ReadonlyMap<string, { ip: NormalizedIp; first: number; last: number }>, interfaces: ReadonlyMap<string, InterfaceTotals>): void {
  const node = (label: NodeLabel, key: string, props: Record<string, unknown>, first: number, last: number): NodeRef => sink.node(label, key, props, { firstSeen: first, lastSeen: last });
  const accounts = new Map<string, NodeRef>();
  const account = (id: string | undefined, first: number, last: number): NodeRef | null => {
    if (!isAccountId(id)) return null;
    let ref = accounts.get(id);
    if (!ref) accounts.set(id, (ref = node(Label.Account, id, { accountId: id }, first, last)));
    return ref;
  };
  const addressRefs = new Map<string, NodeRef>();
  for (const { ip, first, last } of addresses.values()) addressRefs.set(ip.ip, node(Label.IpAddress, ip.ip, { ip: ip.ip, version: ip.version, isPrivate: ip.isPrivate }, first, last));
  const address = (ip: string): NodeRef => addressRefs.get(ip) ?? { label: Label.IpAddress, key: ip };
  for (const pair of pairsOf(flows)) {
    sink.link(Rel.FLOW, address(pair.src), address(pair.dst), {
      firstSeen: pair.first,
      lastSeen: pair.last,
      sums: { bytes: pair.bytes, packets: pair.packets },
      count: pair.count,
      lists: {
        ports: [...pair.ports],
        ...(pair.via && pair.via.size > 0 ? { via: [...pair.via] } : {}),
        ...(pair.srcPorts && pair.srcPorts.size > 0 ? { srcPorts: [...pair.srcPorts] } : {}),
        ...(pair.interfaces && pair.interfaces.size > 0 ? { interfaces: [...pair.interfaces] } : {}),
      },
    });
  }
  for (const i of interfaces.values()) {
    const seen = { firstSeen: i.first, lastSeen: i.last };
    const inAccount = isAccountId(i.accountId) ? i.accountId : undefined;
    const iface = node(Label.NetworkInterface, i.interfaceId, { interfaceId: i.interfaceId, accountId: inAccount, region: i.region }, i.first, i.last);
    const owner = account(i.accountId, i.first, i.last);
    if (owner) sink.link(Rel.IN_ACCOUNT, iface, owner, seen);
    for (const [ip, at] of i.addresses) sink.link(Rel.HAS_IP, iface, address(ip), { firstSeen: at.first, lastSeen: at.last, count: at.count });
    if (i.instanceId) {
      const instance = node(Label.Ec2Instance, i.instanceId, { instanceId: i.instanceId, accountId: inAccount, region: i.region }, i.first, i.last);
      sink.link(Rel.HAS_INTERFACE, instance, iface, seen);
      if (owner) sink.link(Rel.IN_ACCOUNT, instance, owner, seen);
    }
    const subnet = i.subnetId ? node(Label.Subnet, i.subnetId, { subnetId: i.subnetId, accountId: inAccount, region: i.region }, i.first, i.last) : null;
    if (subnet) {
      sink.link(Rel.IN_SUBNET, iface, subnet, seen);
      if (owner) sink.link(Rel.IN_ACCOUNT, subnet, owner, seen);
    }
    if (i.vpcId) {
      // Through its subnet when the format names one; else the interface itself is in the VPC.
      const vpc = node(Label.Vpc, i.vpcId, { vpcId: i.vpcId, accountId: inAccount, region: i.region }, i.first, i.last);
      sink.link(Rel.IN_VPC, subnet ?? iface, vpc, seen);
      if (owner) sink.link(Rel.IN_ACCOUNT, vpc, owner, seen);
    }
  }
}

const ACTIONS = ['ACCEPT', 'REJECT', 'UNKNOWN'];

/**
 * Destination port, protocol and action as one small integer when they are what the parser lets
 * through (port 0-65535, protocol -1 for "-" to 255, one of three actions), else as text: a
 * different flow never shares a key.
 */
function serviceKey(dstPort: number, protocol: number, action: string): number | string {
  const a = ACTIONS.indexOf(action);
  if (a >= 0 && Number.isInteger(dstPort) && dstPort >= 0 && dstPort <= 65535 && Number.isInteger(protocol) && protocol >= -1 && protocol <= 255) {
    return (dstPort * 257 + protocol + 1) * 3 + a;
  }
  return `${dstPort}|${protocol}|${action}`;
}

function addCapped(set: Set<string>, value: string, cap: number): void {
  if (set.size < cap) set.add(value);
}

/** What the graph's one FLOW edge between two addresses sums up (capped lists: the store has every hour and record). */
interface PairTotals {
  readonly src: string;
  readonly dst: string;
  bytes: number;
  packets: number;
  count: number;
  first: number;
  last: number;
  readonly ports: Set<string>;
  /** Made when the first value comes: most pairs have none. */
  via: Set<string> | null;
  srcPorts: Set<string> | null;
  interfaces: Set<string> | null;
}

/** The hourly totals folded per pair of addresses (the graph keeps pairs; the store keeps hours), in the order first seen. */
function pairsOf(hours: readonly FlowTotals[]): PairTotals[] {
  const bySource = new Map<string, Map<string, PairTotals>>();
  const pairs: PairTotals[] = [];
  for (const f of hours) {
    let byDestination = bySource.get(f.src);
    if (!byDestination) bySource.set(f.src, (byDestination = new Map()));
    let pair = byDestination.get(f.dst);
    if (!pair) {
      pair = { src: f.src, dst: f.dst, bytes: 0, packets: 0, count: 0, first: f.first, last: f.last, ports: new Set(), via: null, srcPorts: null, interfaces: null };
      byDestination.set(f.dst, pair);
      pairs.push(pair);
    }
    pair.bytes += f.bytes;
    pair.packets += f.packets;
    pair.count += f.count;
    if (f.first < pair.first) pair.first = f.first;
    if (f.last > pair.last) pair.last = f.last;
    addCapped(pair.ports, portSummary(f.dstPort, f.protocol, f.action), FLOW_LIST_CAPS.ports);
    if (f.via) for (const v of f.via) addCapped((pair.via ??= new Set()), v, FLOW_LIST_CAPS.via);
    if (f.srcPorts) for (const p of f.srcPorts) addCapped((pair.srcPorts ??= new Set()), p, FLOW_LIST_CAPS.srcPorts);
    if (f.interfaces) for (const i of f.interfaces) addCapped((pair.interfaces ??= new Set()), i, FLOW_LIST_CAPS.interfaces);
  }
  return pairs;
}

/** How many of each list a FLOW edge keeps (graph/schema/relationships.ts declares the same caps). */
const FLOW_LIST_CAPS = { ports: 50, via: 10, srcPorts: 20, interfaces: 20 };

const PROTOCOLS: Readonly<Record<number, string>> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };

/**
 * A FLOW edge's port summary entry, "443/tcp ACCEPT": what the traffic was, for a reader. Replies
 * to a client's ephemeral port are "reply/tcp ACCEPT" (their service ports are in srcPorts).
 */
export function portSummary(dstPort: number, protocol: number, action: string): string {
  const service = serviceKey(dstPort, protocol, action);
  let summary = typeof service === 'number' ? SUMMARIES.get(service) : undefined;
  if (summary === undefined) {
    summary = `${dstPort === 0 ? 'reply' : dstPort}/${PROTOCOLS[protocol] ?? protocol} ${action}`;
    // The same few services recur in every part: each summary made once (a scan's ports bounded).
    if (typeof service === 'number' && SUMMARIES.size < 65_536) SUMMARIES.set(service, summary);
  }
  return summary;
}

const SUMMARIES = new Map<number, string>();

function hourRow(f: FlowTotals): FlowHourRow {
  return {
    hour: f.hour,
    src: f.src,
    dst: f.dst,
    dstPort: f.dstPort,
    protocol: f.protocol,
    action: f.action,
    bytes: f.bytes,
    packets: f.packets,
    flows: f.count,
    firstSeen: f.first,
    lastSeen: f.last,
    via: f.via ? [...f.via] : null,
    srcPorts: f.srcPorts ? [...f.srcPorts] : null,
    interfaces: f.interfaces ? [...f.interfaces] : null,
  };
}

/** A flow record as the event store keeps it (the parser's scratch record is reused: values are copied). */
export function flowRecordRow(flow: FlowRecord): FlowRecordRow {
  return {
    start: flow.start,
    end: flow.end,
    src: flow.src!.ip,
    dst: flow.dst!.ip,
    srcPort: flow.srcPort,
    dstPort: flow.dstPort,
    protocol: flow.protocol,
    packets: flow.packets,
    bytes: flow.bytes,
    action: flow.action,
    tcpFlags: flow.tcpFlags >= 0 ? flow.tcpFlags : null,
    via: flow.via.length > 0 ? [...flow.via] : null,
    interfaceId: flow.interfaceId ?? null,
    accountId: flow.accountId ?? null,
    vpcId: flow.vpcId ?? null,
    subnetId: flow.subnetId ?? null,
    instanceId: flow.instanceId ?? null,
    region: flow.region ?? null,
  };
}
