import { normalizeIp, type NormalizedIp } from '../common/ip';
import { flatCopy } from '../common/text';

/** One flow record, as the graph needs it. Times are epoch ms. */
export interface FlowRecord {
  readonly accountId: string | undefined;
  readonly interfaceId: string | undefined;
  /** The true endpoints: pkt-srcaddr / pkt-dstaddr when the log has them, else srcaddr / dstaddr. */
  readonly src: NormalizedIp | null;
  readonly dst: NormalizedIp | null;
  /** The interface-level addresses, when they differ from the true endpoints (NAT, load balancer). */
  readonly via: readonly string[];
  /** The interface's own address in this record, when it can be told. */
  readonly localIp: NormalizedIp | null;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly protocol: number;
  readonly packets: number;
  readonly bytes: number;
  readonly start: number;
  readonly end: number;
  readonly action: string;
  /** tcp-flags (v3+): the OR of FIN 1, SYN 2, RST 4 and SYN-ACK 18 seen in the window; -1 when not logged. */
  readonly tcpFlags: number;
  readonly vpcId: string | undefined;
  readonly subnetId: string | undefined;
  readonly instanceId: string | undefined;
  readonly region: string | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** A FlowRecord the parser fills in place, line after line, so that parsing allocates little. */
export type FlowScratch = Mutable<FlowRecord>;

export function newFlowScratch(): FlowScratch {
  return {
    accountId: undefined,
    interfaceId: undefined,
    src: null,
    dst: null,
    via: [],
    localIp: null,
    srcPort: 0,
    dstPort: 0,
    protocol: 0,
    packets: 0,
    bytes: 0,
    start: 0,
    end: 0,
    action: 'UNKNOWN',
    tcpFlags: -1,
    vpcId: undefined,
    subnetId: undefined,
    instanceId: undefined,
    region: undefined,
  };
}

export type ParsedFlowLine =
  | { readonly kind: 'flow'; readonly flow: FlowRecord }
  /** NODATA (no traffic in the window) and SKIPDATA (records lost): valid, nothing to aggregate. */
  | { readonly kind: 'status'; readonly status: 'NODATA' | 'SKIPDATA' }
  | { readonly kind: 'invalid'; readonly reason: string };

export type ParseOutcome = 'flow' | 'NODATA' | 'SKIPDATA' | 'invalid';

/** kept()'s slots. */
const KEPT_ACCOUNT = 0;
const KEPT_INTERFACE = 1;
const KEPT_VPC = 2;
const KEPT_SUBNET = 3;
const KEPT_INSTANCE = 4;
const KEPT_REGION = 5;
const KEPT_ACTION = 6;

const SPACE = 32;
/** Epoch seconds in 2286: later "times" are corrupt numbers. */
const MAX_EPOCH_SECONDS = 9_999_999_999;
const DASH = 45;

/**
 * Parses the lines of one format (field list). This is the hot loop of flow-log ingest (millions
 * of lines), so field positions are resolved once per format, a line's fields are located by
 * scanning for spaces without splitting it, numbers are read from character codes, and only the
 * strings worth keeping are cut out. Addresses repeat endlessly: their normalisation is cached.
 */
export class FlowLineParser {
  /** Why the last line was invalid. */
  lastReason = '';
  private readonly ipCache = new Map<string, NormalizedIp | null>();
  /** The last value kept of each field kept (see kept). */
  private readonly lastKept: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private line = '';
  private readonly at: (name: string) => number;

  private readonly iAccount: number;
  private readonly iInterface: number;
  private readonly iSrc: number;
  private readonly iDst: number;
  private readonly iSrcPort: number;
  private readonly iDstPort: number;
  private readonly iProtocol: number;
  private readonly iPackets: number;
  private readonly iBytes: number;
  private readonly iStart: number;
  private readonly iEnd: number;
  private readonly iAction: number;
  private readonly iStatus: number;
  private readonly iVpc: number;
  private readonly iSubnet: number;
  private readonly iInstance: number;
  private readonly iPktSrc: number;
  private readonly iPktDst: number;
  private readonly iRegion: number;
  private readonly iDirection: number;
  private readonly iTcpFlags: number;

  constructor(readonly fields: readonly string[]) {
    this.starts = new Int32Array(fields.length);
    this.ends = new Int32Array(fields.length);
    this.at = (name: string) => fields.indexOf(name);
    this.iAccount = this.at('account-id');
    this.iInterface = this.at('interface-id');
    this.iSrc = this.at('srcaddr');
    this.iDst = this.at('dstaddr');
    this.iSrcPort = this.at('srcport');
    this.iDstPort = this.at('dstport');
    this.iProtocol = this.at('protocol');
    this.iPackets = this.at('packets');
    this.iBytes = this.at('bytes');
    this.iStart = this.at('start');
    this.iEnd = this.at('end');
    this.iAction = this.at('action');
    this.iStatus = this.at('log-status');
    this.iVpc = this.at('vpc-id');
    this.iSubnet = this.at('subnet-id');
    this.iInstance = this.at('instance-id');
    this.iPktSrc = this.at('pkt-srcaddr');
    this.iPktDst = this.at('pkt-dstaddr');
    this.iRegion = this.at('region');
    this.iDirection = this.at('flow-direction');
    this.iTcpFlags = this.at('tcp-flags');
  }

  /** Parses one record (for tests and callers that keep records). */
  parse(line: string): ParsedFlowLine {
    const flow = newFlowScratch();
    const outcome = this.parseInto(line, flow);
    if (outcome === 'flow') return { kind: 'flow', flow: { ...flow, via: [...flow.via] } };
    if (outcome === 'invalid') return { kind: 'invalid', reason: this.lastReason };
    return { kind: 'status', status: outcome };
  }

  /** Parses one line into `out` (reused between lines); says what the line was. */
  parseInto(line: string, out: FlowScratch): ParseOutcome {
    if (!this.locate(line)) {
      // Tab-separated (a copy through a spreadsheet or another tool): read it as AWS's spaces.
      // Only on this rare path, so the hot loop scans for one separator.
      if (line.includes('\t') && this.locate(line.replaceAll('\t', ' '))) line = line.replaceAll('\t', ' ');
      else {
        const found = line.trim().split(/\s+/).length;
        return this.invalid(`expected ${this.fields.length} fields (${this.describeFormat()}), found ${found}`);
      }
    }
    this.line = line;
    const status = this.text(this.iStatus);
    if (status === 'NODATA' || status === 'SKIPDATA') return status;
    if (status !== undefined && status !== 'OK') return this.invalid(`unknown log-status "${status.slice(0, 20)}"`);
    // A format without log-status still gets no-data records: every traffic field "-".
    if (this.iStatus < 0 && (this.iSrc >= 0 || this.iDst >= 0 || this.iPktSrc >= 0 || this.iPktDst >= 0) && this.isDashOrAbsent(this.iSrc) && this.isDashOrAbsent(this.iDst) && this.isDashOrAbsent(this.iPktSrc) && this.isDashOrAbsent(this.iPktDst)) return 'NODATA';

    const start = this.number(this.iStart);
    const end = this.number(this.iEnd);
    if (start < 0 || end < 0) return this.invalid('start and end must be epoch seconds');
    const srcaddr = this.address(this.iSrc);
    const dstaddr = this.address(this.iDst);
    if (srcaddr === undefined || dstaddr === undefined) {
      return this.invalid(`not an IP address: ${JSON.stringify(this.text(srcaddr === undefined ? this.iSrc : this.iDst)?.slice(0, 60))}`);
    }
    const pktSrc = this.address(this.iPktSrc);
    const pktDst = this.address(this.iPktDst);
    if (pktSrc === undefined || pktDst === undefined) {
      return this.invalid(`not an IP address in ${pktSrc === undefined ? 'pkt-srcaddr' : 'pkt-dstaddr'}: ${JSON.stringify(this.text(pktSrc === undefined ? this.iPktSrc : this.iPktDst)?.slice(0, 60))}`);
    }
    const src = pktSrc ?? srcaddr;
    const dst = pktDst ?? dstaddr;
    if (!src || !dst) return this.invalid('the record has no source or destination address');

    const srcPort = this.number(this.iSrcPort, 0);
    const dstPort = this.number(this.iDstPort, 0);
    const protocol = this.number(this.iProtocol, -1);
    const packets = this.number(this.iPackets, 0);
    const bytes = this.number(this.iBytes, 0);
    if (srcPort < 0 || dstPort < 0 || packets < 0 || bytes < 0 || (protocol < 0 && this.iProtocol >= 0 && !this.isDash(this.iProtocol))) {
      return this.invalid('srcport, dstport, protocol, packets and bytes must be numbers');
    }
    // Numbers no real record holds: a corrupt line, not a port 99999999 in the graph.
    if (srcPort > 65535 || dstPort > 65535) return this.invalid(`srcport and dstport must be 0-65535, found ${srcPort} and ${dstPort}`);
    if (protocol > 255) return this.invalid(`protocol must be an IANA protocol number (0-255), found ${protocol}`);
    if (start > MAX_EPOCH_SECONDS || end > MAX_EPOCH_SECONDS) return this.invalid('start and end must be epoch seconds');
    if (!Number.isSafeInteger(packets) || !Number.isSafeInteger(bytes)) return this.invalid('packets and bytes are too large to be counts');
    const tcpFlags = this.number(this.iTcpFlags, -1);
    const action = this.kept(this.iAction, KEPT_ACTION) ?? 'UNKNOWN';
    if (action !== 'ACCEPT' && action !== 'REJECT' && action !== 'UNKNOWN') return this.invalid(`unknown action "${action.slice(0, 20)}"`);

    const via = out.via as string[];
    via.length = 0;
    if (srcaddr && srcaddr.ip !== src.ip) via.push(srcaddr.ip);
    if (dstaddr && dstaddr.ip !== dst.ip) via.push(dstaddr.ip);
    out.accountId = this.kept(this.iAccount, KEPT_ACCOUNT);
    out.interfaceId = this.kept(this.iInterface, KEPT_INTERFACE);
    out.src = src;
    out.dst = dst;
    out.localIp = localAddress(this.text(this.iDirection), srcaddr, dstaddr);
    out.srcPort = srcPort;
    out.dstPort = dstPort;
    out.protocol = protocol;
    out.packets = packets;
    out.bytes = bytes;
    out.start = start * 1000;
    out.end = end * 1000;
    out.action = action;
    out.tcpFlags = tcpFlags > 255 ? -1 : tcpFlags;
    out.vpcId = this.kept(this.iVpc, KEPT_VPC);
    out.subnetId = this.kept(this.iSubnet, KEPT_SUBNET);
    out.instanceId = this.kept(this.iInstance, KEPT_INSTANCE);
    out.region = this.kept(this.iRegion, KEPT_REGION);
    return 'flow';
  }

  /** Finds each field's bounds; false when the line has the wrong number of fields. */
  private locate(line: string): boolean {
    const n = this.fields.length;
    let field = 0;
    let i = 0;
    const len = line.length;
    while (i < len && line.charCodeAt(i) === SPACE) i++;
    while (i < len) {
      if (field === n) return false;
      const space = line.indexOf(' ', i);
      const stop = space === -1 ? len : space;
      this.starts[field] = i;
      this.ends[field] = stop;
      field++;
      i = stop;
      while (i < len && (line.charCodeAt(i) === SPACE || line.charCodeAt(i) === 9)) i++;
    }
    return field === n;
  }

  private isDashOrAbsent(i: number): boolean {
    return i < 0 || this.isDash(i);
  }

  private isDash(i: number): boolean {
    return this.ends[i]! - this.starts[i]! === 1 && this.line.charCodeAt(this.starts[i]!) === DASH;
  }

  /** A field as text; "-" (AWS's "no value") and absent fields are undefined. */
  private text(i: number): string | undefined {
    if (i < 0 || this.isDash(i)) return undefined;
    return this.line.slice(this.starts[i], this.ends[i]);
  }

  /**
   * A field the record keeps after this line (stored, aggregated), as a flat string: the value
   * the previous line had in this field when it is the same (a log comes in runs of one
   * interface, account and VPC), else a flat copy. A slice would keep the whole input chunk
   * alive for as long as the row waits for its segment; a new copy per line would be garbage.
   */
  private kept(i: number, slot: number): string | undefined {
    if (i < 0 || this.isDash(i)) return undefined;
    const start = this.starts[i]!;
    const end = this.ends[i]!;
    const last = this.lastKept[slot];
    if (last !== undefined && last.length === end - start && this.line.startsWith(last, start)) return last;
    const value = flatCopy(this.line.slice(start, end));
    this.lastKept[slot] = value;
    return value;
  }

  /** A non-negative integer field; `missing` for "-" or an absent field; -1 when not a number. */
  private number(i: number, missing = -1): number {
    if (i < 0 || this.isDash(i)) return missing;
    const line = this.line;
    let value = 0;
    const end = this.ends[i]!;
    for (let p = this.starts[i]!; p < end; p++) {
      const c = line.charCodeAt(p) - 48;
      if (c < 0 || c > 9) return -1;
      value = value * 10 + c;
    }
    return end > this.starts[i]! ? value : -1;
  }

  /** null: "-" or absent; undefined: present but not an address. */
  private address(i: number): NormalizedIp | null | undefined {
    const text = this.text(i);
    if (text === undefined) return null;
    let cached = this.ipCache.get(text);
    if (cached === undefined) {
      if (this.ipCache.size >= 50_000) this.ipCache.clear();
      // A flat copy, both as the key and for the answer (which may hold the text it was given):
      // a slice would keep the whole input chunk alive.
      const flat = flatCopy(text);
      cached = normalizeIp(flat);
      this.ipCache.set(flat, cached);
    }
    return cached ?? undefined;
  }

  private invalid(reason: string): 'invalid' {
    this.lastReason = reason;
    return 'invalid';
  }

  private describeFormat(): string {
    return this.fields.length > 4 ? `${this.fields.slice(0, 3).join(' ')} … ${this.fields[this.fields.length - 1]}` : this.fields.join(' ');
  }
}

/**
 * Which address is the interface's own: AWS puts it in srcaddr for outgoing traffic and in
 * dstaddr for incoming. flow-direction (v5) says which; without it, a lone private address is
 * the interface's; two private addresses cannot be told apart.
 */
function localAddress(direction: string | undefined, src: NormalizedIp | null, dst: NormalizedIp | null): NormalizedIp | null {
  if (direction === 'egress') return src;
  if (direction === 'ingress') return dst;
  if (src?.isPrivate && !dst?.isPrivate) return src;
  if (dst?.isPrivate && !src?.isPrivate) return dst;
  return null;
}
