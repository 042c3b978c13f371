import { isIP } from 'node:net';
import type { Node as Neo4jNode } from 'neo4j-driver';
import type { Graph } from '../driver';
import { cypherInt } from '../driver';
import { textSearchable, type NodeLabel } from '../schema/nodes';
import { Label, isNodeLabel } from '../vocabulary';
import { ADDRESSES_IN_BLOCK, SESSIONS_BY_ARN, containsQuery, exactKeyQuery } from './readQueries';
import { toGraphNode, type GraphNode } from './shapes';
import { ADDRESSABLE_KINDS } from './entities';

/** Short prefixes an investigator types: "user:alice", "ip:203.0.113.7", "key:AKIA…". */
export const SEARCH_PREFIXES: Readonly<Record<string, NodeLabel>> = {
  user: Label.IamUser,
  role: Label.IamRole,
  session: Label.RoleSession,
  ip: Label.IpAddress,
  key: Label.AccessKey,
  bucket: Label.S3Bucket,
  instance: Label.Ec2Instance,
  finding: Label.Finding,
  account: Label.Account,
  resource: Label.AwsResource,
  agent: Label.UserAgent,
  eni: Label.NetworkInterface,
  domain: Label.Domain,
  service: Label.AwsService,
};

export interface SearchResult {
  readonly query: string;
  /** What the query was taken for: "access key", "ARN", "CIDR 10.0.0.0/16", "text"... */
  readonly recognisedAs: string;
  readonly results: GraphNode[];
  /** There are more matches than `limit`: the results are the first ones, not all. */
  readonly more: boolean;
}

type Lookup = { kind: NodeLabel; value: string } | { kind: NodeLabel; contains: string };

/** Recognises what the investigator typed and looks it up where it can live; says when there are more than `limit`. */
export async function search(graph: Graph, raw: string, limit = 25): Promise<SearchResult> {
  // One more than asked for: whether there are more is known without counting them all.
  const found = await lookUp(graph, raw.trim(), limit + 1);
  return { ...found, results: found.results.slice(0, limit), more: found.results.length > limit };
}

async function lookUp(graph: Graph, query: string, limit: number): Promise<Omit<SearchResult, 'more'>> {
  const prefix = /^([A-Za-z]+):(.+)$/.exec(query);
  const prefixed = prefix ? (SEARCH_PREFIXES[prefix[1]!.toLowerCase()] ?? (isNodeLabel(prefix[1]!) && ADDRESSABLE_KINDS.includes(prefix[1]!) ? prefix[1] : undefined)) : undefined;
  if (prefixed && prefix && !query.startsWith('arn:')) {
    const value = prefix[2]!.trim();
    const lookups: Lookup[] = [{ kind: prefixed, value }];
    for (const property of textSearchable[prefixed as keyof typeof textSearchable] ?? []) lookups.push({ kind: prefixed, contains: value });
    return { query, recognisedAs: `${prefixed}`, results: await run(graph, lookups, limit, property(prefixed)) };
  }

  const cidr = /^([0-9.]+)\/(\d{1,2})$/.exec(query);
  if (cidr && isIP(cidr[1]!) === 4 && Number(cidr[2]) <= 32) return { query, recognisedAs: `CIDR ${query}`, results: await searchCidr(graph, cidr[1]!, Number(cidr[2]), limit) };
  if (isIP(query)) return { query, recognisedAs: 'IP address', results: await run(graph, [{ kind: Label.IpAddress, value: query.toLowerCase() }], limit) };
  if (/^(AKIA|ASIA)[A-Z0-9]{12,}$/.test(query)) {
    const lookups: Lookup[] = [{ kind: Label.AccessKey, value: query }];
    if (query.startsWith('ASIA')) lookups.push({ kind: Label.RoleSession, value: query });
    return { query, recognisedAs: 'access key', results: await run(graph, lookups, limit) };
  }
  if (query.startsWith('arn:')) return { query, recognisedAs: 'ARN', results: await searchArn(graph, query, limit) };
  if (/^i-[0-9a-zA-Z]{8,17}$/.test(query)) return { query, recognisedAs: 'instance id', results: await run(graph, [{ kind: Label.Ec2Instance, value: query }], limit) };
  if (/^eni-[0-9a-z]+$/.test(query)) return { query, recognisedAs: 'network interface', results: await run(graph, [{ kind: Label.NetworkInterface, value: query }], limit) };
  if (/^vpc-[0-9a-z]+$/.test(query)) return { query, recognisedAs: 'VPC', results: await run(graph, [{ kind: Label.Vpc, value: query }], limit) };
  if (/^subnet-[0-9a-z]+$/.test(query)) return { query, recognisedAs: 'subnet', results: await run(graph, [{ kind: Label.Subnet, value: query }], limit) };
  if (/^\d{12}$/.test(query)) return { query, recognisedAs: 'account id', results: await run(graph, [{ kind: Label.Account, value: query }], limit) };
  if (/^[0-9a-f]{32}$/.test(query)) return { query, recognisedAs: 'finding id', results: await run(graph, [{ kind: Label.Finding, value: query }], limit) };

  // Anything else: a name. Exact bucket names first, then names containing the text.
  const lookups: Lookup[] = [{ kind: Label.S3Bucket, value: query }];
  for (const [kind, properties] of Object.entries(textSearchable)) for (const _ of properties) lookups.push({ kind: kind as NodeLabel, contains: query });
  return { query, recognisedAs: 'text', results: await run(graph, lookups, limit) };
}

function property(kind: NodeLabel): string | undefined {
  return (textSearchable as Record<string, readonly string[]>)[kind]?.[0];
}

async function run(graph: Graph, lookups: readonly Lookup[], limit: number, _property?: string): Promise<GraphNode[]> {
  const results = new Map<string, GraphNode>();
  for (const lookup of lookups) {
    if (results.size >= limit) break;
    let rows: Neo4jNode[];
    if ('value' in lookup) {
      const r = await graph.read(exactKeyQuery(lookup.kind), { value: lookup.value });
      rows = r.records.map((x) => x.get('n') as Neo4jNode);
    } else {
      const properties = (textSearchable as Record<string, readonly string[]>)[lookup.kind] ?? [];
      rows = [];
      for (const prop of properties) {
        const r = await graph.read(containsQuery(lookup.kind, prop), { text: lookup.contains, limit: cypherInt(limit) });
        rows.push(...r.records.map((x) => x.get('n') as Neo4jNode));
      }
    }
    for (const node of rows) {
      const shaped = toGraphNode(node);
      if (shaped && !results.has(shaped.id)) results.set(shaped.id, shaped);
    }
  }
  return [...results.values()].slice(0, limit);
}

async function searchArn(graph: Graph, arn: string, limit: number): Promise<GraphNode[]> {
  const parts = arn.split(':');
  const service = parts[2];
  const resource = parts.slice(5).join(':');
  const lookups: Lookup[] = [];
  if (service === 's3') lookups.push({ kind: Label.S3Bucket, value: resource.split('/')[0] ?? '' });
  if (service === 'ec2' && resource.startsWith('instance/')) lookups.push({ kind: Label.Ec2Instance, value: resource.slice('instance/'.length) });
  if (service === 'guardduty' && resource.includes('/finding/')) lookups.push({ kind: Label.Finding, value: resource.split('/').pop() ?? '' });
  lookups.push({ kind: Label.IamUser, value: arn }, { kind: Label.IamRole, value: arn }, { kind: Label.FederatedUser, value: arn }, { kind: Label.RootUser, value: arn }, { kind: Label.AwsResource, value: arn });
  const found = await run(graph, lookups, limit);
  if (service === 'sts' && resource.startsWith('assumed-role/')) {
    const sessions = await graph.read(SESSIONS_BY_ARN, { value: arn, limit: cypherInt(limit) });
    for (const r of sessions.records) {
      const shaped = toGraphNode(r.get('n') as Neo4jNode);
      if (shaped) found.push(shaped);
    }
  }
  return found.slice(0, limit);
}

/** Addresses in an IPv4 CIDR, found through the key index by the text prefixes that make up the block. */
async function searchCidr(graph: Graph, base: string, bits: number, limit: number): Promise<GraphNode[]> {
  const { prefixes, addresses } = cidrTexts(base, bits);
  const result = await graph.read(ADDRESSES_IN_BLOCK, { prefixes, addresses, limit: cypherInt(limit) });
  return result.records.map((r) => toGraphNode(r.get('n') as Neo4jNode)).filter((n): n is GraphNode => n !== null);
}

/**
 * An IPv4 block as the texts of its addresses: "10.0.16." to "10.0.31." for 10.0.16.0/20 (each
 * prefix wholly inside the block, the trailing dot keeping 10.0.160.x out), or the addresses
 * themselves past /24. At most 256 of either.
 */
export function cidrTexts(base: string, bits: number): { prefixes: string[]; addresses: string[] } {
  if (bits === 32) return { prefixes: [], addresses: [base] };
  const octets = base.split('.').map(Number);
  const whole = Math.floor(bits / 8); // octets the mask fixes
  const head = octets.slice(0, whole);
  if (bits % 8 === 0 && whole > 0) return { prefixes: [`${head.join('.')}.`], addresses: [] };
  // The next octet takes these values (all 256 for /0, where no octet is fixed).
  const step = 2 ** (8 - (bits % 8));
  const first = octets[whole]! - (octets[whole]! % step);
  const values = Array.from({ length: step }, (_, i) => first + i);
  if (whole === 3) return { prefixes: [], addresses: values.map((v) => [...head, v].join('.')) };
  return { prefixes: values.map((v) => `${[...head, v].join('.')}.`), addresses: [] };
}
