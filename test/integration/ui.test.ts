import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/driver';
import { DEMO_END } from '../../demo/prepare';
import { ATTACKER } from '../../demo/incident/story';
import { GITHUB_OIDC } from '../../demo/cloudtrail/world';
import { writeScenario, type ScenarioManifest } from '../../demo/scenario';
import { AUTO } from '../../ingest/autoSource';
import { RejectsLog } from '../../ingest/pipeline/rejectsLog';
import { runIngest } from '../../ingest/pipeline/runIngest';
import { startServer, type RunningServer } from '../../server/start';
import { launchBrowser } from '../support/browser';
import { connectTestGraph, openTestStore, TEST_STORE_DIR, wipeGraph } from '../support/testGraph';
import type { EventStore } from '../../store/eventStore';
import { buildWebIfMissing } from '../support/webBuild';

const XSS_AGENT = '<img src=x onerror="window.__xss=1">';
const HOSTILE = join(import.meta.dirname, '..', 'fixtures', 'hostile', 'cloudtrail-hostile.json');
const XSS_USER = 'arn:aws:iam::111122223333:user/xss-probe';

/**
 * The UI in a real headless Chromium, against the real server and Neo4j loaded with the demo
 * incident (and one hostile record): open a finding, expand, brush the time, open a timeline
 * and export it, and show attacker-controlled text as text.
 */
describe('the investigation UI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trailhound-ui-'));
  let graph: Graph;
  let server: RunningServer;
  let events: EventStore;
  let manifest: ScenarioManifest;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    await buildWebIfMissing();
    manifest = await writeScenario({ dir: join(dir, 'scenario'), seed: 42, events: 1500, flowLines: 4000, days: 7, end: DEMO_END });
    writeFileSync(join(dir, 'hostile.json'), JSON.stringify({ Records: [hostileEvent()] }));
    graph = await connectTestGraph();
    await wipeGraph(graph);
    const rejects = new RejectsLog(join(dir, 'rejects.jsonl'));
    const summary = await runIngest({ source: AUTO, paths: [join(dir, 'scenario', 'logs'), join(dir, 'hostile.json')], graph, storeDir: TEST_STORE_DIR, rejects });
    expect(summary.rejected).toBe(0);
    // The hostile corpus: deceptive text (and three records that reject themselves).
    const hostile = await runIngest({ source: AUTO, paths: [HOSTILE], graph, storeDir: TEST_STORE_DIR, rejects: new RejectsLog(join(dir, 'hostile-rejects.jsonl')) });
    expect(hostile).toMatchObject({ read: 12, rejected: 3 });
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

  it('lists the findings, most severe first, and opens one as a graph', async () => {
    await page.goto(server.url);
    await page.waitForSelector('.finding-row');
    const first = await page.locator('.finding-row').first().getAttribute('data-finding');
    expect([manifest.cast.findingIds.exfiltration, manifest.cast.findingIds.c2]).toContain(first);

    // Narrowed by a type prefix, sorted by a column header (in the URL, like everything else).
    const all = await page.locator('.finding-row').count();
    await page.getByLabel('Type prefix').fill('Backdoor:');
    await page.getByLabel('Type prefix').press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('type')).toBe('Backdoor:');
    const types = () => page.locator('.finding-row td:nth-child(2)').allTextContents();
    await expect.poll(async () => (await types()).length > 0 && (await types()).every((t) => t.startsWith('Backdoor:'))).toBe(true);
    expect((await types()).length).toBeLessThan(all);
    await page.getByRole('button', { name: 'Last seen' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('eventLastSeen');
    await page.getByLabel('Type prefix').fill('');
    await page.getByLabel('Type prefix').press('Enter');
    await expect.poll(() => page.locator('.finding-row').count()).toBe(all);
    await page.click(`.finding-row[data-finding="${manifest.cast.findingIds.exfiltration}"]`);
    const ids = await graphNodes(page, 5);
    expect(ids).toContain(`Finding:${manifest.cast.findingIds.exfiltration}`);
    expect(ids).toContain(`S3Bucket:${manifest.cast.bucket}`);
    expect(ids).toContain(`RoleSession:${manifest.cast.chainedSession}`);
    expect(new URL(page.url()).searchParams.get('root')).toBe(`Finding:${manifest.cast.findingIds.exfiltration}`);
    await expect.poll(() => page.locator('.entity-panel h2').textContent()).toContain('Exfiltration:S3/AnomalousBehavior');
  });

  it('expands a node on double-click, and the URL reproduces the expanded view', async () => {
    const before = await graphNodes(page, 5);
    const carol = `IamUser:${manifest.cast.victim.arn}`;
    const leakedKey = `AccessKey:${manifest.cast.victim.accessKeyId}`;
    expect(before).toContain(carol);
    expect(before).not.toContain(leakedKey);
    await doubleClickNode(page, carol);
    await expect.poll(() => new URL(page.url()).searchParams.get('exp')).toBe(carol);
    await expect.poll(async () => graphNodes(page, 1)).toContain(leakedKey);
    const after = await graphNodes(page, 1);
    expect(after.length).toBeGreaterThan(before.length);

    const copy = await browser.browser.newPage();
    await copy.goto(page.url());
    await expect.poll(async () => (await graphNodes(copy, 5)).sort()).toEqual([...after].sort());
    await copy.close();
    // The first page was behind the copy: in front again, as a user would have it (a page in the
    // background may have its timers and frames throttled).
    await page.bringToFront();

    // A click on an edge opens the events behind it: carol's calls from the attacker's address.
    // The point is found again before each try: the expanded layout may still be moving (a busy
    // CI machine once clicked where the edge had been).
    let tried = 'nothing tried';
    try {
      await expect
        .poll(async () => {
          const edge = await edgeClickPoint(page, carol, `IpAddress:${ATTACKER.keyUse.ip}`);
          if (edge) await page.mouse.click(edge.x, edge.y);
          const shown = new URL(page.url()).searchParams.get('tlip');
          if (shown !== ATTACKER.keyUse.ip) tried = `clicked ${JSON.stringify(edge)}; ${await describeEdge(page, carol, `IpAddress:${ATTACKER.keyUse.ip}`)}; url ${page.url()}`;
          return shown;
        })
        .toBe(ATTACKER.keyUse.ip);
    } catch (error) {
      throw new Error(`the edge's events did not open (last try: ${tried})`, { cause: error });
    }
    expect(new URL(page.url()).searchParams.get('tl')).toBe(carol);
  });

  it('expands an aggregate node on click', async () => {
    await page.goto(`${server.url}/?root=${encodeURIComponent(`Finding:${manifest.cast.findingIds.c2}`)}`);
    const ids = await graphNodes(page, 3);
    const aggregate = ids.find((id) => id.startsWith('aggregate:'));
    expect(aggregate, `aggregates in ${ids.join(', ')}`).toBeDefined();
    const count = await page.evaluate((id) => (window.__trailhoundGraph!.getElementById(id).data('aggregate') as { count: number }).count, aggregate!);
    await clickNode(page, aggregate!);
    await expect.poll(() => new URL(page.url()).searchParams.get('exp')).toBe(aggregate);
    await expect.poll(async () => (await graphNodes(page, 1)).length).toBeGreaterThanOrEqual(ids.length - 1 + Math.min(count, 500));
    expect(await graphNodes(page, 1)).not.toContain(aggregate);
    expect(await graphNodes(page, 1)).toContain(`IpAddress:${ATTACKER.c2.ip}`);

    // The zoom keys do what the zoom buttons say.
    const zoom = () => page.evaluate(() => window.__trailhoundGraph!.zoom());
    const before = await zoom();
    await page.keyboard.press('+');
    await expect.poll(zoom).toBeGreaterThan(before);
    await page.keyboard.press('-');
    await expect.poll(zoom).toBeCloseTo(before, 5);

    // The link reproduces it: the aggregate expanded from the URL, without its stale edge.
    const copy = await browser.browser.newPage();
    const expanded = await graphNodes(page, 1);
    await copy.goto(page.url());
    await expect.poll(async () => (await graphNodes(copy, 3)).sort()).toEqual([...expanded].sort());
    await copy.close();
  });

  it("brushes a principal's activity to set the scope time of the view", async () => {
    const carol = `IamUser:${manifest.cast.victim.arn}`;
    await page.goto(`${server.url}/?root=${encodeURIComponent(carol)}`);
    await graphNodes(page, 2);
    const histogram = page.getByTestId('histogram');
    await histogram.waitFor();
    // Her whole history is inside the default scope: nothing to compare with, so nothing is "new".
    await page.locator('.no-baseline').waitFor();
    expect(await page.locator('.entity-panel .new').count()).toBe(0);
    const box = (await histogram.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.98, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).not.toBeNull();
    const url = new URL(page.url());
    const from = Date.parse(url.searchParams.get('from')!);
    const to = Date.parse(url.searchParams.get('to')!);
    expect(to).toBeGreaterThan(from);
    await expect.poll(() => page.locator('.scope').textContent()).toContain(new Date(from).toISOString().slice(0, 10));

    // Narrowed to the later days, what came before is the baseline: the attacker's address is new.
    await expect.poll(() => page.locator('.no-baseline').count()).toBe(0);
    await expect.poll(() => page.locator('.items li', { hasText: ATTACKER.keyUse.ip }).locator('.new').count()).toBe(1);

    // The totals (of the profile in the brushed scope, now shown) open exactly the calls they count.
    const calls = page.locator('.entity-panel h3 button', { hasText: / calls$/ });
    await expect.poll(async () => Number((await calls.textContent())?.replace(/[^\d]/g, ''))).toBeGreaterThan(0);
    const total = (await calls.textContent())!.replace(/ calls$/, '');
    await calls.click();
    await expect.poll(async () => (await page.locator('.timeline-panel footer').textContent())?.trim()).toBe(`${total} events`);
    await page.locator('.timeline-panel button[aria-label="Close the timeline"]').click();

    // Drill down from an address in her profile to her calls from it: exactly the calls the
    // profile counted (her own over the link's whole span; her sessions also called from there).
    const item = page.locator('.items li', { hasText: ATTACKER.keyUse.ip });
    const counted = Number((await item.locator('.num').textContent())!.replace(/[^\d]/g, ''));
    expect(counted).toBeGreaterThan(0);
    await item.locator('button.events').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('tlip')).toBe(ATTACKER.keyUse.ip);
    expect(new URL(page.url()).searchParams.get('tlown')).toBe('1');
    await expect.poll(async () => (await page.locator('.timeline-panel footer').textContent())?.trim()).toBe(`${counted.toLocaleString('en-US')} events`);
    await page.locator('.timeline-body .timeline-row').first().waitFor();
    const addresses = await page.locator('.timeline-body .timeline-row > span:nth-child(4)').allTextContents();
    expect(addresses.length).toBeGreaterThan(0);
    expect(new Set(addresses)).toEqual(new Set([ATTACKER.keyUse.ip]));

    // Escape closes the timeline (nothing is selected).
    await page.keyboard.press('Escape');
    await expect.poll(() => new URL(page.url()).searchParams.get('tl')).toBeNull();
    // A resource in a session's profile: the calls that session made naming it, as many as counted.
    const chained = `RoleSession:${manifest.cast.chainedSession}`;
    await page.goto(`${server.url}/?root=${encodeURIComponent(`Finding:${manifest.cast.findingIds.exfiltration}`)}&sel=${encodeURIComponent(chained)}`);
    const bucket = page.locator('.items li', { hasText: manifest.cast.bucket });
    await bucket.waitFor();
    const accessed = Number((await bucket.locator('.num').textContent())!.replace(/[^\d]/g, ''));
    expect(accessed).toBeGreaterThanOrEqual(240);
    await bucket.locator('button.events').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('tlby')).toBe(chained);
    expect(new URL(page.url()).searchParams.get('tl')).toBe(`S3Bucket:${manifest.cast.bucket}`);
    await expect.poll(async () => (await page.locator('.timeline-panel footer').textContent())?.trim()).toBe(`${accessed.toLocaleString('en-US')} events`);
  });

  it("opens a principal's timeline with its sessions' calls, filters it and exports it", async () => {
    const carol = `IamUser:${manifest.cast.victim.arn}`;
    await page.goto(`${server.url}/?root=${encodeURIComponent(carol)}&tl=${encodeURIComponent(carol)}&tlapi=GetObject`);
    const rows = page.locator('.timeline-body .timeline-row');
    await rows.first().waitFor();
    // The 240 reads of the incident, and her sessions' everyday reads.
    await expect.poll(async () => Number((await page.locator('.timeline-panel footer').textContent())?.match(/^([\d,]+) events$/)?.[1]?.replace(/,/g, ''))).toBeGreaterThanOrEqual(240);
    const total = Number((await page.locator('.timeline-panel footer').textContent())!.match(/^([\d,]+)/)![1]!.replace(/,/g, ''));
    expect(await page.locator('.timeline-body .timeline-row.in-session').count()).toBeGreaterThan(0);
    // Virtualised: 240 events, far fewer rows in the DOM.
    expect(await rows.count()).toBeLessThan(total);
    expect(await rows.count()).toBeLessThan(100);

    await rows.first().click();
    await expect.poll(() => page.getByTestId('raw-event').textContent()).toContain('"eventName": "GetObject"');

    // Any service can be typed in, not only those of the rows loaded so far.
    await page.getByLabel('Service').fill('sts.amazonaws.com');
    await page.getByLabel('Service').press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('tlsvc')).toBe('sts.amazonaws.com');
    await expect.poll(async () => (await page.locator('.timeline-panel footer').textContent())?.trim()).toBe('0 events');
    await page.getByLabel('Service').fill('');
    await expect.poll(() => new URL(page.url()).searchParams.get('tlsvc')).toBeNull();
    await expect.poll(async () => (await page.locator('.timeline-panel footer').textContent())?.trim()).toBe(`${total.toLocaleString('en-US')} events`);

    const downloaded = async (format: string) => {
      const download = page.waitForEvent('download');
      await page.locator('.exports a', { hasText: format }).click();
      return readFileSync((await (await download).path())!, 'utf8').trim().split('\n');
    };
    const lines = await downloaded('CSV');
    expect(lines[0]).toMatch(/^time,type,action,/);
    expect(lines).toHaveLength(total + 1);
    expect(lines.slice(1).every((l) => l.includes('"GetObject"'))).toBe(true);

    // The same events for Timesketch (JSON Lines, microsecond timestamps) and as OCSF API Activity.
    const sketch = (await downloaded('Timesketch')).map((l) => JSON.parse(l) as { message: string; datetime: string; timestamp: number; timestamp_desc: string });
    expect(sketch).toHaveLength(total);
    expect(sketch.every((e) => e.message.includes('GetObject') && e.timestamp === Date.parse(e.datetime) * 1000 && e.timestamp_desc.length > 0)).toBe(true);
    const ocsf = (await downloaded('OCSF')).map((l) => JSON.parse(l) as { class_uid: number; api: { operation: string } });
    expect(ocsf).toHaveLength(total);
    expect(ocsf.every((e) => e.class_uid === 6003 && e.api.operation === 'GetObject')).toBe(true);
  });

  it('selects, pins, hides, undoes and highlights a path, every step in the URL', async () => {
    const exfiltration = `Finding:${manifest.cast.findingIds.exfiltration}`;
    const carol = `IamUser:${manifest.cast.victim.arn}`;
    const bucket = `S3Bucket:${manifest.cast.bucket}`;
    await page.goto(`${server.url}/?root=${encodeURIComponent(exfiltration)}`);
    await graphNodes(page, 5);
    const params = () => new URL(page.url()).searchParams;

    // A click selects; a shift-click adds to the selection.
    await clickNode(page, carol);
    await expect.poll(() => params().get('sel')).toBe(carol);
    await page.keyboard.down('Shift');
    await clickNode(page, bucket);
    await page.keyboard.up('Shift');
    await expect.poll(() => params().get('sel')?.split('\n').sort()).toEqual([bucket, carol].sort());

    // The path between the two: highlighted on the canvas, and in a copied link.
    await page.getByRole('button', { name: 'Path', exact: true }).click();
    await expect.poll(() => params().get('path')?.split('\n')).toEqual([carol, bucket]);
    await expect.poll(() => page.locator('.notice').textContent()).toMatch(/Path of \d+ hop\(s\) highlighted/);
    const onPath = (p: Page) => p.evaluate(() => window.__trailhoundGraph!.nodes('.on-path').map((n) => n.id()).sort());
    await expect.poll(() => onPath(page)).toEqual(expect.arrayContaining([bucket, carol]));
    const copy = await browser.browser.newPage();
    await copy.goto(page.url());
    await graphNodes(copy, 5);
    await expect.poll(() => onPath(copy)).toEqual(await onPath(page));
    await copy.close();

    // Pinned: carol stays where she is while the rest is laid out again.
    await page.keyboard.press('Escape');
    await clickNode(page, carol);
    await expect.poll(() => params().get('sel')).toBe(carol);
    await page.keyboard.press('p');
    await expect.poll(() => params().get('pin')).toBe(carol);
    const position = (id: string) => page.evaluate((nodeId) => window.__trailhoundGraph!.getElementById(nodeId).position(), id);
    await expect.poll(() => page.evaluate((id) => window.__trailhoundGraph!.getElementById(id).locked(), carol)).toBe(true);
    const pinnedAt = await position(carol);
    const bucketAt = await position(bucket);
    await page.getByLabel('Layout').selectOption('concentric');
    await expect.poll(() => params().get('layout')).toBe('concentric');
    await expect.poll(async () => JSON.stringify(await position(bucket))).not.toBe(JSON.stringify(bucketAt));
    expect(await position(carol)).toEqual(pinnedAt);

    // Hidden, then back with Undo (and the URL with it).
    await page.keyboard.press('Escape');
    await clickNode(page, bucket);
    await expect.poll(() => params().get('sel')).toBe(bucket);
    const rootAt = await position(exfiltration);
    await page.getByRole('button', { name: 'Hide', exact: true }).click();
    await expect.poll(() => params().get('hide')).toBe(bucket);
    expect(await graphNodes(page, 1)).not.toContain(bucket);
    // Hiding moves nothing else: the picture stays as the investigator left it.
    expect(await position(exfiltration)).toEqual(rootAt);
    await expect.poll(() => page.getByRole('button', { name: 'Show 1 hidden' }).count()).toBe(1);
    await page.keyboard.press('u');
    await expect.poll(() => params().get('hide')).toBeNull();
    await expect.poll(() => graphNodes(page, 1)).toContain(bucket);

    // The legend draws each kind as the graph does: its shape, colour and icon.
    await page.getByRole('button', { name: 'Legend' }).click();
    expect(await page.locator('.legend svg.kind-icon[aria-label="S3 bucket"]').count()).toBe(1);
    expect(await page.locator('.legend svg.kind-icon').count()).toBeGreaterThan(10);

    // The theme switches the page and the canvas, and is remembered.
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const labelColour = () => page.evaluate((id) => window.__trailhoundGraph!.getElementById(id).style('color'), carol);
    const before = { theme: await theme(), colour: await labelColour() };
    await page.locator('button.theme').click();
    await expect.poll(theme).not.toBe(before.theme);
    await expect.poll(labelColour).not.toBe(before.colour);
    await page.reload();
    await graphNodes(page, 5);
    expect(await theme()).not.toBe(before.theme);
    await page.locator('button.theme').click();
    await expect.poll(theme).toBe(before.theme);
  });

  it("shows a principal's sessions as a tree, and as a chain laid out left to right", async () => {
    const carol = `IamUser:${manifest.cast.victim.arn}`;
    const admin = `RoleSession:${manifest.cast.adminSession}`;
    const chained = `RoleSession:${manifest.cast.chainedSession}`;
    await page.goto(`${server.url}/?root=${encodeURIComponent(carol)}`);
    await graphNodes(page, 2);
    // The chained session sits under the admin session that started it.
    const tree = page.locator('.role-chain');
    await tree.locator(`li[data-entity="${chained}"]`).waitFor();
    expect(await tree.locator(`li[data-entity="${admin}"] li[data-entity="${chained}"]`).count()).toBe(1);

    await tree.getByRole('button', { name: 'Show as a graph' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('view')).toBe('chain');
    expect(new URL(page.url()).searchParams.get('layout')).toBeNull();
    expect(await page.getByLabel('Layout').inputValue()).toBe('dagre');
    await expect.poll(() => graphNodes(page, 3)).toEqual(expect.arrayContaining([carol, admin, chained]));
    // Left to right, in the order they were started; nothing but principals and their roles.
    const x = (id: string) => page.evaluate((nodeId) => window.__trailhoundGraph!.getElementById(nodeId).position().x, id);
    await expect.poll(async () => (await x(carol)) < (await x(admin)) && (await x(admin)) < (await x(chained))).toBe(true);
    const kinds = await page.evaluate(() => [...new Set(window.__trailhoundGraph!.nodes().map((n) => n.data('kind') as string))].sort());
    expect(kinds).toEqual(['IamRole', 'IamUser', 'RoleSession']);

    // From a session, its starters above it; back to the neighbourhood with one click.
    await page.goto(`${server.url}/?root=${encodeURIComponent(chained)}`);
    const startedBy = page.locator('.role-chain .started-by li');
    await expect.poll(() => startedBy.allTextContents()).toEqual([expect.stringContaining('carol'), expect.stringMatching(/^Admin\/carol-/), expect.stringContaining('(this)')]);
    await page.getByRole('button', { name: 'Role chain' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('view')).toBe('chain');
    await expect.poll(() => graphNodes(page, 3)).toEqual(expect.arrayContaining([carol, admin, chained]));
    await page.getByRole('button', { name: 'Neighbourhood' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('view')).toBeNull();
    await expect.poll(async () => (await graphNodes(page, 2)).some((id) => id.startsWith('IpAddress:'))).toBe(true);
    // A CI pipeline starts a session per job: the quiet ones stand behind one node, a click brings them all.
    const pipeline = `FederatedUser:WebIdentityUser:${GITHUB_OIDC}:repo:acme/webapp:ref:refs/heads/main`;
    await page.goto(`${server.url}/?root=${encodeURIComponent(pipeline)}&view=chain`);
    const ids = await graphNodes(page, 3);
    const aggregate = ids.find((id) => id.startsWith('aggregate:'));
    expect(aggregate, ids.join(', ')).toBeDefined();
    const sessions = async () => (await graphNodes(page, 1)).filter((id) => id.startsWith('RoleSession:')).length;
    const shown = await sessions();
    const grouped = await page.evaluate((id) => (window.__trailhoundGraph!.getElementById(id).data('aggregate') as { count: number }).count, aggregate!);
    await clickNode(page, aggregate!);
    await expect.poll(() => new URL(page.url()).searchParams.get('exp')).toBe(aggregate);
    await expect.poll(sessions).toBe(shown + grouped);
    expect(await graphNodes(page, 1)).not.toContain(aggregate);
  });

  it('profiles a finding, its instance and the address it called: what it is about, traffic by port, location', async () => {
    const c2 = `Finding:${manifest.cast.findingIds.c2}`;
    const instance = `Ec2Instance:${manifest.cast.instance.instanceId}`;
    await page.goto(`${server.url}/?root=${encodeURIComponent(c2)}`);
    await graphNodes(page, 3);
    // Its scope time (its sightings, a day either side) is on the toolbar though none was chosen.
    await page.locator('.scope.implicit').waitFor();
    // The finding's panel: the instance it is about, the address its action names, the raw finding.
    const panel = page.locator('.entity-panel');
    await panel.locator('section', { hasText: 'About' }).getByRole('button', { name: manifest.cast.instance.instanceId }).waitFor();
    await panel.locator('section', { hasText: 'Involves' }).getByRole('button', { name: ATTACKER.c2.ip }).waitFor();
    await panel.getByText('Raw finding').click();
    await expect.poll(() => page.getByTestId('raw-finding').textContent()).toContain(`"id": "${manifest.cast.findingIds.c2}"`);

    // The address: where it is, and the instance's connections to it on the C2 port.
    await page.goto(`${server.url}/?root=${encodeURIComponent(c2)}&sel=${encodeURIComponent(`IpAddress:${ATTACKER.c2.ip}`)}`);
    await panel.locator('section', { hasText: 'Location' }).waitFor();
    expect(await panel.locator('section', { hasText: 'Location' }).textContent()).toContain(`AS${ATTACKER.c2.asn}`);
    const flows = panel.locator('table.flows tbody tr');
    await flows.first().waitFor();
    expect(await flows.allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^← in${ATTACKER.c2Port}/TCPACCEPT`))]));

    // The instance: its interface and addresses, and its traffic.
    await page.goto(`${server.url}/?root=${encodeURIComponent(c2)}&sel=${encodeURIComponent(instance)}`);
    await panel.locator('section', { hasText: 'Interfaces' }).getByRole('button', { name: manifest.cast.instance.interfaceId }).waitFor();
    await panel.locator('section', { hasText: 'Traffic' }).waitFor();
    expect(await panel.locator('section', { hasText: 'Traffic' }).textContent()).toMatch(/out, .* in over \d+ hours?/);
  });

  it('asks for the access token of a server that has one, then works with it', async () => {
    const guarded = await startServer({ graph, events, host: '127.0.0.1', port: 0, version: 'test', token: 'a-long-random-test-token' });
    const tab = await browser.browser.newPage();
    try {
      await tab.goto(guarded.url);
      await tab.getByLabel('Access token').fill('a-long-random-test-token');
      await tab.getByRole('button', { name: 'Use token' }).click();
      await tab.waitForSelector('.finding-row');
      expect(await tab.locator('.finding-row').count()).toBe(manifest.counts.findings);
    } finally {
      await tab.close();
      await guarded.close();
    }
  });

  it('searches with kind prefixes: Enter takes the first result, even before it has come; a click elsewhere closes the list', async () => {
    await page.goto(server.url);
    await page.waitForSelector('.finding-row');
    const box = page.getByLabel('Search entities');
    await box.fill('user:car');
    await page.locator('.search-results li', { hasText: 'carol' }).first().waitFor();
    expect(await box.getAttribute('aria-expanded')).toBe('true');
    await page.mouse.click(5, 400);
    await expect.poll(() => page.locator('.search-results').count()).toBe(0);

    // A type prefix and a partial key find what a ticket or a screenshot names.
    await box.fill('finding:Backdoor');
    await box.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('root') ?? '').toMatch(/^Finding:/);
    await expect.poll(() => page.locator('.entity-panel h2').textContent()).toMatch(/^Backdoor:/);
    await box.fill(`key:${manifest.cast.victim.accessKeyId.slice(0, 10)}`);
    await page.locator('.search-results li', { hasText: manifest.cast.victim.accessKeyId }).first().waitFor();
  });

  it('takes a click for what is under it after the canvas moved on the page without changing size', async () => {
    const exfiltration = `Finding:${manifest.cast.findingIds.exfiltration}`;
    const carol = `IamUser:${manifest.cast.victim.arn}`;
    const bucket = `S3Bucket:${manifest.cast.bucket}`;
    await page.goto(`${server.url}/?root=${encodeURIComponent(exfiltration)}`);
    await graphNodes(page, 5);
    const selected = () => new URL(page.url()).searchParams.get('sel');
    await clickNode(page, carol);
    await expect.poll(selected).toBe(carol);
    // The panel the selection opened has settled, and the pointer has moved over the canvas since:
    // Cytoscape has read where its canvas is.
    await page.waitForTimeout(1000);
    const p = await nodePosition(page, carol);
    await page.mouse.move(p.x + 5, p.y + 5);
    await page.mouse.move(p.x, p.y);
    // Moved, at the same size: no resize, scroll or transition, the changes Cytoscape watches for.
    // By twice the node's drawn width, towards the middle of the canvas, so that it stays in view.
    const shift = await page.evaluate((id) => {
      const cy = window.__trailhoundGraph!;
      const node = cy.getElementById(id);
      const dx = Math.ceil(2 * node.renderedWidth()) * (node.renderedPosition().x > cy.width() / 2 ? -1 : 1);
      document.querySelector<HTMLElement>('.cy')!.style.transform = `translateX(${dx}px)`;
      return dx;
    }, bucket);
    expect(Math.abs(shift)).toBeGreaterThan(0);
    await clickNode(page, bucket);
    await expect.poll(selected).toBe(bucket);
    await page.evaluate(() => (document.querySelector<HTMLElement>('.cy')!.style.transform = ''));
  });

  it('investigates a principal in its panel, groups findings beside the table, and counts indicators on finding rows', async () => {
    const ids = manifest.cast.findingIds;
    await page.goto(server.url);
    // The leaked key's finding row counts the indicators of the key it is about.
    const count = page.locator(`.finding-row[data-finding="${ids.maliciousIp}"] .indicator-count`);
    await expect.poll(async () => Number(await count.getAttribute('data-indicators'))).toBeGreaterThan(0);

    // Finding groups beside the table: the leaked-key findings as one story, ranked first.
    await page.getByRole('button', { name: 'Finding groups' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('findings')).toBe('groups');
    const first = page.locator('.finding-group').first();
    await expect.poll(() => first.textContent()).toContain('UnauthorizedAccess:IAMUser/MaliciousIPCaller');
    expect(await first.textContent()).toContain('Exfiltration:S3/AnomalousBehavior');
    expect(await first.locator('.summary').textContent()).toContain('carol');
    await first.getByRole('button', { name: 'Merged timeline' }).click();
    await expect.poll(() => first.locator('.merged-timeline tr').count()).toBeGreaterThan(10);
    expect(await first.locator('.merged-timeline .timeline-finding').count()).toBeGreaterThanOrEqual(4);

    // Carol's investigation: the backdoor user's persistence, expandable to its explanation and events.
    const carol = `IamUser:${manifest.cast.victim.arn}`;
    await page.goto(`${server.url}/?root=${encodeURIComponent(carol)}&sel=${encodeURIComponent(carol)}`);
    const persistence = page.locator('.investigation li[data-indicator="technique"]').filter({ hasText: 'CreateAccessKey' });
    await expect.poll(() => persistence.count()).toBe(1);
    await persistence.locator('summary').click();
    expect(await persistence.textContent()).toContain('T1098.001');
    expect(await persistence.textContent()).toContain('svc-backup-sync');
    await persistence.getByRole('button', { name: /^Show the \d+ events?$/ }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('tlapi')).toBe('CreateAccessKey');
    await expect.poll(() => page.locator('[data-testid="timeline"] .timeline-row').count()).toBeGreaterThan(0);
    // Each involved entity is a click into the graph.
    await persistence.getByRole('button', { name: 'svc-backup-sync' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('root')).toBe(`IamUser:${manifest.cast.backdoorUserArn}`);
    expect(errors).toEqual([]);
  });

  it('runs a read-only Cypher query in the console: a table whose entities open their investigation, and a write refused with its reason', async () => {
    const carol = `IamUser:${manifest.cast.victim.arn}`;
    const nodesBefore = (await graph.read('MATCH (n) RETURN count(n) AS n')).records[0]!.get('n') as number;
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Cypher' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.has('cypher')).toBe(true);
    const editor = page.getByLabel('Cypher query');
    await editor.fill(`MATCH (u:IamUser {principalKey: '${manifest.cast.victim.arn}'})-[r:CALLED_FROM]->(ip:IpAddress) RETURN u, u.userName AS name, r, ip LIMIT 5`);
    await page.getByRole('button', { name: 'Run' }).click();
    await page.waitForSelector('.console-table');
    await expect.poll(() => page.locator('.console-table tbody td').nth(1).textContent()).toBe('carol');
    expect(new URL(page.url()).searchParams.get('cypher')).toContain('RETURN u, u.userName AS name');
    // Its nodes and relationships, drawn: carol, the addresses she called from, and the edges between.
    const drawn = () => page.evaluate(() => ({ nodes: window.__trailhoundGraph?.nodes().map((n) => n.id()) ?? [], edges: window.__trailhoundGraph?.edges().map((e) => e.data('kind') as string) ?? [] }));
    await expect.poll(async () => (await drawn()).nodes).toContain(carol);
    const graphShown = await drawn();
    expect(graphShown.nodes.some((id) => id.startsWith('IpAddress:'))).toBe(true);
    expect(graphShown.edges.length).toBeGreaterThan(0);
    expect(new Set(graphShown.edges)).toEqual(new Set(['CALLED_FROM']));

    // A write is refused before it runs, and says why; the graph is as it was.
    await editor.fill('MATCH (n) DETACH DELETE n');
    await editor.press('Control+Enter');
    await expect.poll(() => page.locator('[data-code="QUERY_REFUSED"]').textContent()).toContain('DETACH is not allowed: the console only reads');
    expect((await graph.read('MATCH (n) RETURN count(n) AS n')).records[0]!.get('n')).toBe(nodesBefore);

    // A row cap the answer states.
    await editor.fill('UNWIND range(1, 600) AS i RETURN i');
    await editor.press('Control+Enter');
    await expect.poll(() => page.locator('.console-truncated').textContent()).toContain('only the first 500');

    // An entity in a row opens its investigation.
    await editor.fill(`MATCH (u:IamUser {principalKey: '${manifest.cast.victim.arn}'}) RETURN u`);
    await editor.press('Control+Enter');
    await page.locator(`.console-table [data-entity="${carol}"]`).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('root')).toBe(carol);
    expect(new URL(page.url()).searchParams.has('cypher')).toBe(false);
  });

  it('shows attacker-controlled text as text and runs none of it', async () => {
    await page.goto(server.url);
    await page.getByLabel('Search entities').fill('user:xss-probe');
    await page.locator('.search-results li', { hasText: 'xss-probe' }).first().click();
    await expect.poll(() => new URL(page.url()).searchParams.get('root')).toBe(`IamUser:${XSS_USER}`);
    await page.getByText(XSS_AGENT, { exact: true }).first().waitFor();
    await page.locator('.entity-panel button', { hasText: 'Timeline' }).click();
    await page.locator('.timeline-body .timeline-row').first().click();
    await expect.poll(() => page.getByTestId('raw-event').textContent()).toContain(XSS_AGENT.replace(/"/g, '\\"'));
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('shows invisible and direction-changing characters as markers, flags the value, and keeps the exact string for programs', async () => {
    // A user name with zero-width characters: found by search, shown with markers everywhere.
    const hiddenUser = 'arn:aws:iam::900138736586:user/ad\u200Bmin\u200D';
    await page.goto(server.url);
    await page.getByLabel('Search entities').fill('user:ad');
    const result = page.locator('.search-results li', { hasText: 'ad⟨U+200B⟩min⟨U+200D⟩' }).first();
    await result.waitFor();
    await result.click();
    // The key itself is exact: the URL names the real principal, and the graph opens on it.
    await expect.poll(() => new URL(page.url()).searchParams.get('root')).toBe(`IamUser:${hiddenUser}`);
    const heading = page.locator('.profile h2 .hidden-chars');
    await heading.waitFor();
    expect(await heading.getAttribute('data-hidden-chars')).toBe('U+200B U+200D');
    expect(await heading.getAttribute('title')).toContain('U+200B zero width space');
    expect(await page.locator('.profile h2').innerText()).toContain('ad⟨U+200B⟩min⟨U+200D⟩');
    const labels = await page.evaluate(() => window.__trailhoundGraph!.nodes().map((n) => String(n.data('label'))));
    expect(labels.some((l) => l.includes('⟨U+200B⟩'))).toBe(true);

    // A right-to-left override in a user agent: never applied, in the profile, the canvas or the raw event.
    const christophe = 'IamUser:arn:aws:iam::900138736586:user/christophe';
    await page.goto(`${server.url}/?root=${encodeURIComponent(christophe)}`);
    await page.locator('.profile .hidden-chars', { hasText: 'ユーザー⟨U+202E⟩exe.txt' }).first().waitFor();
    const bidiFree = () => page.evaluate(() => !/[\u202A-\u202E\u2066-\u2069\u200B-\u200F]/.test(document.body.innerText));
    expect(await bidiFree()).toBe(true);
    const canvas = await page.evaluate(() => window.__trailhoundGraph!.nodes().map((n) => String(n.data('label'))));
    expect(canvas.some((l) => /[\u202A-\u202E\u2066-\u2069]/.test(l))).toBe(false);
    expect(canvas.some((l) => l.includes('⟨U+202E⟩'))).toBe(true);
    await page.locator('.entity-panel button', { hasText: 'Timeline' }).click();
    await page.locator('.timeline-row[data-event="66666666-0000-4000-8000-000000000003"]').click();
    await expect.poll(() => page.getByTestId('raw-event').innerText()).toContain('ユーザー⟨U+202E⟩exe.txt');
    // The bell and escape of a terminal trick: the raw record is JSON, which writes them escaped.
    await page.locator('.raw-event button[aria-label="Close"]').click();
    await page.locator('.timeline-row[data-event="66666666-0000-4000-8000-000000000006"]').click();
    await expect.poll(() => page.getByTestId('raw-event').innerText()).toContain('line\\u0007bell\\u001b[31mred');
    expect(await bidiFree()).toBe(true);

    // What a program reads keeps the exact string: the API's event and the JSON export.
    const event = (await (await fetch(`${server.url}/api/events/66666666-0000-4000-8000-000000000003`)).json()) as { record: { userAgent: string } };
    expect(event.record.userAgent).toBe('ユーザー\u202Eexe.txt');
    const csv = await (await fetch(`${server.url}/api/export/timeline?entity=${encodeURIComponent(christophe)}&format=csv`)).text();
    expect(csv).toContain('ユーザー⟨U+202E⟩exe.txt');
    expect(csv).not.toMatch(/[\u202A-\u202E]/);
    const json = await (await fetch(`${server.url}/api/export/timeline?entity=${encodeURIComponent(christophe)}&format=json`)).text();
    expect(json).toContain('ユーザー\u202Eexe.txt');
    expect(errors).toEqual([]);
  });

  it('keeps a case: opens one, pins a finding, a principal and an event in one click, judges them, takes a safe Markdown note, archives the finding, saves the view and exports the report', async () => {
    const exfiltration = `Finding:${manifest.cast.findingIds.exfiltration}`;
    const carol = `IamUser:${manifest.cast.victim.arn}`;
    const params = () => new URL(page.url()).searchParams;
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Case', exact: true }).click();
    await page.getByLabel('New case title').fill("Carol's leaked key");
    await page.getByRole('button', { name: 'Open a case' }).click();
    await expect.poll(() => params().get('case')).toMatch(/^case-[0-9a-f]{8}$/);
    const caseId = params().get('case')!;
    await page.locator('.case-sidebar h2', { hasText: "Carol's leaked key" }).waitFor();
    await page.getByLabel('Case owner').fill('alice');
    await page.getByLabel('Case owner').blur();

    // A finding, pinned from its row in one click (the row does not open).
    await page.locator(`.finding-row[data-finding="${manifest.cast.findingIds.exfiltration}"] .pin-to-case`).click();
    await page.locator(`.case-pin[data-pin="${exfiltration}"]`).waitFor();
    expect(params().get('root')).toBeNull();

    // A principal, pinned from its panel; judged malicious in the sidebar: its node wears the verdict.
    await page.goto(`${server.url}/?root=${encodeURIComponent(carol)}&case=${caseId}&cases=1`);
    await graphNodes(page, 2);
    await page.locator('.entity-panel .pin-to-case').click();
    await page.locator(`.case-pin[data-pin="${carol}"]`).waitFor();
    await page.locator(`.case-pin[data-pin="${carol}"] select`).selectOption('malicious');
    await expect.poll(() => page.locator('.entity-panel .pin-to-case').getAttribute('data-pinned')).toBe('malicious');
    await expect.poll(() => page.evaluate((id) => window.__trailhoundGraph?.getElementById(id).classes() ?? [], carol)).toEqual(expect.arrayContaining(['in-case', 'case-malicious']));
    const pinNote = page.locator(`.case-pin[data-pin="${carol}"] textarea`);
    await pinNote.fill('Her key was used from the attacker address');
    await pinNote.blur();

    // Nodes selected in the graph, pinned with C (an address she called from).
    const address = (await graphNodes(page, 2)).find((id) => id.startsWith('IpAddress:'))!;
    await clickNode(page, address);
    await expect.poll(() => params().get('sel')).toBe(address);
    await page.keyboard.press('c');
    await page.locator(`.case-pin[data-pin="${address}"]`).waitFor();
    await expect.poll(() => page.evaluate((id) => window.__trailhoundGraph?.getElementById(id).classes() ?? [], address)).toEqual(expect.arrayContaining(['in-case', 'case-undecided']));
    await page.keyboard.press('Escape');

    // An event, pinned from her timeline.
    await page.locator('.entity-panel button', { hasText: 'Timeline' }).click();
    const row = page.locator('.timeline-body .timeline-row').first();
    await row.waitFor();
    const eventId = (await row.getAttribute('data-event'))!;
    await row.locator('.pin-to-case').click();
    await page.locator(`.case-pin[data-pin="${eventId}"]`).waitFor();
    expect(await page.locator('[data-testid="raw-event"]').count()).toBe(0);

    // A note in Markdown: formatted, and nothing in it runs or loads.
    await page.getByLabel('New note').fill('**Contained** at 10:02 <img src=x onerror="window.__xss=2"> [bad](javascript:window.__xss=3) [runbook](https://example.com/rb)\n\n- key revoked');
    await page.getByRole('button', { name: 'Add note' }).click();
    const note = page.locator('.case-note').first();
    await note.locator('strong', { hasText: 'Contained' }).waitFor();
    expect(await note.locator('img').count()).toBe(0);
    expect(await note.locator('li').count()).toBe(1);
    expect(await note.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['https://example.com/rb']);
    expect(await note.innerText()).toContain('<img src=x onerror="window.__xss=2">');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

    // The finding archived with a reason: kept in the case's log; the view saved in the case.
    await page.goto(`${server.url}/?root=${encodeURIComponent(exfiltration)}&case=${caseId}&cases=1`);
    await page.getByRole('button', { name: 'Archive in case…' }).click();
    await page.getByLabel('Reason').fill('Handled as incident IR-12');
    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    await page.locator('[data-triage="archived"]').waitFor();
    await expect.poll(() => page.evaluate((id) => window.__trailhoundGraph?.getElementById(id).hasClass('in-case'), exfiltration)).toBe(true);
    await page.getByLabel('Name of the view to save').fill('Exfiltration blast radius');
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.locator('.case-views .link', { hasText: 'Exfiltration blast radius' }).waitFor();

    // Archived: gone from the findings list, badged when archived findings are shown.
    const exfiltrationRow = `.finding-row[data-finding="${manifest.cast.findingIds.exfiltration}"]`;
    await page.goto(`${server.url}/?archived=1&case=${caseId}&cases=1`);
    await expect.poll(() => page.locator(`${exfiltrationRow} .archived-badge`).getAttribute('title')).toContain('Handled as incident IR-12');
    await page.goto(`${server.url}/?case=${caseId}&cases=1`);
    await page.locator('.finding-row').first().waitFor();
    expect(await page.locator(exfiltrationRow).count()).toBe(0);

    // A console query saved in the case, and opened again from it.
    await page.getByRole('button', { name: 'Cypher' }).click();
    const editor = page.getByLabel('Cypher query');
    await editor.fill('MATCH (k:AccessKey) RETURN k.accessKeyId AS key LIMIT 3');
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByLabel('Name of the query to save').fill('Access keys');
    await page.getByRole('button', { name: 'Save query' }).click();
    const saved = page.locator('.case-sidebar .case-views .link', { hasText: 'Access keys' });
    await saved.waitFor();
    await editor.fill('RETURN 1');
    await page.getByRole('button', { name: 'Run' }).click();
    await saved.click();
    await expect.poll(() => editor.inputValue()).toBe('MATCH (k:AccessKey) RETURN k.accessKeyId AS key LIMIT 3');

    // The case page: the report, and its Markdown download.
    await page.getByRole('button', { name: 'Report' }).click();
    const report = page.locator('.case-report');
    await report.locator('h1', { hasText: "Case: Carol's leaked key" }).waitFor();
    await report.locator('h3', { hasText: 'Malicious' }).waitFor();
    expect(await report.locator('table tbody tr').count()).toBeGreaterThan(0);
    expect(await report.innerText()).toContain('Handled as incident IR-12');
    expect(await page.locator('.case-log li').count()).toBeGreaterThanOrEqual(8);
    const download = page.waitForEvent('download');
    await page.locator('.case-page .exports a', { hasText: 'Markdown' }).click();
    const markdown = readFileSync((await (await download).path())!, 'utf8');
    expect(markdown).toContain("# Case: Carol's leaked key");
    expect(markdown).toContain('owner alice');
    expect(markdown).toContain('Her key was used from the attacker address');
    expect(markdown).toContain(`\`${carol}\``);
    expect(markdown).toContain('**Contained** at 10:02 &lt;img');

    // Unarchived again, for the other tests of this file.
    await graph.run('MATCH (t:FindingTriage) DETACH DELETE t');
    expect(errors).toEqual([]);
  });
});

/** The ids of the nodes on the canvas, once at least `min` are there. */
async function graphNodes(page: Page, min: number): Promise<string[]> {
  await page.waitForFunction((n) => (window.__trailhoundGraph?.nodes().length ?? 0) >= n, min, { timeout: 30_000 });
  return page.evaluate(() => window.__trailhoundGraph!.nodes().map((n) => n.id()));
}

async function nodePosition(page: Page, id: string): Promise<{ x: number; y: number }> {
  return page.evaluate((nodeId) => {
    const cy = window.__trailhoundGraph!;
    const node = cy.getElementById(nodeId);
    if (node.empty()) throw new Error(`no node ${nodeId}`);
    const box = cy.container()!.getBoundingClientRect();
    const p = node.renderedPosition();
    return { x: box.left + p.x, y: box.top + p.y };
  }, id);
}

async function doubleClickNode(page: Page, id: string): Promise<void> {
  const p = await nodePosition(page, id);
  await page.mouse.dblclick(p.x, p.y);
}

/**
 * A point on the edge that a click hits: the force layout is random, so the midpoint may lie
 * under another node or edge. Cytoscape's own hit test picks the point, as a click would.
 */
async function edgeClickPoint(page: Page, from: string, to: string): Promise<{ x: number; y: number } | null> {
  return page.evaluate(
    ([source, target]) => {
      const cy = window.__trailhoundGraph!;
      const edge = cy.edges().filter((x) => x.source().id() === source && x.target().id() === target)[0];
      if (!edge) return null;
      const hitTest = (cy as unknown as { renderer(): { findNearestElement(x: number, y: number, interactive: boolean, touch: boolean): { id(): string } | null } }).renderer();
      const a = edge.source().position();
      const b = edge.target().position();
      const box = cy.container()!.getBoundingClientRect();
      // The edge's own rendered midpoint first (a curved edge, when several join the same two
      // nodes, passes beside the straight line), then points along the straight line.
      const mid = (edge as unknown as { midpoint(): { x: number; y: number } }).midpoint();
      const along = [0.5, 0.4, 0.6, 0.3, 0.7, 0.35, 0.65, 0.25, 0.75, 0.45, 0.55].map((t) => ({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t }));
      for (const model of [mid, ...along]) {
        if (hitTest.findNearestElement(model.x, model.y, true, false)?.id() !== edge.id()) continue;
        return { x: box.left + model.x * cy.zoom() + cy.pan().x, y: box.top + model.y * cy.zoom() + cy.pan().y };
      }
      return null;
    },
    [from, to],
  );
}

/** What the page shows of an edge, for a failure's message. */
async function describeEdge(page: Page, from: string, to: string): Promise<string> {
  return page.evaluate(
    ([source, target]) => {
      const cy = window.__trailhoundGraph;
      if (!cy) return 'no graph on the page';
      const edges = cy.edges().filter((x) => (x.source().id() === source && x.target().id() === target) || (x.source().id() === target && x.target().id() === source));
      const hitTest = (cy as unknown as { renderer(): { findNearestElement(x: number, y: number, interactive: boolean, touch: boolean): { id(): string } | null } }).renderer();
      const seen = edges.map((e) => {
        const mid = (e as unknown as { midpoint(): { x: number; y: number } }).midpoint();
        return `${e.id()} visible=${e.visible()} at midpoint: ${hitTest.findNearestElement(mid.x, mid.y, true, false)?.id() ?? 'nothing'}`;
      });
      // Where Cytoscape believes its canvas is, against where it is: a difference sends clicks astray.
      const believed = (cy as unknown as { renderer(): { findContainerClientCoords(): number[] } }).renderer().findContainerClientCoords().map(Math.round);
      const rect = cy.container()!.getBoundingClientRect();
      const where = `canvas believed at ${believed.slice(0, 4).join(',')}, is at ${[rect.left, rect.top, rect.width, rect.height].map(Math.round).join(',')}`;
      return `${document.visibilityState}; ${cy.nodes().length} nodes, ${cy.edges().length} edges; ${where}; between them: ${seen.join(' | ') || 'no edge'}`;
    },
    [from, to],
  );
}

async function clickNode(page: Page, id: string): Promise<void> {
  const p = await nodePosition(page, id);
  await page.mouse.click(p.x, p.y);
}

function hostileEvent(): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', principalId: 'AIDAXSSXSSXSSXSSXSS1', arn: XSS_USER, accountId: '111122223333', accessKeyId: 'AKIAXSSXSSXSSXSSXSS1', userName: 'xss-probe' },
    eventTime: '2026-11-19T12:00:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'ListUsers',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.77',
    userAgent: XSS_AGENT,
    errorCode: 'AccessDenied',
    errorMessage: '<script>window.__xss=2</script>',
    requestParameters: { marker: '=HYPERLINK("http://evil.example","x")' },
    responseElements: null,
    requestID: 'b8c1a0f2-0000-4000-8000-000000000001',
    eventID: 'b8c1a0f2-0000-4000-8000-0000000000aa',
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
  };
}

