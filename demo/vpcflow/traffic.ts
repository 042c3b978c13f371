import type { Random } from '../random';

/** One host's network identity in a generated VPC. */
export interface Host {
  readonly account: string;
  readonly interfaceId: string;
  readonly instanceId: string;
  readonly privateIp: string;
}

export interface FlowLine {
  readonly version: number;
  readonly account: string;
  readonly interfaceId: string;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly protocol: number;
  readonly packets: number;
  readonly bytes: number;
  /** epoch seconds */
  readonly start: number;
  readonly end: number;
  readonly action: 'ACCEPT' | 'REJECT';
}

/** The default (version 2) record, as AWS writes it. */
export function defaultFormatLine(f: FlowLine): string {
  return `${f.version} ${f.account} ${f.interfaceId} ${f.src} ${f.dst} ${f.srcPort} ${f.dstPort} ${f.protocol} ${f.packets} ${f.bytes} ${f.start} ${f.end} ${f.action} OK`;
}

export const DEFAULT_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

const SAAS = ['52.94.236.248', '54.239.28.85', '151.101.1.69', '140.82.112.3', '104.16.132.229', '13.107.42.14'];

/**
 * The internet's clients of a public service: a fixed population whose activity is heavy-tailed
 * (a few addresses make most requests, most make one or two), as web traffic is.
 */
class ClientPopulation {
  private readonly addresses: string[];

  constructor(private readonly random: Random, size: number) {
    this.addresses = Array.from({ length: size }, () => `${random.int(1, 223)}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`);
  }

  /** Zipf-like: index = size^u - 1 for uniform u puts most picks on few addresses. */
  pick(): string {
    const i = Math.floor(Math.pow(this.addresses.length, this.random.next())) - 1;
    return this.addresses[Math.min(this.addresses.length - 1, Math.max(0, i))]!;
  }
}
const SCANNERS = ['45.146.164.110', '80.82.77.33', '89.248.165.52', '185.156.73.54', '193.163.125.19'];

/**
 * Everyday VPC traffic: web servers answering clients, app servers calling the database,
 * everything calling AWS APIs and SaaS over HTTPS, DNS to the resolver, and the internet's
 * background scanning hitting closed ports. Each connection is two records, one per direction,
 * as flow logs capture them.
 */
export function* everydayFlows(random: Random, hosts: readonly Host[], start: number, end: number, count: number): Generator<FlowLine> {
  const slot = (end - start) / Math.max(1, count);
  let emitted = 0;
  const db = hosts[0]!;
  const clients = new ClientPopulation(random, 50_000);
  while (emitted < count) {
    // Within the slot of the next line to emit (an iteration emits one or two): in time order,
    // spread evenly, none after the end.
    const time = start + (emitted + random.next()) * slot;
    const t = Math.floor(time / 1000);
    const host = random.pick(hosts);
    const kind = random.weighted([
      ['https-out', 40],
      ['web-in', 25],
      ['db', 15],
      ['dns', 12],
      ['scan', 6],
      ['icmp', 2],
    ] as const);
    const ephemeral = random.int(32768, 60999);
    const packets = random.int(3, 120);
    const bytes = packets * random.int(60, 1400);
    const pair = (src: string, dst: string, sport: number, dport: number, protocol: number, action: 'ACCEPT' | 'REJECT', replies = true) => {
      const out: FlowLine[] = [{ version: 2, account: host.account, interfaceId: host.interfaceId, src, dst, srcPort: sport, dstPort: dport, protocol, packets, bytes, start: t, end: t + 60, action }];
      if (replies && action === 'ACCEPT') {
        out.push({ version: 2, account: host.account, interfaceId: host.interfaceId, src: dst, dst: src, srcPort: dport, dstPort: sport, protocol, packets: Math.max(1, packets - 2), bytes: bytes * 3, start: t, end: t + 60, action });
      }
      return out;
    };
    let lines: FlowLine[];
    switch (kind) {
      case 'https-out':
        lines = pair(host.privateIp, random.pick(SAAS), ephemeral, 443, 6, 'ACCEPT');
        break;
      case 'web-in':
        lines = pair(clients.pick(), host.privateIp, ephemeral, 443, 6, 'ACCEPT');
        break;
      case 'db':
        // On the database's own interface: another host's connection to it, never one to itself.
        lines = pair(host === db && hosts.length > 1 ? random.pick(hosts.slice(1)).privateIp : host.privateIp, db.privateIp, ephemeral, 5432, 6, 'ACCEPT');
        break;
      case 'dns':
        lines = pair(host.privateIp, '10.0.0.2', ephemeral, 53, 17, 'ACCEPT');
        break;
      case 'scan':
        lines = pair(random.pick(SCANNERS), host.privateIp, ephemeral, random.pick([22, 23, 3389, 445, 6379, 9200, 2375]), 6, 'REJECT', false);
        break;
      default:
        lines = pair(host.privateIp, random.pick(SAAS), 0, 0, 1, 'ACCEPT');
    }
    for (const line of lines) {
      if (emitted >= count) return;
      emitted += 1;
      yield line;
    }
  }
}

/** A VPC's worth of hosts, deterministic for a seed. */
export function buildHosts(random: Random, account: string, count: number): Host[] {
  return Array.from({ length: count }, (_, i) => ({
    account,
    interfaceId: `eni-0${random.hex(16)}`,
    instanceId: `i-0${random.hex(16)}`,
    privateIp: `10.0.${Math.floor(i / 200) + 1}.${(i % 200) + 10}`,
  }));
}
