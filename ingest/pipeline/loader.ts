import type { Graph } from '../../graph/driver';
import { EvidenceAggregate } from '../../graph/evidenceAggregate';
import type { RecordFacts } from '../../graph/facts';
import { GraphWriter } from '../../graph/writer';
import type { CloudTrailRow, FlowRecordRow } from '../../store/rows';
import { describeThrown } from '../read/nesting';
import { EventStoreWriter, type StagedCommit } from '../../store/storeWriter';
import { ledgerEntry } from './ledgerEntry';
import { windowIsFull } from './windowFull';
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
    if (this.window.part) await this.flush();
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

  /** A graph record (a finding, a ledger entry): counted once its commit says whether it was new. */
  async facts(facts: RecordFacts): Promise<void> {
    if (this.window.part) await this.flush();
    this.window.records.push(facts);
    if (this.window.records.length >= this.windowEvents) await this.flush();
  }

  /** A raw flow record: staged with the part it belongs to (which follows it). */
  async flowRecord(row: FlowRecordRow): Promise<void> {
    if (!this.window.part && (this.window.events > 0 || this.window.records.length > 0)) await this.flush();
    this.window.part = true;
    this.window.commit?.add('vpcflow', row);
  }

  /** A flow-log part: its facts and hourly volumes close the window its records are in. */
  async flowPart(part: FlowPart): Promise<void> {
    if (!this.window.part && (this.window.events > 0 || this.window.records.length > 0)) await this.flush();
    this.window.part = true;
    this.window.partFacts = part.facts;
    for (const hour of part.hours) this.window.commit?.add('vpcflow_hours', hour);
    await this.flush();
  }

  /**
   * A flow-log file that broke off in the middle of a part (a truncated .gz): the part's records
   * read so far are let go. Its hash would differ from the same part of a complete copy, which
   * would then count them twice.
   */
  async abandonPart(): Promise<void> {
    if (!this.window.part || this.window.partFacts) return;
    const commit = this.window.commit;
    this.window = this.newWindow();
    if (commit) await this.store?.discard(commit);
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
    if (w.events === 0 && w.records.length === 0 && !w.part) return;
    this.window = this.newWindow();
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
    return { evidence: new EvidenceAggregate(), records: [], events: 0, part: false, partFacts: null, commit: this.store?.begin() ?? null };
  }

  private async commitWindow(w: Window): Promise<void> {
    if (!this.writer || !this.store || !w.commit) {
      // A dry run: counted as read.
      for (const f of [...w.records, ...(w.partFacts ? [w.partFacts] : [])]) this.counts.loaded += f.records ?? 1;
      return;
    }
    const records = w.partFacts ? [w.partFacts] : w.records;
    if (w.partFacts?.record) {
      // A part already loaded (its lines are in the ledger): its staged rows are not published
      // and its records count as duplicates. Only this process writes the store, so the check
      // holds until the commit.
      const known = await this.writer.ledgerEntry(w.partFacts.record.key);
      if (known) {
        await this.store.discard(w.commit);
        this.counts.duplicates += w.partFacts.records ?? 1;
        this.options.onCommit?.();
        return;
      }
    }
    // The segments are written while the graph transaction runs; it commits only once they are
    // on disk and listed (a crash after its commit must find them, see storeWriter.ts).
    // Whether the commit has rows, asked before staged() hands the last of them to the writer.
    const holdsRows = w.commit.buffered > 0 || w.commit.segments.length > 0 || w.commit.writing;
    const t0 = performance.now();
    let t1 = t0;
    const staged = w.commit.staged().then(() => void (t1 = performance.now()));
    staged.catch(() => undefined);
    const marker = holdsRows ? [commitMarker(w.commit, w.events + (w.partFacts?.records ?? 0), this.options.storeDir)] : [];
    const outcome = await this.writer.write([...records, ...marker], w.events > 0 ? w.evidence : null, () => staged, holdsRows ? w.commit.markerKey : undefined);
    const t2 = performance.now();
    this.store.publish(w.commit);
    if (process.env.TRAILHOUND_DEBUG_COMMITS) process.stderr.write(`[commit] events=${w.events} records=${records.length} evidence=${w.evidence.size} stage=${(t1 - t0).toFixed(0)}ms graph=${(t2 - t0).toFixed(0)}ms publish=${(performance.now() - t2).toFixed(0)}ms\n`);
    this.counts.loaded += outcome.created + w.events;
    this.counts.duplicates += outcome.duplicates;
    this.options.onCommit?.();
  }
}

interface Window {
  readonly evidence: EvidenceAggregate;
  readonly records: RecordFacts[];
  events: number;
  /** A flow-log part's window: its rows and its facts only. */
  part: boolean;
  partFacts: RecordFacts | null;
  readonly commit: StagedCommit | null;
}

/** The graph's proof that it counted a commit's evidence (store/commitMarkers.ts); `records`: the input records it holds. */
function commitMarker(commit: StagedCommit, records: number, storeDir: string): RecordFacts {
  return ledgerEntry({ key: commit.markerKey, source: 'event-store', location: storeDir, size: 0, records, ingestedAt: Date.now() });
}
