import type { EvidenceSink, RecordFacts } from '../../graph/facts';
import type { CloudTrailRow, FlowHourRow, FlowRecordRow } from '../../store/rows';

/** Where in a file a record sits: 1-based record number and line, 0-based byte offset. */
export interface RecordPosition {
  readonly index: number;
  readonly line: number;
  readonly byteOffset: number;
}

/**
 * A record the event store keeps by its id (a CloudTrail event): read as far as its id and time,
 * so that a duplicate is skipped before any more work; `normalize` puts its evidence into the
 * window's aggregate and returns its row.
 */
export interface StoredEvent {
  readonly eventId: string;
  readonly time: number;
  readonly normalize: (sink: EvidenceSink) => CloudTrailRow;
}

/**
 * A part of a flow-log file: its ledger entry (the hash of its lines, the records it holds), its
 * evidence for the graph (written into the window's aggregate once the part is found new) and its
 * hourly volumes. The part's raw records came before it as `flowRecord` items; all of them
 * commit together, or (a part already loaded) not at all.
 */
export interface FlowPart {
  /** The part's ledger record, with no nodes or edges: its evidence is `evidence`. */
  readonly facts: RecordFacts;
  readonly evidence: (sink: EvidenceSink) => void;
  readonly hours: readonly FlowHourRow[];
}

/** What a record is once read: a graph record (a finding, a ledger entry) or an event the store keeps. */
export type RecordItem =
  | { readonly kind: 'facts'; readonly facts: RecordFacts }
  /** `position`: where the event was read, for a reject should its normalisation fail. */
  | { readonly kind: 'event'; readonly event: StoredEvent; readonly position?: RecordPosition };

/** One record read from a source's input: what to load, or why it cannot be. */
export type ReadRecord = { readonly ok: true; readonly item: RecordItem } | { readonly ok: false; readonly reason: string };

/** What a source's reader makes of the input, one item per record (or one for a refused file). */
export type ParsedItem =
  | RecordItem
  | { readonly kind: 'flowRecord'; readonly row: FlowRecordRow }
  | { readonly kind: 'flowPart'; readonly part: FlowPart }
  | {
      readonly kind: 'reject';
      readonly position: RecordPosition;
      readonly reason: string;
      readonly recordId?: string;
      readonly excerpt?: string;
    }
  /** The file is not this source at all: refused as a whole, with what it looks like. */
  | { readonly kind: 'refuseFile'; readonly reason: string; readonly hint?: string };

export interface InputFile {
  /** A local path, or where the object came from (s3://bucket/key) for remote inputs. */
  readonly path: string;
  readonly size: number;
  /** Remote inputs (S3 objects): how to stream the stored bytes. Local files are opened by path. */
  readonly open?: () => Promise<AsyncIterable<Buffer>>;
  /**
   * Remote inputs: the object's identity in the ingest ledger (bucket, key, ETag). An object in
   * the ledger is skipped without being read; one not in it gets its entry once its records
   * have committed.
   */
  readonly ledgerKey?: string;
  /** The source its location implies (AWSLogs/<account>/CloudTrail/..., a Security Lake bucket's aws/<SOURCE>/...), when detecting. */
  readonly sourceHint?: 'cloudtrail' | 'vpcflow' | 'guardduty' | 'ocsf';
}

/** What a reader gets besides the bytes. */
export interface ReadContext {
  /** Source-specific options from the command line (e.g. flow-log --fields). */
  readonly options: Readonly<Record<string, string | undefined>>;
  /** sha256 of the file as stored (sources with a ledger): its identity in the ledger. */
  readonly contentHash: string | null;
  /** When this run started (epoch ms), for ledger entries. */
  readonly runStartedAt: number;
}

/**
 * One kind of log (CloudTrail, VPC Flow Logs, GuardDuty). Adding a source is one folder with
 * a reader like this, and one line in ingest/sources.ts.
 */
export interface LogSource {
  readonly name: string;
  readonly title: string;
  /** What one record is called in summaries: "events", "flow records", "findings". */
  readonly recordNoun: string;
  /** Files a directory walk picks up (explicitly named files are always read). */
  readonly takesFile: (path: string) => boolean;
  /** Directories a walk never enters (e.g. CloudTrail-Digest). */
  readonly skipsDirectory?: (path: string) => boolean;
  /**
   * Sources whose records carry no ids (flow logs) keep a ledger of ingested files: the file's
   * content hash is checked before it is read, and its facts commit with its ledger entry.
   */
  readonly ledger?: boolean;
  /** Parses one file's (decompressed) bytes into items, a chunk's worth at a time. */
  readonly read: (file: InputFile, chunks: AsyncIterable<Buffer>, context: ReadContext) => AsyncIterable<ParsedItem[]>;
}
