import type { Graph } from '../../graph/driver';
import { EvidenceAggregate } from '../../graph/evidenceAggregate';
import type { RecordFacts } from '../../graph/facts';
import { GraphWriter } from '../../graph/writer';
import type { CloudTrailRow, FlowRecordRow } from '../../store/rows';
import { describeThrown } from '../read/nesting';
import { EventStoreWriter, type StagedCommit } from '../../store/storeWriter';
import { ledgerEntry } from './ledgerEntry';
import { partWindowIsFull, SMALL_PART_ROWS, windowIsFull } from './windowFull';
import type { FlowPart, StoredEvent } from './types';

/** What the loader has counted, as records of the input. */
export interface LoadCounts {
  /** New to the graph and the store (in a dry run: read without error). */
  loaded: number;
  /** Already loaded (same eventId, same finding version, a part or file in the ledger): skipped. */
  duplicates: number;
}

export interface LoaderOptions {
  /** null: a dry run (read and normalise only, nothing written). */
  readonly graph: Graph | null;
  /** The event store folder (ignored in a dry run). */
  readonly storeDir: string;
  /** Who is writing, for the store's lock file. */
  readonly command: string;
  /** Events per commit (a window's evidence is written to the graph in one transaction). */
  readonly windowEvents?: number;
  readonly onNote?: (message: string) => void;
  /** Told after each commit (progress). */
  readonly onCommit?: () => void;
}

export const DEFAULT_WINDOW_EVENTS = 20_000;

/**
 * The stages after parsing: deduplicate (the store's eventId index), store (segments staged per
 * commit), aggregate (one EvidenceAggregate per window), write the graph. A window's evidence
 * and its segments commit together (store/storeWriter.ts); one window commits while the next
 * fills, so Node parses on one core while Neo4j writes on the other.
 */
export class Loader {
  readonly counts: LoadCounts = { loaded: 0, duplicates: 0 };
  private window: Window;
  private inFlight: Promise<void> | null = null;
  private failure: unknown = null;
  private readonly windowEvents: number;
  /**
   * Ledger keys of the flow-log parts this run has taken and not yet committed: the same lines
   * twice in one run (a copy of a file under another name) are one part, found here before the
   * graph has the first.
   */
  private readonly partsTaken = new Set<string>();

  private constructor(
    private readonly options: LoaderOptions,
    private readonly store: EventStoreWriter | null,
    private readonly writer: GraphWriter | null,
  ) {
    this.windowEvents = options.windowEvents ?? DEFAULT_WINDOW_EVENTS;
    this.window = this.newWindow();
  }

  /** Opens the store for writing (waiting for another ingest if one holds it). */
  static async open(options: LoaderOptions): Promise<Loader> {
    if (!options.graph) return new Loader(options, null, null);
    let loader: Loader | null = null;
    const store = await EventStoreWriter.open(options.storeDir, options.graph, {
      command: options.command,
      ...(options.onNote ? { onNote: options.onNote } : {}),
      // Before the index lets a day go, every id it holds must be in a published segment: the
      // window being filled is committed too, not only the one in flight.
      settle: async () => {
        await loader?.flush();
        await loader?.settle();
      },
    });
    loader = new Loader(options, store, new GraphWriter(options.graph));
    return loader;
  }

  /** The ledger entry for an input, if it was loaded before (dry run: never). */
  async ledgerEntry(key: string): Promise<{ records: number; source: string | null } | null> {
    return this.writer ? this.writer.ledgerEntry(key) : null;
  }

  /**
   * A CloudTrail event: skipped if the store has it, else its evidence and row join the window.
   * An event whose normalisation throws (a bug some input reaches) is rejected, with the reason,
   * and not claimed: a fixed version loads it on a rerun.
   */
  async event(event: StoredEvent): Promise<'loaded' | 'duplicate' | { readonly rejected: string }> {
    const index = this.store?.index;
    if (index) {
      if (!index.isReady(event.time)) await index.ensure(event.time);
      if (index.has(event.time, event.eventId)) {
        this.counts.duplicates += 1;
        return 'duplicate';
      }
    }
    if (holdsFlows(this.window)) await this.flush();
    const w = this.window;
    w.evidence.beginRecord(event.time);
    let row: CloudTrailRow;
    try {
      // normalize.ts reads the whole record (its stored text, resources, sessions) before the
      // first fact goes into the sink: what throws, throws before any evidence is in the window.
      row = event.normalize(w.evidence);
    } catch (error) {
      return { rejected: `could not be normalised: ${describeThrown(error)}` };
    }
    index?.claim(event.time, event.eventId);
    w.commit?.add('cloudtrail', row);
    w.events += 1;
    this.counts.loaded += this.store ? 0 : 1;
    if (windowIsFull({ events: w.events, evidence: w.evidence.size }, this.windowEvents, this.inFlight !== null)) await this.flush();
    return 'loaded';
  }

  /**
   * A graph record (a finding, a ledger entry): counted once its commit says whether it was new.
   * A flow-log file's ledger entry commits with the window of its last part (or after it).
   */
  async facts(facts: RecordFacts): Promise<void> {
    this.window.records.push(facts);
    if (this.window.records.length >= this.windowEvents) await this.flush();
  }

  /**
   * A raw flow record, staged with the part it belongs to (which follows it). A promise only when
   * a window of events must commit first: a million lines awaited one by one allocated 250 MB.
   */
  flowRecord(row: FlowRecordRow): Promise<void> | undefined {
    if (this.window.events > 0) return this.flush().then(() => this.stageFlowRecord(row));
    this.stageFlowRecord(row);
    return undefined;
  }

  /**
   * A part's rows wait as values while the part is small (SMALL_PART_ROWS): once it is found new
   * they join the window's own commit with those of the window's other small parts, so that 500
   * small files make a few segments, not a thousand. A larger part gets a commit of its own, its
   * rows copied in as they come; it is discarded alone if the part was loaded before.
   */
  private stageFlowRecord(row: FlowRecordRow): void {
    const w = this.window;
    if (!this.store) return;
    if (w.partCommit) {
      w.partCommit.add('vpcflow', row);
      return;
    }
    w.partRows.push(row);
    if (w.partRows.length >= SMALL_PART_ROWS) {
      const commit = (w.partCommit = this.store.begin());
      for (const held of w.partRows) commit.add('vpcflow', held);
      w.partRows = [];
    }
  }

  /**
   * A flow-log part: its raw records came before it. A part already loaded (its ledger key in the
   * graph, or taken earlier in this run) lets its rows go and counts as duplicates. A new part's
   * facts join the window's evidence, so that a pair of addresses seen in several parts is one
   * graph row, not one per part (a 5M-line file wrote its 518,670 FLOW edges as 1.1M rows); its
   * rows are published with the window's transaction.
   */
  async flowPart(part: FlowPart): Promise<void> {
    if (this.window.events > 0) await this.flush();
    const record = part.facts.record;
    const key = record?.key ?? null;
    // A dry run reads every part as new: it counts what was read without error.
    const known = key !== null && this.writer !== null && (this.partsTaken.has(key) || (await this.writer.ledgerEntry(key)) !== null);
    const w = this.window;
    const { partRows: held, partCommit: own } = w;
    w.partRows = [];
    w.partCommit = null;
    if (known) {
      if (own) await this.store?.discard(own);
      this.counts.duplicates += part.facts.records ?? 1;
      this.options.onCommit?.();
      return;
    }
    if (key !== null && this.writer) this.partsTaken.add(key);
    if (own) {
      for (const hour of part.hours) own.add('vpcflow_hours', hour);
      // Written out now, not when the window commits: the part's buffers go at once.
      const staged = own.staged();
      staged.catch(() => undefined);
      w.parts.push({ commit: own, records: part.facts.records ?? 0, staged });
    } else if (w.commit) {
      for (const row of held) w.commit.add('vpcflow', row);
      for (const hour of part.hours) w.commit.add('vpcflow_hours', hour);
      w.sharedRecords += part.facts.records ?? 0;
    }
    if (this.writer) {
      // (A dry run writes no graph: its evidence is never made.)
      w.evidence.beginRecord(part.facts.time);
      part.evidence(w.evidence);
    }
    // The part's ledger entry counts its records; its evidence is the window's. The entry's
    // presence in the graph proves that evidence was written (a commit retried after its
    // connection was lost at COMMIT must not count it twice).
    w.records.push(part.facts);
    w.evidenceMarker ??= key;
    if (partWindowIsFull(w.evidence.size, this.inFlight !== null)) await this.flush();
  }

  /**
   * A flow-log file that broke off in the middle of a part (a truncated .gz): the part's records
   * read so far are let go. Its hash would differ from the same part of a complete copy, which
   * would then count them twice. The window's complete parts stay.
   */
  async abandonPart(): Promise<void> {
    const w = this.window;
    const own = w.partCommit;
    w.partRows = [];
    w.partCommit = null;
    if (own) await this.store?.discard(own);
  }

  /** Whether a commit failed (the run cannot go on; `finish` throws it). */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** Commits everything read so far and waits for it; then tidies the store (EventStoreWriter.tidy). */
  async finish(): Promise<void> {
    await this.flush();
    await this.settle();
    await this.store?.tidy(this.options.onNote);
  }

  async close(): Promise<void> {
    try {
      await this.settle().catch(() => undefined);
    } finally {
      await this.store?.close();
    }
  }

  /** Waits for the commit in flight. */
  async settle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.failure) throw this.failure;
  }

  /** Closes the window: it commits in the background while the next one fills (one at a time). */
  async flush(): Promise<void> {
    const w = this.window;
    if (w.events === 0 && w.records.length === 0 && w.parts.length === 0) return;
    this.window = this.newWindow();
    // Rows of a flow-log part not yet complete belong to the next window, with their part.
    if (w.partRows.length > 0 || w.partCommit) {
      this.window.partRows = w.partRows;
      this.window.partCommit = w.partCommit;
      w.partRows = [];
      w.partCommit = null;
    }
    await this.settle();
    const commit = this.commitWindow(w)
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        if (this.inFlight === commit) this.inFlight = null;
      });
    this.inFlight = commit;
  }

  private newWindow(): Window {
    return { evidence: new EvidenceAggregate(), records: [], events: 0, parts: [], sharedRecords: 0, partRows: [], partCommit: null, evidenceMarker: null, commit: this.store?.begin() ?? null };
  }

  private async commitWindow(w: Window): Promise<void> {
    if (!this.writer || !this.store || !w.commit) {
      // A dry run: counted as read.
      for (const f of w.records) this.counts.loaded += f.records ?? 1;
      return;
    }
    // The rows of this commit: the window's own commit (its events, or its small flow-log parts)
    // and the larger parts' own. Whether a commit has rows is asked before staged() hands the last
    // of them to the writer.
    const holding: { commit: StagedCommit; records: number; staged: Promise<void> | null }[] = [...w.parts];
    if (holdsRows(w.commit)) holding.push({ commit: w.commit, records: w.events + w.sharedRecords, staged: null });
    // The segments are written while the graph transaction runs; it commits only once they are
    // on disk and listed (a crash after its commit must find them, see storeWriter.ts).
    const t0 = performance.now();
    let t1 = t0;
    const staged = Promise.all(holding.map((h) => h.staged ?? h.commit.staged())).then(() => void (t1 = performance.now()));
    staged.catch(() => undefined);
    const markers = holding.map((h) => commitMarker(h.commit, h.records, this.options.storeDir));
    // What proves the window was written, should its transaction run again after a commit whose
    // answer was lost: the events' commit marker, a flow window's first new part, or, for records
    // alone (findings), a marker of their own (written only if one of them is new), else the retry
    // would call every one a duplicate.
    let marker = w.events > 0 ? (holdsRows(w.commit) ? w.commit.markerKey : null) : w.evidenceMarker;
    const recordsAlone = marker === null && !holding.some((h) => h.commit === w.commit) && w.records.some((f) => (f.records ?? 1) > 0);
    if (recordsAlone) {
      markers.push(commitMarker(w.commit, 0, this.options.storeDir));
      marker = w.commit.markerKey;
    }
    const outcome = await this.writer.write([...w.records, ...markers], w.evidence.size > 0 ? w.evidence : null, () => staged, marker ?? undefined, recordsAlone);
    const t2 = performance.now();
    this.store.publish(holding.map((h) => h.commit));
    // The graph's ledger has these parts now: the run need not remember them (a backfill of many
    // small files would otherwise hold a key per file to the end).
    for (const f of w.records) if (f.record) this.partsTaken.delete(f.record.key);
    if (process.env.TRAILHOUND_DEBUG_COMMITS) process.stderr.write(`[commit] events=${w.events} records=${w.records.length} parts=${w.parts.length} evidence=${w.evidence.size} stage=${(t1 - t0).toFixed(0)}ms graph=${(t2 - t0).toFixed(0)}ms publish=${(performance.now() - t2).toFixed(0)}ms\n`);
    this.counts.loaded += outcome.created + w.events;
    this.counts.duplicates += outcome.duplicates;
    this.options.onCommit?.();
  }
}

/**
 * Whether a window holds flow-log parts (a new one, or one being read): its events, if any came,
 * would need another marker, so they wait for the next window. Derived, not kept: a window whose
 * parts were all loaded before holds none, and takes events as any empty window does.
 */
function holdsFlows(w: Window): boolean {
  return w.evidenceMarker !== null || w.partRows.length > 0 || w.partCommit !== null;
}

/** Whether a commit has rows (buffered, or handed to the writer). */
function holdsRows(commit: StagedCommit): boolean {
  return commit.buffered > 0 || commit.segments.length > 0 || commit.writing;
}

interface Window {
  readonly evidence: EvidenceAggregate;
  readonly records: RecordFacts[];
  events: number;
  /** The window's new flow-log parts too large to wait as values: each part's rows are a commit of their own. */
  readonly parts: { readonly commit: StagedCommit; readonly records: number; readonly staged: Promise<void> }[];
  /** Records of the small new parts whose rows are in `commit`. */
  sharedRecords: number;
  /** The rows of the flow-log part being read, while it is small. */
  partRows: FlowRecordRow[];
  /** The flow-log part being read, once it is too large to wait: its own commit. */
  partCommit: StagedCommit | null;
  /** A flow window: the ledger key of its first new part (see flowPart). */
  evidenceMarker: string | null;
  /** The window's own rows: its events, or its small flow-log parts. */
  readonly commit: StagedCommit | null;
}

/** The graph's proof that it counted a commit's evidence (store/commitMarkers.ts); `records`: the input records it holds. */
function commitMarker(commit: StagedCommit, records: number, storeDir: string): RecordFacts {
  return ledgerEntry({ key: commit.markerKey, source: 'event-store', location: storeDir, size: 0, records, ingestedAt: Date.now() });
}
