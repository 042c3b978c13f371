/**
 * Screenshots of the main views for the README, from a running demo:
 *   npx trailhound demo            (in another terminal)
 *   node bin/run-ts.js test/bench/uiScreenshots.ts [http://127.0.0.1:8080]
 * Writes docs/screenshots/*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DEMO_DEFAULTS, DEMO_END } from '../../demo/prepare';
import { stageScenario } from '../../demo/scenario';
import { launchBrowser } from '../support/browser';

const base = process.argv[2] ?? 'http://127.0.0.1:8080';
const out = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
const cast = stageScenario(DEMO_DEFAULTS.seed, DEMO_END).incident.cast;
const enc = encodeURIComponent;
const carol = `IamUser:${cast.victim.arn}`;

const { browser, close } = await launchBrowser({ width: 1440, height: 900 });
const page = await browser.newPage();
const settle = async (p: Page, min = 3) => {
  await p.waitForFunction((n) => (window.__trailhoundGraph?.nodes().length ?? 0) >= n, min, { timeout: 30_000 });
  await p.waitForTimeout(700);
};

await page.goto(`${base}/`);
await page.waitForSelector('.finding-row');
await page.screenshot({ path: join(out, 'findings.png') });

await page.goto(`${base}/?root=${enc(`Finding:${cast.findingIds.exfiltration}`)}&sel=${enc(carol)}`);
await settle(page);
await page.locator('.histogram').waitFor();
await page.waitForTimeout(500);
await page.screenshot({ path: join(out, 'investigation.png') });

await page.goto(`${base}/?root=${enc(carol)}&view=chain`);
await settle(page);
await page.locator('.role-chain').scrollIntoViewIfNeeded();
await page.waitForTimeout(500);
await page.screenshot({ path: join(out, 'role-chain.png') });

await page.goto(`${base}/?root=${enc(`Finding:${cast.findingIds.exfiltration}`)}&sel=${enc(carol)}&tl=${enc(carol)}&tlsvc=s3.amazonaws.com&tlro=1`);
await settle(page);
await page.locator('.timeline-body .timeline-row').first().waitFor();
await page.waitForTimeout(500);
await page.screenshot({ path: join(out, 'timeline.png') });

// Issue 18: carol's investigation (its first technique expanded), and the finding groups.
await page.goto(`${base}/?root=${enc(`Finding:${cast.findingIds.exfiltration}`)}&sel=${enc(carol)}`);
await settle(page);
const indicators = page.locator('section.investigation .indicators');
await indicators.waitFor();
await page.locator('section.investigation li[data-indicator="technique"] summary').first().click();
await indicators.scrollIntoViewIfNeeded();
await page.waitForTimeout(500);
await page.screenshot({ path: join(out, 'indicators.png') });

await page.goto(`${base}/?findings=groups`);
await page.locator('.finding-group').first().waitFor();
await page.locator('.finding-group').first().getByRole('button', { name: 'Merged timeline' }).click();
await page.locator('.merged-timeline').first().waitFor();
await page.waitForTimeout(300);
await page.screenshot({ path: join(out, 'finding-groups.png') });

// The Cypher console: carol and the addresses she called from, as a table and as a graph.
await page.goto(`${base}/?cypher=${enc(`MATCH (u:IamUser {principalKey: '${cast.victim.arn}'})-[r:CALLED_FROM]->(ip:IpAddress) RETURN u, u.userName AS name, r, ip LIMIT 5`)}`);
await page.getByRole('button', { name: 'Run' }).click();
await page.locator('.console-table').waitFor();
await settle(page, 2);
await page.screenshot({ path: join(out, 'cypher-console.png'), fullPage: true });

await page.evaluate(() => localStorage.setItem('trailhound.theme', 'dark'));
// A case: carol malicious, the exfiltration finding pinned, a note; the sidebar beside the graph, then the report.
const send = async (method: string, path: string, body: unknown) => (await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, string>>;
const opened = await send('POST', '/api/cases', { title: 'Carol: leaked key, exfiltration from S3', owner: 'alice' });
await send('POST', `/api/cases/${opened.caseId}/pins`, { kind: 'entity', ref: carol, verdict: 'malicious', note: 'Her access key was used from a Tor exit node' });
await send('POST', `/api/cases/${opened.caseId}/pins`, { kind: 'entity', ref: `Finding:${cast.findingIds.exfiltration}`, verdict: 'suspicious' });
await send('POST', `/api/cases/${opened.caseId}/notes`, { text: '**Contained** 10:02 UTC: key deactivated.\n\n- [x] revoke sessions\n- [ ] rotate the bucket policy' });
await page.goto(`${base}/?root=${enc(`Finding:${cast.findingIds.exfiltration}`)}&sel=${enc(carol)}&case=${opened.caseId}&cases=1`);
await settle(page);
await page.screenshot({ path: join(out, 'case-sidebar.png') });
await page.goto(`${base}/?case=${opened.caseId}&cases=1&casepage=1`);
await page.locator('.case-report h1').waitFor();
await page.waitForTimeout(500);
await page.screenshot({ path: join(out, 'case-report.png') });

await page.goto(`${base}/?root=${enc(`Finding:${cast.findingIds.c2}`)}&exp=${enc(`aggregate:IpAddress:${cast.instance.privateIp}:FLOW:in:IpAddress`)}`);
await settle(page);
await page.screenshot({ path: join(out, 'c2-dark.png') });
await close();
process.stderr.write(`screenshots in ${out}\n`);
