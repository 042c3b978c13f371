import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeName as n } from '../../graph/cypher/escape';
import { cypherInt, type Graph } from '../../graph/driver';
import { TrailhoundError } from '../../graph/errors';
import { EVENT_STORE_SINCE, LEGACY_EVENT_LABEL, readSchemaState } from '../../graph/migrate';
import { nodes } from '../../graph/schema/nodes';
import { Label } from '../../graph/vocabulary';
import { readManifest } from '../../store/manifest';
import { AUTO } from '../autoSource';
import { TextFileWriter } from '../common/textFileWriter';
import { hashFile } from '../pipeline/hashFile';
import type { RejectsLog } from '../pipeline/rejectsLog';
import { runIngest, type IngestProgress, type IngestSummary } from '../pipeline/runIngest';

/**
 * Rebuilding a graph loaded by a version that kept every CloudTrail event in Neo4j (schema
 * version 2 and before): its events and findings are read out of the graph itself (each Event
 * node holds its whole record, secrets already redacted; each Finding its raw finding), the flow-
 * log files its ledger names are read again from where they were, and everything is loaded anew
 * into an emptied graph and the event store. The export is written to disk before anything is
 * deleted, and a rebuild that stops half-way continues from it when run again.
 */

export interface RebuildOptions {
  readonly graph: Graph;
  readonly storeDir: string;
  readonly rejects: RejectsLog;
  readonly onNote?: (message: string) => void;
  readonly onProgress?: (progress: IngestProgress) => void;
}

export interface RebuildSummary {
  readonly events: number;
  readonly findings: number;
  /** Flow-log files named by the old ledger and read again. */
  readonly flowFiles: number;
  /** Inputs of the old ledger that could not be read again (moved, changed, or in S3), with what to do. */
  readonly notReread: { readonly location: string; readonly why: string }[];
  readonly ingest: IngestSummary;
}

/** What the old graph held, written out (rebuild.json in the folder says how far a rebuild got). */
interface Exported {
  readonly state: 'exported';
  readonly events: number;
  readonly findings: number;
  readonly flowFiles: string[];
  readonly notReread: { location: string; why: string }[];
  readonly checkpoints: Record<string, unknown>[];
}

const BATCH = 5_000;

export async function rebuildGraph(options: RebuildOptions): Promise<RebuildSummary> {
  const { graph } = options;
  const note = options.onNote ?? (() => {});
  const folder = join(options.storeDir, 'rebuild');
  const stateFile = join(folder, 'rebuild.json');
  const before = await readSchemaState(graph);
  let exported: Exported;
  // A rebuild that wrote its export goes on from it, whatever state it left the graph in.
  if (existsSync(stateFile)) {
    exported = JSON.parse(readFileSync(stateFile, 'utf8')) as Exported;
    note(`continuing the rebuild from ${folder}`);
    if (before && before.version < EVENT_STORE_SINCE) await emptyGraph(graph);
  } else if (before && before.version < EVENT_STORE_SINCE) {
    if (readManifest(options.storeDir).segments.length > 0) {
      throw new TrailhoundError('STORE_MISMATCH', `The event store at ${options.storeDir} already holds events: the rebuild needs an empty one.`, 'Point --store at an empty folder (or move this one away), then run the rebuild again.');
    }
    mkdirSync(folder, { recursive: true });
    note(`reading the old graph's events, findings and ledger into ${folder}`);
    exported = await exportOldGraph(graph, folder, note);
    writeFileSync(stateFile, JSON.stringify(exported));
    note('emptying the old graph (its schema too)');
    await emptyGraph(graph);
  } else {
    throw new TrailhoundError(
      'NOTHING_TO_REBUILD',
      before ? `This graph is already on the event store design (schema version ${before.version}): there is nothing to rebuild.` : 'This graph is empty: there is nothing to rebuild.',
      'Load logs with: npx trailhound ingest <paths>',
    );
  }

  const paths = [join(folder, 'events.jsonl'), join(folder, 'findings.jsonl'), ...exported.flowFiles].filter((p) => existsSync(p));
  const ingest = await runIngest({
    source: AUTO,
    paths,
    graph,
    storeDir: options.storeDir,
    rejects: options.rejects,
    command: 'rebuild',
    onNote: note,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  // Pulls from AWS APIs continue where the old graph's had got to.
  for (const checkpoint of exported.checkpoints) {
    await graph.run(`MERGE (c:${n(Label.PullCheckpoint)} {${n(nodes.PullCheckpoint.key)}: $props.name}) SET c += $props`, { props: integers(checkpoint) });
  }
  // The export is the only copy of what the old graph held: kept while anything was not loaded.
  if (ingest.failedFiles.length === 0 && ingest.rejected === 0) rmSync(folder, { recursive: true, force: true });
  else note(`kept ${folder}: some of it was not loaded (see the rejects file)`);
  return { events: exported.events, findings: exported.findings, flowFiles: exported.flowFiles.length, notReread: exported.notReread, ingest };
}

/** Streams the old graph's events and findings to JSON Lines, and lists its ledger's flow-log files. */
async function exportOldGraph(graph: Graph, folder: string, note: (message: string) => void): Promise<Exported> {
  const events = await writeLines(
    join(folder, 'events.jsonl'),
    // The record as the old version stored it: raw (everything but the request and the response) and the two apart.
    graph.stream<unknown[]>(`MATCH (e:${n(LEGACY_EVENT_LABEL)}) RETURN [e.raw, e.requestParameters, e.responseElements]`, {}, { batchSize: BATCH }),
    ([raw, request, response]) => {
      const record = parseObject(raw);
      if (!record) return null;
      const req = parseValue(request);
      const res = parseValue(response);
      return JSON.stringify({ ...record, ...(req !== undefined ? { requestParameters: req } : {}), ...(res !== undefined ? { responseElements: res } : {}) });
    },
    (count) => note(`events read from the old graph: ${count.toLocaleString('en-US')}`),
  );
  const findings = await writeLines(
    join(folder, 'findings.jsonl'),
    graph.stream<unknown[]>(`MATCH (f:${n(Label.Finding)}) WHERE f.raw IS NOT NULL RETURN [f.raw]`, {}, { batchSize: BATCH }),
    ([raw]) => (parseObject(raw) ? String(raw) : null),
    () => {},
  );
  const ledger = await graph.read<{ location: string; source: string; key: string }>(
    `MATCH (o:${n(Label.IngestedObject)}) WHERE o.source = 'vpcflow' RETURN o.location AS location, o.source AS source, o.${n(nodes.IngestedObject.key)} AS key`,
  );
  const flowFiles: string[] = [];
  const notReread: { location: string; why: string }[] = [];
  // Parts of flow-log files that were never loaded whole (cut short): their file is not in the
  // ledger, so they are named here ("<file> lines a-b").
  const whole = new Set(ledger.records.map((r) => r.get('location')));
  const parts = await graph.read<{ location: string }>(`MATCH (o:${n(Label.IngestedObject)}) WHERE o.source = 'vpcflow-part' RETURN DISTINCT o.location AS location`);
  for (const file of new Set(parts.records.map((r) => r.get('location').replace(/ lines \d+-\d+$/, '')))) {
    if (!whole.has(file)) notReread.push({ location: file, why: 'loaded in part only (the file was cut short): ingest a complete copy' });
  }
  for (const r of ledger.records) {
    const location = r.get('location');
    const key = r.get('key');
    if (location.startsWith('s3://')) {
      notReread.push({ location, why: `in S3: ingest it again with npx trailhound ingest vpcflow ${location}` });
    } else if (!existsSync(location)) {
      notReread.push({ location, why: 'no longer there: ingest it again from where it is now' });
    } else if ((await hashFile(location, statSync(location).size)) !== key) {
      notReread.push({ location, why: 'changed since it was loaded: ingest the version you want' });
    } else {
      flowFiles.push(location);
    }
  }
  const checkpoints = (await graph.read(`MATCH (c:${n(Label.PullCheckpoint)}) RETURN properties(c) AS props`)).records.map((r) => r.get('props') as Record<string, unknown>);
  return { state: 'exported', events, findings, flowFiles, notReread, checkpoints };
}

/** Deletes every node, constraint and index: the old schema's (Event, FLOW keys) would otherwise stay. */
async function emptyGraph(graph: Graph): Promise<void> {
  await graph.run('MATCH (x) CALL (x) { DETACH DELETE x } IN TRANSACTIONS OF 10000 ROWS');
  for (const r of (await graph.read('SHOW CONSTRAINTS YIELD name RETURN name')).records) await graph.run(`DROP CONSTRAINT ${n(r.get('name') as string)} IF EXISTS`);
  for (const r of (await graph.read("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name")).records) await graph.run(`DROP INDEX ${n(r.get('name') as string)} IF EXISTS`);
}

async function writeLines(path: string, rows: AsyncIterable<unknown[][]>, line: (row: unknown[]) => string | null, progress: (count: number) => void): Promise<number> {
  const out = new TextFileWriter(path);
  let count = 0;
  try {
    for await (const batch of rows) {
      let text = '';
      for (const row of batch) {
        const value = line(row);
        if (value === null) continue;
        text += `${value}\n`;
        count += 1;
      }
      await out.write(text);
      progress(count);
    }
  } finally {
    await out.close();
  }
  return count;
}

function parseValue(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseObject(text: unknown): Record<string, unknown> | null {
  const value = parseValue(text);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** A checkpoint's whole numbers as Neo4j integers again. */
function integers(props: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, typeof v === 'number' && Number.isInteger(v) ? cypherInt(v) : v]));
}
