import type { NodeLabel } from './nodes';
import type { RelationshipDeclaration } from './types';

/** Every label that is a principal (carries the Principal group label). */
export const principalLabels = [
  'IamUser',
  'IamRole',
  'RoleSession',
  'FederatedUser',
  'RootUser',
  'AwsService',
  'AwsAccountPrincipal',
  'UnknownPrincipal',
] as const satisfies readonly NodeLabel[];

/** Labels a CloudTrail call can touch as a resource. */
export const resourceLabels = ['S3Bucket', 'Ec2Instance', 'AwsResource', 'IamUser', 'IamRole', 'AccessKey'] as const satisfies readonly NodeLabel[];

/** Labels that belong to an account. */
const ownedLabels = [...principalLabels, 'AccessKey', 'S3Bucket', 'Ec2Instance', 'AwsResource', 'NetworkInterface', 'Subnet', 'Vpc'] as const;

/** What a GuardDuty finding can be about. */
export const findingSubjectLabels = [...principalLabels, 'AccessKey', 'S3Bucket', 'Ec2Instance', 'AwsResource', 'NetworkInterface'] as const satisfies readonly NodeLabel[];

interface Declared extends RelationshipDeclaration {
  readonly from: readonly NodeLabel[];
  readonly to: readonly NodeLabel[];
}

/**
 * Every relationship type, declared once with its endpoints. Keys of this object are the types.
 *
 * Traversals (blast radius, pivots) walk these small aggregate edges; the individual events
 * behind an edge are in the event store (store/), found by the keys of the edge's endpoints.
 */
export const relationships = {
  KEY_OF: {
    description: 'An access key belongs to the principal that signs calls with it (or that CreateAccessKey created it for).',
    from: ['AccessKey'],
    to: ['IamUser', 'RootUser', 'RoleSession'],
    mode: 'observed',
  },
  SESSION_OF: {
    description: 'A session runs as this role, IAM user, root user or federated user.',
    from: ['RoleSession'],
    to: ['IamRole', 'IamUser', 'RootUser', 'FederatedUser'],
    mode: 'observed',
  },
  ASSUMED: {
    description:
      'The caller started this session: AssumeRole*, GetFederationToken or GetSessionToken returned its temporary key, ' +
      'or (for IAM user and root sessions) the session identity names its owner. Role chains are session -> session.',
    from: [...principalLabels],
    to: ['RoleSession'],
    mode: 'observed',
  },
  CALLED_FROM: {
    description: 'The principal made calls from this IP address, or through this AWS service (sourceIPAddress).',
    from: [...principalLabels],
    to: ['IpAddress', 'AwsService'],
    mode: 'observed',
  },
  USED_AGENT: {
    description: 'The principal made calls with this user agent.',
    from: [...principalLabels],
    to: ['UserAgent'],
    mode: 'observed',
  },
  ACCESSED: {
    description: 'The principal made calls that named this resource; apis holds the API names used.',
    from: [...principalLabels],
    to: [...resourceLabels],
    mode: 'observed',
    setUnions: { apis: 50 },
  },
  ON_INSTANCE: {
    description: 'An EC2 instance-profile session: the credentials were delivered to this instance.',
    from: ['RoleSession'],
    to: ['Ec2Instance'],
    mode: 'observed',
  },
  IN_ACCOUNT: {
    description: 'The entity belongs to this account.',
    from: [...ownedLabels],
    to: ['Account'],
    mode: 'structural',
  },
  FLOW: {
    description:
      'Network traffic from one address to another seen in VPC flow logs: one edge per pair of addresses, summing bytes, ' +
      'packets and flow records (count) over every hour, with what characterises it: ports, the destination ports, protocols ' +
      'and actions seen ("443/tcp ACCEPT"; "reply/tcp ACCEPT" for replies to a client port, whose service ports are in srcPorts). ' +
      'When the log gives pkt-srcaddr/pkt-dstaddr (behind a NAT gateway or load balancer), those are the endpoints and the ' +
      'interface addresses are kept in via. The hourly volumes and every record are in the event store.',
    from: ['IpAddress'],
    to: ['IpAddress'],
    mode: 'observed',
    sums: ['bytes', 'packets'],
    setUnions: { ports: 50, via: 10, interfaces: 20, srcPorts: 20 },
  },
  HAS_IP: {
    description: 'A network interface sent or received traffic as this address (flow logs), or GuardDuty lists it.',
    from: ['NetworkInterface'],
    to: ['IpAddress'],
    mode: 'observed',
  },
  HAS_INTERFACE: {
    description: 'An instance owns this network interface.',
    from: ['Ec2Instance'],
    to: ['NetworkInterface'],
    mode: 'observed',
  },
  IN_SUBNET: {
    description: 'A network interface sits in this subnet.',
    from: ['NetworkInterface'],
    to: ['Subnet'],
    mode: 'structural',
  },
  IN_VPC: {
    description: 'A subnet belongs to this VPC; an interface whose subnet is not known, directly.',
    from: ['Subnet', 'NetworkInterface'],
    to: ['Vpc'],
    mode: 'structural',
  },
  AFFECTS: {
    description: 'A GuardDuty finding is about this resource or principal (its resource block).',
    from: ['Finding'],
    to: [...findingSubjectLabels],
    mode: 'stated',
  },
  INVOLVES: {
    description:
      "A GuardDuty finding's action names this address (remote IP, port-probe source, local address) or domain; " +
      'role, ports, protocol and direction say how.',
    from: ['Finding'],
    to: ['IpAddress', 'Domain'],
    mode: 'stated',
  },
  HAS_PIN: {
    description: 'A case pins this (the pin carries the verdict and note).',
    from: ['Case'],
    to: ['CasePin'],
    mode: 'case',
  },
  PINNED: {
    description: 'A pin names this entity or finding (kept while the graph holds it; the pin keeps its id either way).',
    from: ['CasePin'],
    to: [...findingSubjectLabels, 'Finding', 'IpAddress', 'UserAgent', 'Domain', 'Account', 'Subnet', 'Vpc', 'AwsService'],
    mode: 'case',
  },
} as const satisfies Record<string, Declared>;

export type RelationshipType = keyof typeof relationships;
