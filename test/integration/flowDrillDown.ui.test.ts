import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/driver';
import { Rel } from '../../graph/vocabulary';
import { AUTO } from '../../ingest/autoSource';
import { RejectsLog } from '../../ingest/pipeline/rejectsLog';
import { runIngest } from '../../ingest/pipeline/runIngest';
import { startServer, type RunningServer } from '../../server/start';
import type { EventStore } from '../../store/eventStore';
import type { FlowRecord, FlowRecords } from '../../web/src/api/types';
import { endpoint, protocolName } from '../../web/src/graph/flowRecords';
import { launchBrowser } from '../support/browser';
import { connectTestGraph, openTestStore, TEST_STORE_DIR, wipeGraph } from '../support/testGraph';
import { buildWebIfMissing } from '../support/webBuild';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'vpcflow', 'incident-instance.valid.log');
const INSTANCE = '10.0.1.25';
const C2 = '203.0.113.66';
/** An interface id is free text in a flow log: this one is HTML, to be shown as text. */
const HOSTILE_ENI = '<img/src=x/onerror=window.__xss=1>';
const HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status instance-id';
const EXTRA = 254;

/**
 * More of the instance's traffic to its C2 server than one page shows (with a few rejected
 * connections, an ICMP echo and a GRE packet), logged by an interface whose id is markup.
 */
function moreTraffic(): string {
  const start = 1722517200; // 2024-08-01T13:00:00Z, after the fixture's records
  const lines = Array.from({ length: EXTRA - 2 }, (_, i) =>
    ['2', '444455556666', HOSTILE_ENI, INSTANCE, C2, 46000 + i, 4444, 6, 10 + i, 1000 + 7 * i, start + 60 * i, start + 60 * i + 59, i % 50 === 7 ? 'REJECT' : 'ACCEPT', 'OK', 'i-0a1b2c3d4e5f60718'].join(' '),
  );
  lines.push(`2 444455556666 eni-0f1e2d3c4b5a69788 ${INSTANCE} ${C2} 0 0 1 4 336 ${start + 30} ${start + 89} ACCEPT OK i-0a1b2c3d4e5f60718`);
  lines.push(`2 444455556666 eni-0f1e2d3c4b5a69788 ${INSTANCE} ${C2} 0 0 47 2 180 ${start + 45} ${start + 104} ACCEPT OK i-0a1b2c3d4e5f60718`);
  return `${HEADER}\n${lines.join('\n')}\n`;
}

/**
 * A click on a FLOW edge in a real headless Chromium opens the flow-log records behind it: all of
 * those it counts (as many as the edge says and as the API pages through), 100 a page, in the
 * URL (Back, Forward, a copied link), by keyboard, with the attacker's text as text.
 */
describe('drill-down from a FLOW edge to its flow records', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trailhound-flow-ui-'));
  let graph: Graph;
  let server: RunningServer;
  let events: EventStore;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    await buildWebIfMissing();
    writeFileSync(join(dir, 'more-c2-traffic.log'), moreTraffic());
    graph = await connectTestGraph();
    await wipeGraph(graph);
    const rejects = new RejectsLog(join(dir, 'rejects.jsonl'));
    const summary = await runIngest({ source: AUTO, paths: [FIXTURE, join(dir, 'more-c2-traffic.log')], graph, storeDir: TEST_STORE_DIR, rejects });
    expect(summary.rejected).toBe(0);
    events = await openTestStore(graph);
    server = await startServer({ graph, events, host: '127.0.0.1', port: 0, version: 'test' });
    browser = await launchBrowser();
    page = await browser.browser.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('dialog', (dialog) => {
      errors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await events?.close();
    await graph?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The FLOW edge from one address to another as the graph has it. */
  const flowEdge = async (src: string, dst: string) => {
    const result = await graph.read(`MATCH (:IpAddress {ip: $src})-[r:${Rel.FLOW}]->(:IpAddress {ip: $dst}) RETURN r.count AS count, r.bytes AS bytes, r.firstSeen AS firstSeen, r.lastSeen AS lastSeen`, { src, dst });
    expect(result.records, `${src} -FLOW-> ${dst}`).toHaveLength(1);
    const r = result.records[0]!;
    return { count: Number(r.get('count')), bytes: Number(r.get('bytes')), from: new Date(Number(r.get('firstSeen'))).toISOString(), to: new Date(Number(r.get('lastSeen'))).toISOString() };
  };

  /** Every record the API has behind the edge, over its span. */
  const apiRecords = async (src: string, dst: string, edge: { from: string; to: string }) => {
    const records: FlowRecord[] = [];
    for (;;) {
      const url = `${server.url}/api/flows?src=${src}&dst=${dst}&from=${edge.from}&to=${edge.to}&limit=1000&offset=${records.length}`;
      const body = (await (await fetch(url)).json()) as FlowRecords;
      records.push(...body.flows);
      if (body.flows.length === 0 || records.length >= body.total) return { records, total: body.total };
    }
  };

  it('lists exactly the records the edge counts, a page at a time, in the URL', async () => {
    const edge = await flowEdge(INSTANCE, C2);
    expect(edge.count).toBe(2 + EXTRA);
    const api = await apiRecords(INSTANCE, C2, edge);
    expect(api.total).toBe(edge.count);
    expect(api.records).toHaveLength(edge.count);

    await page.goto(`${server.url}/?root=${encodeURIComponent(`IpAddress:${C2}`)}`);
    await graphNodes(page, 2);
    await clickEdge(page, `IpAddress:${INSTANCE}`, `IpAddress:${C2}`);
    const params = () => new URL(page.url()).searchParams;
    await expect.poll(() => params().get('flsrc')).toBe(INSTANCE);
    expect(params().get('fldst')).toBe(C2);
    // Over the edge's own span: every record it counts, whatever the view's scope.
    expect(params().get('flfrom')).toBe(edge.from);
    expect(params().get('flto')).toBe(edge.to);
    // A click on a FLOW edge opens its records, not a timeline.
    expect(params().get('tl')).toBeNull();

    const panel = page.getByRole('region', { name: 'Flow records' });
    await expect.poll(() => panel.getByTestId('flow-total').textContent()).toBe(`${edge.count} records`);
    await expect.poll(() => panel.getByTestId('flow-range').textContent()).toBe(`1-100 of ${edge.count}`);
    expect(await panel.textContent()).toContain(`${edge.from.slice(0, 16).replace('T', ' ')} → ${edge.to.slice(0, 16).replace('T', ' ')}`);
    // The panel takes the keyboard: Tab reaches its pager.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Flow records');

    const shown: string[][] = [];
    const rows = () => panel.locator('table.flow-records tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const next = panel.getByRole('button', { name: 'Next' });
    const previous = panel.getByRole('button', { name: 'Previous' });
    expect(await previous.isDisabled()).toBe(true);
    for (const [i, range] of [`1-100 of ${edge.count}`, `101-200 of ${edge.count}`, `201-${edge.count} of ${edge.count}`].entries()) {
      await expect.poll(() => panel.getByTestId('flow-range').textContent()).toBe(range);
      await expect.poll(async () => (await rows()).length).toBe(i < 2 ? 100 : edge.count - 200);
      shown.push(...(await rows()));
      expect(params().get('floff')).toBe(i === 0 ? null : String(i * 100));
      // By keyboard: the pager is made of buttons.
      if (i < 2) {
        await next.focus();
        await page.keyboard.press('Enter');
      }
    }
    expect(await next.isDisabled()).toBe(true);

    // Exactly the records the edge counts, in the API's order, each as the API gives it.
    expect(shown).toHaveLength(edge.count);
    expect(shown).toEqual(
      api.records.map((f) => [
        f.start.replace('T', ' ').slice(0, 19),
        `${endpoint(f.src, f.srcPort, f.protocol)} → ${endpoint(f.dst, f.dstPort, f.protocol)}`,
        protocolName(f.protocol),
        f.action,
        f.packets.toLocaleString('en-US'),
        f.bytes.toLocaleString('en-US'),
        f.interfaceId ?? '',
      ]),
    );
    expect(shown.reduce((sum, row) => sum + Number(row[5]!.replace(/,/g, '')), 0)).toBe(edge.bytes);
    expect(new Set(shown.map((row) => row[2]))).toEqual(new Set(['tcp', 'icmp', '47']));
    expect(shown.filter((row) => row[3] === 'REJECT').length).toBe(5); // i = 7, 57, 107, 157, 207
    expect(shown).toContainEqual(expect.arrayContaining([`${INSTANCE} → ${C2}`, 'icmp']));

    await previous.click();
    await expect.poll(() => panel.getByTestId('flow-range').textContent()).toBe(`101-200 of ${edge.count}`);
    expect(params().get('floff')).toBe('100');

    // A copied link opens the same page of the same records.
    const copy = await browser.browser.newPage();
    await copy.goto(page.url());
    await expect.poll(() => copy.getByRole('region', { name: 'Flow records' }).getByTestId('flow-range').textContent()).toBe(`101-200 of ${edge.count}`);
    await copy.close();

    // Back returns to the graph without the records; Forward brings them back, on the same page.
    await page.goBack();
    await expect.poll(() => params().get('flsrc')).toBeNull();
    await expect.poll(() => panel.count()).toBe(0);
    await page.goForward();
    await expect.poll(() => panel.getByTestId('flow-range').textContent()).toBe(`101-200 of ${edge.count}`);

    // Closed by keyboard: its close button, or Escape.
    await panel.getByRole('button', { name: 'Close the flow records' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => params().get('flsrc')).toBeNull();
    await expect.poll(() => panel.count()).toBe(0);
  });

  it('lists the reply direction as its own edge, and Escape closes it', async () => {
    const edge = await flowEdge(C2, INSTANCE);
    expect(edge.count).toBe(1);
    await page.goto(`${server.url}/?root=${encodeURIComponent(`IpAddress:${C2}`)}`);
    await graphNodes(page, 2);
    await clickEdge(page, `IpAddress:${C2}`, `IpAddress:${INSTANCE}`);
    const panel = page.getByRole('region', { name: 'Flow records' });
    await expect.poll(() => panel.getByTestId('flow-range').textContent()).toBe('1-1 of 1');
    expect(await panel.getByTestId('flow-total').textContent()).toBe('1 record');
    expect(await panel.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    const cells = await panel.locator('table.flow-records tbody tr td').allTextContents();
    expect(cells).toEqual(['2024-08-01 11:00:00', `${C2}:4444 → ${INSTANCE}:45021`, 'tcp', 'ACCEPT', '110', '410,000', 'eni-0f1e2d3c4b5a69788']);
    // The click drilled down; it selected nothing (an edge has no profile to show).
    expect(new URL(page.url()).searchParams.get('sel')).toBeNull();
    expect(await page.locator('.entity-panel .state-error').count()).toBe(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => new URL(page.url()).searchParams.get('flsrc')).toBeNull();
  });

  it('shows the attacker-controlled interface id as text and runs none of it', async () => {
    const edge = await flowEdge(INSTANCE, C2);
    const link = `${server.url}/?root=${encodeURIComponent(`IpAddress:${C2}`)}&flsrc=${INSTANCE}&fldst=${C2}&flfrom=${edge.from}&flto=${edge.to}&floff=100`;
    await page.goto(link);
    const panel = page.getByRole('region', { name: 'Flow records' });
    await expect.poll(() => panel.getByTestId('flow-range').textContent()).toBe(`101-200 of ${edge.count}`);
    const interfaces = await panel.locator('table.flow-records tbody tr td:last-child').allTextContents();
    expect(interfaces).toContain(HOSTILE_ENI);
    expect(await panel.getByText(HOSTILE_ENI, { exact: true }).count()).toBeGreaterThan(0);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(errors).toEqual([]);
  });
});

/** The ids of the nodes on the canvas, once at least `min` are there. */
async function graphNodes(page: Page, min: number): Promise<string[]> {
  await page.waitForFunction((n) => (window.__trailhoundGraph?.nodes().length ?? 0) >= n, min, { timeout: 30_000 });
  return page.evaluate(() => window.__trailhoundGraph!.nodes().map((n) => n.id()));
}

/**
 * Clicks the edge from one node to another where a click hits it: on its own curve (two edges
 * between the same nodes bow apart), at a point Cytoscape's hit test gives to that edge.
 */
async function clickEdge(page: Page, from: string, to: string): Promise<void> {
  await page.waitForFunction(([source, target]) => (window.__trailhoundGraph?.edges().filter((e) => e.source().id() === source && e.target().id() === target).length ?? 0) > 0, [from, to], { timeout: 30_000 });
  // The layout animates: wait until the nodes are still.
  let last = '';
  await expect
    .poll(async () => {
      const now = await page.evaluate(() => JSON.stringify(window.__trailhoundGraph!.nodes().map((n) => n.position())));
      const still = now === last;
      last = now;
      return still;
    })
    .toBe(true);
  const point = await page.evaluate(
    ([source, target]) => {
      const cy = window.__trailhoundGraph!;
      const edge = cy.edges().filter((x) => x.source().id() === source && x.target().id() === target)[0]!;
      const hitTest = (cy as unknown as { renderer(): { findNearestElement(x: number, y: number, interactive: boolean, touch: boolean): { id(): string } | null } }).renderer();
      const box = cy.container()!.getBoundingClientRect();
      const a = edge.sourceEndpoint();
      const b = edge.targetEndpoint();
      const mid = edge.midpoint();
      // Along the curve: the midpoint, then points between it and either end.
      for (const t of [0, 0.2, -0.2, 0.4, -0.4]) {
        const end = t < 0 ? a : b;
        const model = { x: mid.x + (end.x - mid.x) * Math.abs(t), y: mid.y + (end.y - mid.y) * Math.abs(t) };
        if (hitTest.findNearestElement(model.x, model.y, true, false)?.id() !== edge.id()) continue;
        return { x: box.left + model.x * cy.zoom() + cy.pan().x, y: box.top + model.y * cy.zoom() + cy.pan().y };
      }
      return null;
    },
    [from, to],
  );
  if (point) await page.mouse.click(point.x, point.y);
  // Nowhere to click it alone (drawn under a node or another edge): tap it as a click would.
  else await page.evaluate(([source, target]) => window.__trailhoundGraph!.edges().filter((x) => x.source().id() === source && x.target().id() === target)[0]!.emit('tap'), [from, to]);
}
