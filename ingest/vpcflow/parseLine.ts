import { normalizeIp, type NormalizedIp } from '../common/ip';

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
  readonly vpcId: string | undefined;
  readonly subnetId: string | undefined;
  readonly instanceId: string | undefined;
  readonly region: string | undefined;
}

export type ParsedFlowLine =
  | { readonly kind: 'flow'; readonly flow: FlowRecord }
  /** NODATA (no traffic in the window) and SKIPDATA (records lost): valid, nothing to aggregate. */
  | { readonly kind: 'status'; readonly status: 'NODATA' | 'SKIPDATA' }
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * Parses the lines of one format (field list) fast: field positions are resolved once, each
 * line is one split and a few lookups. Addresses repeat endlessly in flow logs, so their
 * normalisation is cached (bounded).
 */
export class FlowLineParser {
  private readonly at: Readonly<Record<string, number>>;
  private readonly ipCache = new Map<string, NormalizedIp | null>();

  constructor(readonly fields: readonly string[]) {
    const at: Record<string, number> = {};
    fields.forEach((f, i) => (at[f] = i));
    this.at = at;
  }

  parse(line: string): ParsedFlowLine {
    let tokens = line.split(' ');
    if (tokens.length !== this.fields.length) {
      tokens = line.trim().split(/\s+/);
      if (tokens.length !== this.fields.length) {
        return { kind: 'invalid', reason: `expected ${this.fields.length} fields (${this.describeFormat()}), found ${tokens.length}` };
      }
    }
    const get = (name: string): string | undefined => {
      const i = this.at[name];
      if (i === undefined) return undefined;
      const value = tokens[i];
      return value === '-' ? undefined : value;
    };
    const status = get('log-status');
    if (status === 'NODATA' || status === 'SKIPDATA') return { kind: 'status', status };
    if (status !== undefined && status !== 'OK') return { kind: 'invalid', reason: `unknown log-status "${status.slice(0, 20)}"` };

    const start = int(get('start'));
    const end = int(get('end'));
    if (start === null || end === null) return { kind: 'invalid', reason: 'start and end must be epoch seconds' };
    const srcText = get('srcaddr');
    const dstText = get('dstaddr');
    const srcaddr = srcText === undefined ? null : this.ip(srcText);
    const dstaddr = dstText === undefined ? null : this.ip(dstText);
    if ((srcText !== undefined && !srcaddr) || (dstText !== undefined && !dstaddr)) {
      return { kind: 'invalid', reason: `not an IP address: ${JSON.stringify((srcaddr ? dstText : srcText)?.slice(0, 60))}` };
    }
    const pktSrcText = get('pkt-srcaddr');
    const pktDstText = get('pkt-dstaddr');
    const pktSrc = pktSrcText === undefined ? null : this.ip(pktSrcText);
    const pktDst = pktDstText === undefined ? null : this.ip(pktDstText);
    const src = pktSrc ?? srcaddr;
    const dst = pktDst ?? dstaddr;
    if (!src || !dst) return { kind: 'invalid', reason: 'the record has no source or destination address' };

    const numbers = [int(get('srcport') ?? '0'), int(get('dstport') ?? '0'), int(get('protocol') ?? '-1'), int(get('packets') ?? '0'), int(get('bytes') ?? '0')];
    if (numbers.some((n) => n === null)) return { kind: 'invalid', reason: 'srcport, dstport, protocol, packets and bytes must be numbers' };
    const [srcPort, dstPort, protocol, packets, bytes] = numbers as number[];
    const action = get('action') ?? 'UNKNOWN';
    if (action !== 'ACCEPT' && action !== 'REJECT' && action !== 'UNKNOWN') return { kind: 'invalid', reason: `unknown action "${action.slice(0, 20)}"` };

    const via: string[] = [];
    if (srcaddr && srcaddr.ip !== src.ip) via.push(srcaddr.ip);
    if (dstaddr && dstaddr.ip !== dst.ip) via.push(dstaddr.ip);
    return {
      kind: 'flow',
      flow: {
        accountId: get('account-id'),
        interfaceId: get('interface-id'),
        src,
        dst,
        via,
        localIp: localAddress(get('flow-direction'), srcaddr, dstaddr),
        srcPort: srcPort!,
        dstPort: dstPort!,
        protocol: protocol!,
        packets: packets!,
        bytes: bytes!,
        start: start * 1000,
        end: end * 1000,
        action,
        vpcId: get('vpc-id'),
        subnetId: get('subnet-id'),
        instanceId: get('instance-id'),
        region: get('region'),
      },
    };
  }

  private ip(text: string): NormalizedIp | null {
    let cached = this.ipCache.get(text);
    if (cached === undefined) {
      if (this.ipCache.size >= 50_000) this.ipCache.clear();
      cached = normalizeIp(text);
      this.ipCache.set(text, cached);
    }
    return cached;
  }

  private describeFormat(): string {
    return this.fields.length > 4 ? `${this.fields.slice(0, 3).join(' ')} … ${this.fields[this.fields.length - 1]}` : this.fields.join(' ');
  }
}

function int(text: string | undefined): number | null {
  if (text === undefined) return null;
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 ? n : null;
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
