import { openEventStore } from '../../store/eventStore';
import { storeDirFrom } from '../../store/storeIdentity';
/**
 * UI benchmark (not a test): in headless Chromium, the time from navigation to an interactive
 * graph of 1,000+ nodes (target: at most 2 s), and the initial JavaScript size (target: at most
 * 400 KB gzipped). Loads a synthetic host with 600 distinct peers each way into NEO4J_URI
 * (default bolt://127.0.0.1:7687; a disposable database), then opens the view with both of its
 * aggregates expanded, five times.
 *   npm run build && node bin/run-ts.js test/bench/uiBenchmark.ts
 */
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { neo4jSettingsFromEnv } from '../../graph/config';
import { Graph } from '../../graph/driver';
import { AUTO } from '../../ingest/autoSource';
import { RejectsLog } from '../../ingest/pipeline/rejectsLog';
import { runIngest } from '../../ingest/pipeline/runIngest';
import { startServer } from '../../server/start';
import { launchBrowser } from '../support/browser';

const HOST = '10.9.0.10';
const PEERS = 600;
const RUNS = 5;

const dir = mkdtempSync(join(tmpdir(), 'trailhound-uibench-'));
const lines = ['version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'];
const start = Date.parse('2026-11-10T00:00:00Z') / 1000;
for (let i = 0; i < PEERS; i++) {
  const inbound = `10.50.${Math.floor(i / 250)}.${(i % 250) + 1}`;
  const outbound = `10.60.${Math.floor(i / 250)}.${(i % 250) + 1}`;
  lines.push(`2 999900001111 eni-0uibench00000001 ${inbound} ${HOST} ${40000 + i} 443 6 10 5000 ${start + i} ${start + i + 60} ACCEPT OK`);
  lines.push(`2 999900001111 eni-0uibench00000001 ${HOST} ${outbound} ${40000 + i} 5432 6 10 5000 ${start + i} ${start + i + 60} ACCEPT OK`);
}
writeFileSync(join(dir, 'uibench-flows.log'), `${lines.join('\n')}\n`);

const graph = await Graph.connect(neo4jSettingsFromEnv());
const storeDir = storeDirFrom(undefined);
await runIngest({ source: AUTO, paths: [dir], graph, storeDir, rejects: new RejectsLog(join(dir, 'rejects.jsonl')) });
const events = await openEventStore(graph, storeDir);
const server = await startServer({ graph, events, host: '127.0.0.1', port: 0, version: 'bench' });
const root = `IpAddress:${HOST}`;
const url = `${server.url}/?root=${encodeURIComponent(root)}&exp=${encodeURIComponent([`aggregate:${root}:FLOW:in:IpAddress`, `aggregate:${root}:FLOW:out:IpAddress`].join('\n'))}`;

const { browser, close } = await launchBrowser({ width: 1440, height: 900 });
const times: number[] = [];
const breakdown: { received: number; laidOut: number; interactive: number }[] = [];
let nodes = 0;
let renderer = '';
for (let run = 0; run < RUNS; run++) {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => (window.__trailhoundGraph?.nodes().length ?? 0) >= 1000, undefined, { timeout: 60_000 });
  // Interactive: laid out, and the next two frames painted (the page answers input again).
  const ms = await page.evaluate(
    () => new Promise<number>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())))),
  );
  nodes = await page.evaluate(() => window.__trailhoundGraph!.nodes().length);
  const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));
  breakdown.push({ received: marks['trailhound:graph-received']!, laidOut: marks['trailhound:layout-done']!, interactive: ms });
  renderer = (await page.locator('.renderer-note').count()) > 0 ? 'WebGL' : 'canvas';
  times.push(ms);
  await page.close();
}
await close();
await server.close();
await graph.close();

const assets = join(import.meta.dirname, '..', '..', 'web', 'dist', 'assets');
const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
const gzipped = js.reduce((sum, f) => sum + gzipSync(readFileSync(join(assets, f))).length, 0);
const raw = js.reduce((sum, f) => sum + readFileSync(join(assets, f)).length, 0);
const sorted = [...times].sort((a, b) => a - b);
const median = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);
process.stdout.write(
  `| measure | value |\n| --- | --- |\n` +
    `| nodes in the view | ${nodes.toLocaleString('en-US')} (${renderer} renderer) |\n` +
    `| navigation to interactive, median of ${RUNS} | ${Math.round(sorted[Math.floor(RUNS / 2)]!)} ms (runs: ${times.map((t) => Math.round(t)).join(', ')}) |\n` +
    `| of which: graph data received / laid out / first frames drawn (medians) | ${median(breakdown.map((b) => b.received))} ms / ${median(breakdown.map((b) => b.laidOut))} ms / ${median(breakdown.map((b) => b.interactive))} ms |\n` +
    `| initial JavaScript | ${(gzipped / 1024).toFixed(0)} KB gzipped (${(raw / 1024).toFixed(0)} KB raw) |\n`,
);
