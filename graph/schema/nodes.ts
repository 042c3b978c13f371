import type { GroupDeclaration, NodeDeclaration } from './types';

/**
 * Every node label in the graph, declared once. Keys of this object are the labels.
 *
 * Principals all carry the `Principal` group label and key on `principalKey`, so an Event can
 * name its actor with one indexed string whatever kind of principal it is.
 */
export const groups = {
  Principal: {
    description: 'Anything that makes AWS API calls: users, roles, role sessions, services, other accounts.',
    key: 'principalKey',
  },
} as const satisfies Record<string, GroupDeclaration>;

const principal = (description: string, properties: NodeDeclaration['properties'], indexes: readonly (readonly string[])[] = []) =>
  ({
    description,
    key: 'principalKey',
    write: 'entity',
    groups: ['Principal'],
    properties: { principalKey: 'string', accountId: 'string', sample: 'boolean', ...properties },
    indexes,
  }) as const satisfies NodeDeclaration;

/** Properties search looks into with CONTAINS, backed by Neo4j text indexes. */
export const textSearchable = {
  IamUser: ['userName'],
  IamRole: ['roleName'],
  RoleSession: ['sessionName'],
  S3Bucket: ['name'],
  AwsResource: ['name'],
  Ec2Instance: ['name'],
  Finding: ['title', 'type'],
  // A partial key id, as read off a screenshot or a ticket: "key:AKIA4CP2".
  AccessKey: ['accessKeyId'],
  UserAgent: ['value'],
  Domain: ['name'],
} as const;

export const nodes = {
  Account: {
    description: 'An AWS account, the owner of principals and resources.',
    key: 'accountId',
    write: 'entity',
    properties: { accountId: 'string' },
  },
  IamUser: principal('An IAM user. principalKey is the user ARN.', {
    arn: 'string',
    userName: 'string',
    principalId: 'string',
  }),
  IamRole: principal('An IAM role. principalKey is the role ARN.', {
    arn: 'string',
    roleName: 'string',
    principalId: 'string',
  }),
  RoleSession: principal(
    'A session on temporary credentials: of a role (AssumeRole*), a federated user (GetFederationToken) ' +
      'or an IAM user or root (GetSessionToken, console sign-in). principalKey is the temporary ' +
      'access key id (ASIA...), which is unique per session; without one, the session ARN and its creation time.',
    {
      arn: 'string',
      sessionType: 'string',
      sessionName: 'string',
      roleArn: 'string',
      accessKeyId: 'string',
      creationDate: 'int',
      mfaAuthenticated: 'boolean',
      sourceIdentity: 'string',
      instanceId: 'string',
    },
    [['arn']],
  ),
  FederatedUser: principal(
    'A federated identity: an STS federated user (principalKey = its ARN) or a SAML / web identity user.',
    { arn: 'string', userName: 'string', identityProvider: 'string' },
  ),
  RootUser: principal("An account's root user. principalKey is arn:aws:iam::<account>:root.", { arn: 'string' }),
  AwsService: principal(
    'An AWS service acting on its own (userIdentity.type AWSService) or appearing as the source of a call ' +
      '(sourceIPAddress "ec2.amazonaws.com", "AWS Internal"). principalKey is the service name.',
    { name: 'string' },
  ),
  AwsAccountPrincipal: principal(
    'A caller identified only by another account (userIdentity.type AWSAccount), including the anonymous principal.',
    { principalId: 'string' },
  ),
  UnknownPrincipal: principal('A caller whose identity type CloudTrail gives as Unknown, or a type this version does not model.', {
    identityType: 'string',
    principalId: 'string',
    userName: 'string',
    arn: 'string',
  }),
  AccessKey: {
    description: 'An access key id: AKIA... long-term (an IAM user or root), ASIA... temporary (a session).',
    key: 'accessKeyId',
    write: 'entity',
    properties: { accessKeyId: 'string', keyType: 'string', accountId: 'string', sample: 'boolean' },
  },
  IpAddress: {
    description:
      'An IPv4 or IPv6 address, normalised (no leading zeros, compressed IPv6). Country, city and network ' +
      'owner come from GuardDuty findings (geoSource "guardduty") or the offline database.',
    key: 'ip',
    write: 'entity',
    properties: {
      ip: 'string',
      version: 'int',
      isPrivate: 'boolean',
      country: 'string',
      city: 'string',
      asn: 'int',
      asnOrg: 'string',
      isp: 'string',
      geoSource: 'string',
      sample: 'boolean',
    },
  },
  NetworkInterface: {
    description: 'An elastic network interface (eni-...), as flow logs and GuardDuty name it.',
    key: 'interfaceId',
    write: 'entity',
    properties: { interfaceId: 'string', accountId: 'string', region: 'string', sample: 'boolean' },
  },
  Subnet: {
    description: 'A VPC subnet.',
    key: 'subnetId',
    write: 'entity',
    properties: { subnetId: 'string', accountId: 'string', region: 'string', availabilityZone: 'string', sample: 'boolean' },
  },
  Vpc: {
    description: 'A VPC.',
    key: 'vpcId',
    write: 'entity',
    properties: { vpcId: 'string', accountId: 'string', region: 'string', sample: 'boolean' },
  },
  Domain: {
    description: 'A DNS name a GuardDuty DNS_REQUEST finding names.',
    key: 'name',
    write: 'entity',
    properties: { name: 'string', sample: 'boolean' },
  },
  UserAgent: {
    description: 'A user agent string (brackets stripped; very long values truncated with a hash suffix).',
    key: 'value',
    write: 'entity',
    properties: { value: 'string' },
  },
  S3Bucket: {
    description: 'An S3 bucket, by name (bucket names are global).',
    key: 'name',
    write: 'entity',
    properties: { name: 'string', accountId: 'string', region: 'string', sample: 'boolean' },
  },
  Ec2Instance: {
    description: 'An EC2 instance, by instance id.',
    key: 'instanceId',
    write: 'entity',
    properties: {
      instanceId: 'string',
      accountId: 'string',
      region: 'string',
      instanceType: 'string',
      imageId: 'string',
      availabilityZone: 'string',
      name: 'string',
      sample: 'boolean',
    },
  },
  AwsResource: {
    description:
      'Any other AWS resource, by ARN: secrets, SSM parameters, Lambda functions, trails, snapshots, policies... ' +
      'When a call names a resource without its ARN, the ARN is built from the name, region and account.',
    key: 'arn',
    write: 'entity',
    properties: {
      arn: 'string',
      resourceType: 'string',
      name: 'string',
      service: 'string',
      accountId: 'string',
      region: 'string',
      sample: 'boolean',
    },
  },
  Finding: {
    description:
      'A GuardDuty finding. It arrives many times as it is updated (count, updatedAt): one node, and the ' +
      'newest updatedAt wins. Sample findings load but keep sample = true, and their placeholder entities ' +
      'are kept apart from real ones (keys prefixed "sample:").',
    key: 'findingId',
    write: 'versioned',
    version: 'updatedAt',
    properties: {
      findingId: 'string',
      arn: 'string',
      type: 'string',
      title: 'string',
      description: 'string',
      severity: 'float',
      severityLabel: 'string',
      createdAt: 'int',
      updatedAt: 'int',
      eventFirstSeen: 'int',
      eventLastSeen: 'int',
      count: 'int',
      accountId: 'string',
      region: 'string',
      archived: 'boolean',
      sample: 'boolean',
      resourceType: 'string',
      actionType: 'string',
      actionApi: 'string',
      actionService: 'string',
      detectorId: 'string',
      raw: 'json',
    },
    indexes: [['severity'], ['updatedAt'], ['type']],
  },
  IngestedObject: {
    description:
      'The ingest ledger for input whose records carry no ids of their own (flow logs): one node per part of a ' +
      'file (the hash of its lines), whose evidence commits with it in one transaction, and one per finished file ' +
      '(the hash of its bytes). A rerun skips what is in, so nothing is counted twice.',
    key: 'contentHash',
    write: 'event',
    properties: {
      contentHash: 'string',
      source: 'string',
      location: 'string',
      size: 'int',
      records: 'int',
      ingestedAt: 'int',
    },
    indexes: [['location']],
  },
  IntelEntry: {
    description:
      'An address or range from a threat-intelligence list the user imported (trailhound intel import): key list|indicator. ' +
      'Not evidence of anything by itself; investigations flag the addresses an identity called from that a list names.',
    key: 'entryKey',
    write: 'meta',
    properties: {
      entryKey: 'string',
      list: 'string',
      indicator: 'string',
      kind: 'string',
      description: 'string',
      confidence: 'int',
      validUntil: 'int',
      reference: 'string',
      importedAt: 'int',
    },
    indexes: [['indicator'], ['kind'], ['list']],
  },
  PullCheckpoint: {
    description:
      'How far a pull from an AWS API got, per source, account and region (name = source:account:region), ' +
      'so that `--since last` asks only for what is new.',
    key: 'name',
    write: 'meta',
    properties: { name: 'string', source: 'string', accountId: 'string', region: 'string', lastEventTime: 'int', pulledAt: 'int' },
  },
  Case: {
    description:
      'An investigation case the team keeps: title, status (open, contained, closed), owner. What it pins, its notes, ' +
      'saved views and queries hang off it by caseId; every change to any of them is a CaseLogEntry.',
    key: 'caseId',
    write: 'case',
    properties: {
      caseId: 'string',
      title: 'string',
      status: 'string',
      owner: 'string',
      createdAt: 'int',
      createdBy: 'string',
      updatedAt: 'int',
      /** How many log entries the case has: the next entry's sequence number, taken under the case's write lock. */
      logCount: 'int',
      /** The entry id of the change that last took the case's write lock. */
      lastChange: 'string',
      /** A deleted case keeps its node and its log (who deleted what, and when); everything else it held is gone. */
      deletedAt: 'int',
      deletedBy: 'string',
    },
    indexes: [['status'], ['updatedAt']],
  },
  CasePin: {
    description:
      'Something a case pins, with the responder\'s verdict (malicious, suspicious, benign, false positive, or none yet) and note: ' +
      'an entity or finding (linked by PINNED while the graph holds it; ref keeps its id either way) or a CloudTrail event (by eventId, ' +
      'in the event store). pinId is caseId|ref.',
    key: 'pinId',
    write: 'case',
    properties: {
      pinId: 'string',
      caseId: 'string',
      kind: 'string',
      ref: 'string',
      label: 'string',
      verdict: 'string',
      note: 'string',
      pinnedAt: 'int',
      pinnedBy: 'string',
      updatedAt: 'int',
      eventTime: 'int',
    },
    indexes: [['caseId'], ['ref']],
  },
  CaseNote: {
    description: 'A free note of a case, in Markdown (the UI renders it without raw HTML). Edits are logged with the text before and after.',
    key: 'noteId',
    write: 'case',
    properties: { noteId: 'string', caseId: 'string', text: 'string', createdAt: 'int', createdBy: 'string', updatedAt: 'int', updatedBy: 'string' },
    indexes: [['caseId']],
  },
  SavedView: {
    description: "A named view of a case: the UI's URL state (what was investigated, scope, expanded nodes, timeline...), a path on this server.",
    key: 'viewId',
    write: 'case',
    properties: { viewId: 'string', caseId: 'string', name: 'string', url: 'string', createdAt: 'int', createdBy: 'string' },
    indexes: [['caseId']],
  },
  SavedQuery: {
    description: 'A named read-only Cypher query of a case, for the console (checked as read-only when saved and again when run).',
    key: 'queryId',
    write: 'case',
    properties: { queryId: 'string', caseId: 'string', name: 'string', query: 'string', createdAt: 'int', createdBy: 'string' },
    indexes: [['caseId']],
  },
  CaseLogEntry: {
    description:
      'One change to a case, appended when it is made and never edited: sequence number in the case, time, author ' +
      '(the token\'s name, else TRAILHOUND_USER), what was done, to what, and the values before and after (JSON).',
    key: 'entryId',
    write: 'case',
    properties: {
      entryId: 'string',
      caseId: 'string',
      seq: 'int',
      at: 'int',
      author: 'string',
      action: 'string',
      target: 'string',
      detail: 'json',
    },
    indexes: [['caseId', 'seq']],
  },
  FindingTriage: {
    description:
      'A responder\'s archive decision on a GuardDuty finding (Detective\'s archive, with memory): archived or not, why, who, when and in ' +
      'which case (whose log keeps every change). Apart from the Finding node, which GuardDuty\'s own updates rewrite.',
    key: 'findingId',
    write: 'case',
    properties: { findingId: 'string', archived: 'boolean', reason: 'string', at: 'int', by: 'string', caseId: 'string' },
  },
  TrailhoundMeta: {
    description: "Bookkeeping: the schema version the migrations last applied (name 'schema'), the id of the graph's event store (name 'eventStore'), and when threat intelligence last changed (name 'intel').",
    key: 'name',
    write: 'meta',
    properties: { name: 'string', schemaVersion: 'int', schemaDigest: 'string', migratedAt: 'int', storeId: 'string', intelVersion: 'int' },
  },
} as const satisfies Record<string, NodeDeclaration>;

export type NodeLabel = keyof typeof nodes;
export type GroupLabel = keyof typeof groups;
