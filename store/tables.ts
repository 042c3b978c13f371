/**
 * The event store's tables, declared once as data, as the graph's nodes and relationships are
 * (graph/schema). From these come the Parquet files' columns (store/segmentWriter.ts), the typed
 * empty views a server starts with (store/eventStore.ts), and docs/event-store.md's column lists
 * (a unit test keeps them equal).
 *
 * Each table is a folder of immutable Parquet segments, Hive-partitioned by day of the record's
 * time: `<store>/source=<table>/day=YYYY-MM-DD/part-<commit>-<n>.parquet`. Times are epoch ms
 * (BIGINT) as in the graph; nothing in the store is a secret (ingest redacts before it stores).
 */

/** The column types used; each is a DuckDB type that Parquet stores natively. */
export type ColumnType = 'BIGINT' | 'INTEGER' | 'VARCHAR' | 'BOOLEAN' | 'VARCHAR[]';

export interface ColumnDeclaration {
  readonly type: ColumnType;
  readonly description: string;
}

export interface TableDeclaration {
  readonly description: string;
  /** The column whose UTC day partitions the table (epoch ms). */
  readonly timeColumn: string;
  /**
   * The order a compacted segment is written in (store/compact.ts): readers that filter on the
   * first column skip whole row groups by their statistics (a principal's calls, an address's
   * flows). Ingest writes rows as they arrive, roughly in time order.
   */
  readonly sortedBy: readonly string[];
  readonly columns: Readonly<Record<string, ColumnDeclaration>>;
}

export const tables = {
  cloudtrail: {
    description:
      'One row per CloudTrail event (by eventId, never twice): what timelines, filters, profiles, drill-down and exports read, ' +
      'and the whole record, secrets redacted.',
    timeColumn: 'time',
    sortedBy: ['principalKey', 'time', 'eventId'],
    columns: {
      time: { type: 'BIGINT', description: 'eventTime, epoch ms' },
      eventId: { type: 'VARCHAR', description: 'eventID: unique; a duplicate delivery is never stored twice' },
      eventSource: { type: 'VARCHAR', description: 'the service called, e.g. s3.amazonaws.com' },
      eventName: { type: 'VARCHAR', description: 'the API called, e.g. GetObject' },
      region: { type: 'VARCHAR', description: 'awsRegion' },
      accountId: { type: 'VARCHAR', description: 'recipientAccountId, else the caller\'s account' },
      readOnly: { type: 'BOOLEAN', description: 'readOnly as logged (null when not logged)' },
      errorCode: { type: 'VARCHAR', description: 'errorCode of a failed call (null when it succeeded)' },
      errorMessage: { type: 'VARCHAR', description: 'errorMessage, up to 4,096 characters (the record keeps all of it)' },
      principalKey: { type: 'VARCHAR', description: "the caller: its graph key (an IAM user or role ARN, a session's temporary access key id, a service name)" },
      accessKeyId: { type: 'VARCHAR', description: 'the access key that signed the call' },
      sessionKey: { type: 'VARCHAR', description: 'the session this call started (AssumeRole*, GetSessionToken, GetFederationToken): its temporary access key id' },
      sourceIp: { type: 'VARCHAR', description: 'sourceIPAddress when it is an address, normalised' },
      sourceName: { type: 'VARCHAR', description: 'sourceIPAddress when it is not an address (a service name, "AWS Internal")' },
      userAgent: { type: 'VARCHAR', description: 'the user agent, normalised as the graph keys it' },
      resources: { type: 'VARCHAR[]', description: 'the resources the call named, as kind:key (S3Bucket:name, AwsResource:arn, ...)' },
      record: { type: 'VARCHAR', description: 'the whole CloudTrail record as JSON, secrets redacted' },
    },
  },
  vpcflow: {
    description: 'One row per VPC flow-log record with traffic (NODATA and SKIPDATA lines are counted, not stored).',
    timeColumn: 'start',
    sortedBy: ['src', 'dst', 'start'],
    columns: {
      start: { type: 'BIGINT', description: 'start of the capture window, epoch ms' },
      end: { type: 'BIGINT', description: 'end of the capture window, epoch ms' },
      src: { type: 'VARCHAR', description: 'the true source address (pkt-srcaddr when logged)' },
      dst: { type: 'VARCHAR', description: 'the true destination address (pkt-dstaddr when logged)' },
      srcPort: { type: 'INTEGER', description: 'source port' },
      dstPort: { type: 'INTEGER', description: 'destination port' },
      protocol: { type: 'INTEGER', description: 'IANA protocol number' },
      packets: { type: 'BIGINT', description: 'packets in the window' },
      bytes: { type: 'BIGINT', description: 'bytes in the window' },
      action: { type: 'VARCHAR', description: 'ACCEPT or REJECT' },
      tcpFlags: { type: 'INTEGER', description: 'tcp-flags (v3+), null when not logged' },
      via: { type: 'VARCHAR[]', description: 'the interface-level addresses when they differ from the true endpoints (NAT gateway, load balancer)' },
      interfaceId: { type: 'VARCHAR', description: 'the network interface that logged the record' },
      accountId: { type: 'VARCHAR', description: "the interface's account" },
      vpcId: { type: 'VARCHAR', description: 'vpc-id (v3+)' },
      subnetId: { type: 'VARCHAR', description: 'subnet-id (v3+)' },
      instanceId: { type: 'VARCHAR', description: 'instance-id (v3+)' },
      region: { type: 'VARCHAR', description: 'region (v5+)' },
    },
  },
  vpcflow_hours: {
    description:
      'Flow records summed per hour, source, destination, destination port, protocol and action (a reply to a client port is keyed ' +
      'by port 0, its service port in srcPorts): the volumes behind charts and exports. One part of a file writes its own rows, so an ' +
      'hour may have several rows for the same key: sum them.',
    timeColumn: 'hour',
    sortedBy: ['src', 'dst', 'hour'],
    columns: {
      hour: { type: 'BIGINT', description: 'the hour, epoch ms' },
      src: { type: 'VARCHAR', description: 'source address' },
      dst: { type: 'VARCHAR', description: 'destination address' },
      dstPort: { type: 'INTEGER', description: 'destination port (0 for replies to a client port)' },
      protocol: { type: 'INTEGER', description: 'IANA protocol number' },
      action: { type: 'VARCHAR', description: 'ACCEPT or REJECT' },
      bytes: { type: 'BIGINT', description: 'bytes' },
      packets: { type: 'BIGINT', description: 'packets' },
      flows: { type: 'BIGINT', description: 'flow records' },
      firstSeen: { type: 'BIGINT', description: 'earliest start, epoch ms' },
      lastSeen: { type: 'BIGINT', description: 'latest end, epoch ms' },
      via: { type: 'VARCHAR[]', description: 'interface-level addresses (up to 10)' },
      srcPorts: { type: 'VARCHAR[]', description: 'service ports of replies (up to 20)' },
      interfaces: { type: 'VARCHAR[]', description: 'interfaces that logged it (up to 20)' },
    },
  },
} as const satisfies Record<string, TableDeclaration>;

export type TableName = keyof typeof tables;

/** Rows an ingest commit's segment holds at most: one per table and day, cut at this many rows (store/storeWriter.ts). */
export const SEGMENT_ROWS: Readonly<Record<TableName, number>> = { cloudtrail: 10_000, vpcflow: 25_000, vpcflow_hours: 25_000 };
export type ColumnName<T extends TableName> = keyof (typeof tables)[T]['columns'] & string;

/** The columns of a table in declared order (the order of every file's schema). */
export function columnsOf(table: TableName): readonly [string, ColumnDeclaration][] {
  return Object.entries(tables[table].columns);
}
