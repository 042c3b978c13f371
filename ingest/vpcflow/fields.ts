/**
 * The fields a VPC flow log record can have (AWS VPC user guide, "Flow log records"), by the
 * version that introduced them. A custom format picks any of them in any order and names them
 * in the file's header line; the default format is version 2 without a header.
 */
export const FLOW_FIELDS: Readonly<Record<string, number>> = {
  version: 2,
  'account-id': 2,
  'interface-id': 2,
  srcaddr: 2,
  dstaddr: 2,
  srcport: 2,
  dstport: 2,
  protocol: 2,
  packets: 2,
  bytes: 2,
  start: 2,
  end: 2,
  action: 2,
  'log-status': 2,
  'vpc-id': 3,
  'subnet-id': 3,
  'instance-id': 3,
  'tcp-flags': 3,
  type: 3,
  'pkt-srcaddr': 3,
  'pkt-dstaddr': 3,
  region: 4,
  'az-id': 4,
  'sublocation-type': 4,
  'sublocation-id': 4,
  'pkt-src-aws-service': 5,
  'pkt-dst-aws-service': 5,
  'flow-direction': 5,
  'traffic-path': 5,
  'ecs-cluster-arn': 7,
  'ecs-cluster-name': 7,
  'ecs-container-instance-arn': 7,
  'ecs-container-instance-id': 7,
  'ecs-container-id': 7,
  'ecs-second-container-id': 7,
  'ecs-service-name': 7,
  'ecs-task-definition-arn': 7,
  'ecs-task-arn': 7,
  'ecs-task-id': 7,
  'reject-reason': 8,
};

export const DEFAULT_FORMAT = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
] as const;

/**
 * Whether a line is a header: field names only, at least three of them ones we know. Names AWS
 * adds in later versions are then read past, not taken for a garbage line that refuses the file.
 */
export function isHeaderLine(tokens: readonly string[]): boolean {
  let known = 0;
  for (const t of tokens) {
    if (!FIELD_NAME.test(t)) return false;
    // Own keys only: `in` would also take "constructor" or "toString" for field names.
    if (Object.hasOwn(FLOW_FIELDS, t)) known += 1;
  }
  return known >= 3;
}

const FIELD_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Parses a --fields option ("version account-id ..." or with ${...} as in the AWS console). */
export function parseFieldList(text: string): string[] {
  const fields = text
    .replace(/\$\{([^}]+)\}/g, '$1')
    .split(/[\s,]+/)
    .filter(Boolean);
  const unknown = fields.filter((f) => !Object.hasOwn(FLOW_FIELDS, f));
  if (unknown.length > 0) throw new Error(`unknown flow-log field(s): ${unknown.join(', ')}`);
  return fields;
}

/** IANA protocol numbers a person recognises; others are shown as numbers. */
export const PROTOCOL_NAMES: Readonly<Record<number, string>> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 47: 'GRE', 50: 'ESP', 58: 'ICMPv6' };
