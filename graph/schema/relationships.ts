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
const ownedLabels = [...principalLabels, 'AccessKey', 'S3Bucket', 'Ec2Instance', 'AwsResource'] as const;

interface Declared extends RelationshipDeclaration {
  readonly from: readonly NodeLabel[];
  readonly to: readonly NodeLabel[];
}

/**
 * Every relationship type, declared once with its endpoints. Keys of this object are the types.
 *
 * Traversals (blast radius, pivots) walk these small aggregate edges; the individual events
 * behind an edge are found through Event indexes (principalKey + time) and TOUCHED edges.
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
  TOUCHED: {
    description: 'This event named this resource (drill-down from ACCESSED to the events behind it).',
    from: ['Event'],
    to: [...resourceLabels],
    mode: 'perEvent',
  },
} as const satisfies Record<string, Declared>;

export type RelationshipType = keyof typeof relationships;
