import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopLocalNeo4j } from '../../db/localNeo4j';
import { Graph } from '../../graph/driver';
import { Label, Rel } from '../../graph/vocabulary';
import { ATTACKER } from '../../demo/incident/story';
import type { ScenarioManifest } from '../../demo/scenario';
import { readManifest } from '../../store/manifest';
import { GITHUB_OIDC } from '../../demo/cloudtrail/world';
import { FindingGroupDetailSchema, FindingGroupsSchema, GraphViewSchema, InvestigationSchema, PathsSchema, ProfileSchema, RoleChainSchema, TimelinePageSchema } from '../../server/schemas';
import { getJson, getStatus } from '../support/api';
import { freePort } from '../support/freePort';
import { runCli } from '../support/runCli';
import { validateOcsf } from '../support/validateOcsf';

const BIN = fileURLToPath(new URL('../../bin/trailhound.js', import.meta.url));
const enc = encodeURIComponent;
// Small enough for CI, large enough for weeks of background around the incident.
const SIZE = ['--events', '2500', '--flow-lines', '8000', '--days', '10'];

/**
 * `trailhound demo` as a new user runs it: no NEO4J_URI, so it starts its own Neo4j, writes the
 * scenario's files, loads them with the real ingest and serves the API.
 */
describe('trailhound demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trailhound-demo-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['NEO4J_URI', 'TRAILHOUND_PORT', 'TRAILHOUND_HOST', 'TRAILHOUND_TOKEN']) delete env[name];
  let dbPort = 0;
  let demo: ChildProcess | null = null;
  let demoOutput = '';
  let base = '';
  let manifest: ScenarioManifest;

  beforeAll(async () => {
    dbPort = await freePort();
    demo = spawn(process.execPath, [BIN, 'demo', '--dir', dir, ...SIZE, '--port', '0', '--db-port', String(dbPort)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    base = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        demoOutput += chunk.toString();
        const served = /serving the demo on (http:\/\/\S+) /.exec(demoOutput);
        if (served) resolve(served[1]!);
      };
      demo!.stdout!.on('data', onData);
      demo!.stderr!.on('data', onData);
      demo!.once('exit', (code) => reject(new Error(`demo exited (${code}) before serving:\n${demoOutput}`)));
    });
    manifest = JSON.parse(readFileSync(join(dir, 'scenario', 'scenario.json'), 'utf8')) as ScenarioManifest;
  });

  afterAll(async () => {
    if (demo && demo.exitCode === null) {
      const exited = new Promise((resolve) => demo!.once('exit', resolve));
      demo.kill('SIGINT');
      await exited;
    }
    await stopLocalNeo4j(join(dir, 'neo4j'));
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads every generated file with zero rejects, from all three sources', async () => {
    expect(demoOutput).toMatch(/Detected: [\d,]+ cloudtrail, [\d,]+ guardduty, [\d,]+ vpcflow\./);
    expect(demoOutput).toMatch(/, 0 rejected /);
    // And the files on their own pass the parsers (a dry run reads them without the database).
    const check = await runCli(['ingest', join(dir, 'scenario', 'logs'), '--dry-run', '--json', '--rejects', join(dir, 'check.jsonl')], env);
    const summary = JSON.parse(check.stdout) as { rejected: number; failedFiles: unknown[]; read: number; filesBySource: Record<string, number> };
    expect(check.code).toBe(0);
    expect(summary.rejected).toBe(0);
    expect(summary.failedFiles).toEqual([]);
    expect(summary.read).toBe(manifest.counts.cloudTrailEvents + manifest.counts.flowRecords + 2 * manifest.counts.findings);
    expect(Object.keys(summary.filesBySource).sort()).toEqual(['cloudtrail', 'guardduty', 'vpcflow']);
  });

  it("traces the leaked key's owner through the role chain to the bucket reads", async () => {
    const owner = manifest.cast.victim.arn;
    const events: { eventName: string | null; principal: { id: string } | null; inSession: boolean; sourceIp: string | null }[] = [];
    let cursor: string | null = null;
    do {
      const page: { events: typeof events; nextCursor: string | null } = await getJson(base, `/api/entities/IamUser/${enc(owner)}/timeline?limit=500${cursor ? `&cursor=${enc(cursor)}` : ''}`, TimelinePageSchema);
      events.push(...page.events);
      cursor = page.nextCursor;
    } while (cursor);
    const chainedReads = events.filter((e) => e.eventName === 'GetObject' && e.principal?.id === `RoleSession:${manifest.cast.chainedSession}`);
    expect(chainedReads).toHaveLength(240);
    expect(chainedReads.every((e) => e.inSession && e.sourceIp === ATTACKER.keyUse.ip)).toBe(true);
    // Her own calls from the attacker's address, and the two AssumeRole calls of the chain.
    expect(events.some((e) => e.eventName === 'GetCallerIdentity' && !e.inSession && e.sourceIp === ATTACKER.keyUse.ip)).toBe(true);
    expect(events.filter((e) => e.eventName === 'AssumeRole' && e.sourceIp === ATTACKER.keyUse.ip)).toHaveLength(2);
  });

  it("draws the role chain: carol's admin session, the session chained from it, the roles they run as, and who started each", async () => {
    const carol = `${Label.IamUser}:${manifest.cast.victim.arn}`;
    const admin = `${Label.RoleSession}:${manifest.cast.adminSession}`;
    const chained = `${Label.RoleSession}:${manifest.cast.chainedSession}`;
    const down = await getJson(base, `/api/entities/IamUser/${enc(manifest.cast.victim.arn)}/role-chain`, RoleChainSchema);
    const assumed = (view: typeof down) => view.edges.filter((e) => e.kind === Rel.ASSUMED).map((e) => `${e.source} -> ${e.target}`);
    expect(assumed(down)).toEqual(expect.arrayContaining([`${carol} -> ${admin}`, `${admin} -> ${chained}`]));
    expect(down.edges.filter((e) => e.kind === Rel.SESSION_OF).map((e) => e.source)).toEqual(expect.arrayContaining([admin, chained]));
    const sessions = down.nodes.filter((n) => n.kind === Label.RoleSession);
    expect(down.sessions).toEqual({ total: sessions.length, shown: sessions.length });
    expect(down.truncated.nodeLimitReached).toBe(false);
    // The chained session is what the exfiltration finding is about: its marker comes along.
    expect(down.nodes.find((n) => n.id === chained)?.findings?.count).toBeGreaterThan(0);

    // From the chained session: who started it, up to the user whose key started it all.
    const up = await getJson(base, `/api/entities/RoleSession/${enc(manifest.cast.chainedSession)}/role-chain`, RoleChainSchema);
    expect(assumed(up)).toEqual(expect.arrayContaining([`${carol} -> ${admin}`, `${admin} -> ${chained}`]));
    expect(up.sessions.total).toBe(0);

    // A CI pipeline starts a session per job: the limit shows the most recently started, and says so.
    const pipeline = `WebIdentityUser:${GITHUB_OIDC}:repo:acme/webapp:ref:refs/heads/main`;
    const all = await getJson(base, `/api/entities/FederatedUser/${enc(pipeline)}/role-chain?limit=2000`, RoleChainSchema);
    expect(all.sessions.total).toBeGreaterThan(3);
    const few = await getJson(base, `/api/entities/FederatedUser/${enc(pipeline)}/role-chain?limit=3`, RoleChainSchema);
    expect(few.sessions).toEqual({ total: all.sessions.total, shown: 3 });
    expect(few.truncated.nodeLimitReached).toBe(true);
    const started = (view: typeof all) => view.edges.filter((e) => e.kind === Rel.ASSUMED).map((e) => e.firstSeen!).sort().reverse();
    expect(started(few)).toEqual(started(all).slice(0, 3));
    // The scope time narrows it to the sessions started in it.
    const oldest = started(all).at(-1)!;
    const first = await getJson(base, `/api/entities/FederatedUser/${enc(pipeline)}/role-chain?to=${enc(oldest)}`, RoleChainSchema);
    expect(first.sessions.total).toBe(started(all).filter((t) => t === oldest).length);
  });

  it('has CI pipelines in the background: GitHub Actions jobs assume the deploy role through OIDC and work in its sessions', async () => {
    const pipeline = `WebIdentityUser:${GITHUB_OIDC}:repo:acme/webapp:ref:refs/heads/main`;
    const trail = await getJson(base, `/api/entities/FederatedUser/${enc(pipeline)}/timeline?limit=1000`, TimelinePageSchema);
    const own = trail.events.filter((e) => !e.inSession);
    const inSessions = trail.events.filter((e) => e.inSession);
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((e) => e.eventName === 'AssumeRoleWithWebIdentity')).toBe(true);
    expect(inSessions.length).toBeGreaterThan(0);
    expect(inSessions.every((e) => e.principal?.kind === Label.RoleSession && /^ci-deploy\/GitHubActions-\d+$/.test(e.principal.label))).toBe(true);
  });

  it("reaches the C2 address from the instance's finding", async () => {
    const view = await getJson(base, `/api/findings/${manifest.cast.findingIds.c2}/blast-radius`, GraphViewSchema);
    const ids = view.nodes.map((n) => n.id);
    expect(ids).toContain(`Ec2Instance:${manifest.cast.instance.instanceId}`);
    expect(ids).toContain(`IpAddress:${ATTACKER.c2.ip}`);
    // Reached through the flow logs too, not only through the finding's own action block: the
    // instance's address talked to the C2 address on the C2 port.
    const beacons = view.edges.filter((e) => e.kind === Rel.FLOW && e.source === `IpAddress:${manifest.cast.instance.privateIp}` && e.target === `IpAddress:${ATTACKER.c2.ip}`);
    expect(beacons.length).toBeGreaterThan(0);
    expect(beacons.some((e) => (e.properties.ports as string[] | undefined)?.includes(`${ATTACKER.c2Port}/tcp ACCEPT`))).toBe(true);
  });

  it("shows the attacker's country, network and user agent as newly observed for the key's owner, and her usual ones not", async () => {
    const from = manifest.cast.startedAt;
    const to = new Date(Date.parse(from) + 2 * 24 * 3_600_000).toISOString();
    const profile = await getJson(base, `/api/entities/IamUser/${enc(manifest.cast.victim.arn)}?from=${from}&to=${to}`, ProfileSchema);
    const s = profile.sections as Record<string, unknown> & {
      sourceIps: { items: { entity: { id: string; properties: Record<string, unknown> }; newlyObserved?: boolean }[] };
      userAgents: { items: { entity: { id: string }; newlyObserved?: boolean }[] };
    };
    expect(s.newlyObservedCountries).toContain(ATTACKER.keyUse.country);
    expect(s.newlyObservedAsns).toContain(`AS${ATTACKER.keyUse.asn} ${ATTACKER.keyUse.asnOrg}`);
    const attackerIp = s.sourceIps.items.find((i) => i.entity.id === `IpAddress:${ATTACKER.keyUse.ip}`);
    expect(attackerIp?.newlyObserved).toBe(true);
    expect(attackerIp?.entity.properties.country).toBe(ATTACKER.keyUse.country);
    expect(s.userAgents.items.find((i) => i.entity.id === `UserAgent:${ATTACKER.userAgent}`)?.newlyObserved).toBe(true);
    // Her own addresses in the scope were seen in the 45 days before it, placed in her usual country.
    const usual = s.sourceIps.items.filter((i) => !i.newlyObserved);
    expect(usual.length).toBeGreaterThan(0);
    expect(usual.every((i) => typeof i.entity.properties.country === 'string')).toBe(true);
    expect(s.newlyObservedCountries).not.toContain(usual[0]!.entity.properties.country);
  });

  it("finds a path from the exfiltration finding to the leaked key's owner", async () => {
    const from = `Finding:${manifest.cast.findingIds.exfiltration}`;
    const to = `IamUser:${manifest.cast.victim.arn}`;
    const result = await getJson(base, `/api/paths?from=${enc(from)}&to=${enc(to)}&maxHops=6`, PathsSchema);
    expect(result.paths.length).toBeGreaterThan(0);
    const path = result.paths[0]!;
    expect(path.nodes[0]).toBe(from);
    expect(path.nodes.at(-1)).toBe(to);
    // As the README's walkthrough says: two hops from the finding reach the sessions of the role
    // chain and carol (through the address her key was used from).
    const view = await getJson(base, `/api/findings/${manifest.cast.findingIds.exfiltration}/blast-radius?hops=2`, GraphViewSchema);
    const ids = view.nodes.map((n) => n.id);
    expect(ids).toEqual(expect.arrayContaining([to, `RoleSession:${manifest.cast.chainedSession}`, `RoleSession:${manifest.cast.adminSession}`, `IpAddress:${ATTACKER.keyUse.ip}`]));
    // Both two hops out, carol and the session she started are linked, as in the graph.
    const links = view.edges.map((e) => `${e.source} -${e.kind}-> ${e.target}`);
    expect(links).toContain(`${to} -${Rel.ASSUMED}-> RoleSession:${manifest.cast.adminSession}`);
    // One edge per pair and kind, and none to a node not in the view.
    const shown = new Set(ids);
    expect(view.edges.every((e) => shown.has(e.source) && shown.has(e.target))).toBe(true);
    const pairs = view.edges.filter((e) => !e.id.startsWith('aggregate:')).map((e) => `${e.kind} ${e.source} ${e.target}`);
    expect(new Set(pairs).size).toBe(pairs.length);
  });

  describe('investigations, from the logs alone', () => {
    const investigation = (kind: string, key: string, query = '') => getJson(base, `/api/investigations/${kind}/${enc(key)}${query}`, InvestigationSchema);
    type Answer = Awaited<ReturnType<typeof investigation>>;
    const checked: Answer[] = [];
    const byType = (answer: Answer, type: string) => answer.indicators.filter((i) => i.type === type);

    it("raises a new country or impossible travel for carol, and the backdoor user's persistence techniques, done through her session", async () => {
      const carol = await investigation('IamUser', manifest.cast.victim.arn);
      checked.push(carol);
      const travel = byType(carol, 'impossibleTravel');
      const country = byType(carol, 'newCountry').find((i) => i.title.includes(ATTACKER.keyUse.country));
      expect(travel.length + (country ? 1 : 0)).toBeGreaterThan(0);
      expect(country?.entities.map((e) => e.id)).toContain(`IpAddress:${ATTACKER.keyUse.ip}`);
      for (const t of travel) expect([t.details.from, t.details.to].map((p) => (p as { address: string }).address)).toContain(ATTACKER.keyUse.ip);
      // Her usual country is not new.
      expect(byType(carol, 'newCountry').map((i) => i.title)).not.toContain('New country: United States');

      const techniques = byType(carol, 'technique');
      const backdoor = `IamUser:${manifest.cast.backdoorUserArn}`;
      for (const [api, id] of [['CreateUser', 'T1136.003'], ['AttachUserPolicy', 'T1098.003'], ['CreateAccessKey', 'T1098.001']] as const) {
        const found = techniques.find((i) => i.details.api === `iam.amazonaws.com ${api}`);
        expect(found, api).toBeDefined();
        expect(found!.tactics).toContain('Persistence');
        expect(found!.details.techniqueId).toBe(id);
        const involved = found!.entities.map((e) => e.id);
        expect(involved).toContain(backdoor);
        // Done in the Admin session she started, and said so.
        expect(involved).toContain(`RoleSession:${manifest.cast.adminSession}`);
        expect(found!.explanation).toContain('through its session');
      }
      expect(carol.summary.tactics).toEqual(expect.arrayContaining(['Persistence', 'Credential Access', 'Discovery']));
      // Ranked: most severe first.
      const order = ['high', 'medium', 'low', 'info'];
      const ranks = carol.indicators.map((i) => order.indexOf(i.severity));
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      // GuardDuty names the attacker's address: it is flagged.
      expect(byType(carol, 'flaggedAddress').map((i) => i.details.address)).toContain(ATTACKER.keyUse.ip);
    });

    it('raises instance credentials used outside AWS, on the role and on the session, and nothing of the kind for sessions used on their instance', async () => {
      for (const [kind, key] of [['IamRole', manifest.cast.instanceRole], ['RoleSession', manifest.cast.instanceSession]] as const) {
        const answer = await investigation(kind, key);
        checked.push(answer);
        const stolen = byType(answer, 'instanceCredentialsOutside');
        expect(stolen.length, kind).toBe(1);
        expect(stolen[0]!.severity).toBe('high');
        expect(stolen[0]!.details.address).toBe(ATTACKER.c2.ip);
        expect(stolen[0]!.entities.map((e) => e.id)).toEqual(expect.arrayContaining([`Ec2Instance:${manifest.cast.instance.instanceId}`, `RoleSession:${manifest.cast.instanceSession}`, `IpAddress:${ATTACKER.c2.ip}`]));
        expect(stolen[0]!.evidence.eventCount).toBe(3);
      }
      // Another instance role's sessions all call from inside their VPCs: nothing raised.
      const other = await investigation('IamRole', manifest.cast.instanceRole.replace('batch-worker', 'app-server'));
      expect(byType(other, 'instanceCredentialsOutside')).toEqual([]);
    });

    it('proves every indicator with events that exist, and names entities for each', async () => {
      const indicators = checked.flatMap((a) => a.indicators);
      expect(indicators.length).toBeGreaterThan(10);
      for (const i of indicators) {
        expect(i.evidence.eventIds.length, i.id).toBeGreaterThan(0);
        expect(i.evidence.eventCount, i.id).toBeGreaterThanOrEqual(i.evidence.eventIds.length);
        expect(i.entities.length, i.id).toBeGreaterThan(0);
      }
      // The ids are real events, and the timeline query the indicator gives lists them.
      for (const i of indicators.filter((x) => x.type !== 'impossibleTravel').slice(0, 12)) {
        const t = i.evidence.timeline!;
        const [kind, ...rest] = t.entity.split(':');
        const filters = new URLSearchParams({ from: t.from, to: t.to, limit: '1000', ...t.filters });
        const page = await getJson(base, `/api/entities/${kind}/${enc(rest.join(':'))}/timeline?${filters}`, TimelinePageSchema);
        const listed = new Set(page.events.map((e) => e.eventId));
        for (const id of i.evidence.eventIds) expect(listed.has(id), `${i.id}: ${id}`).toBe(true);
      }
    });

    it('groups the leaked-key findings into one story, ranked first, apart from the everyday noise', async () => {
      const list = await getJson(base, '/api/finding-groups', FindingGroupsSchema);
      const ids = manifest.cast.findingIds;
      const leaked = [ids.maliciousIp, ids.discovery, ids.exfiltration, ids.persistence];
      const group = list.groups.find((g) => g.findings.some((f) => f.findingId === ids.maliciousIp))!;
      expect(group.findings.map((f) => f.findingId).sort()).toEqual(expect.arrayContaining([...leaked].sort()));
      expect(group.rank).toBe(1);
      expect(group.sharedEntities.map((e) => e.id)).toEqual(expect.arrayContaining([`IamUser:${manifest.cast.victim.arn}`, `IpAddress:${ATTACKER.keyUse.ip}`]));
      expect(group.summary).toContain('carol');
      expect(group.tactics).toEqual(expect.arrayContaining(['Initial Access', 'Exfiltration', 'Persistence']));
      // No group holds findings of the noise with the incident's.
      expect(list.groups.filter((g) => g.findings.some((f) => leaked.includes(f.findingId)))).toHaveLength(1);

      const detail = await getJson(base, `/api/finding-groups/${group.id}`, FindingGroupDetailSchema);
      expect(detail.group.id).toBe(group.id);
      const kinds = new Set(detail.timeline.entries.map((e) => e.kind));
      expect(kinds).toEqual(new Set(['finding', 'event']));
      const times = detail.timeline.entries.map((e) => e.time);
      expect(times).toEqual([...times].sort());
      // The attacker's calls through the chained session are in the merged timeline.
      expect(detail.timeline.entries.some((e) => e.kind === 'event' && e.event.principal?.id === `RoleSession:${manifest.cast.chainedSession}` && e.event.eventName === 'GetObject')).toBe(true);
      expect((await getStatus(base, '/api/finding-groups/fg-nosuchfinding')).status).toBe(404);
    });

    it('prints the same investigation from the CLI, as JSON and as Markdown for a ticket, and flags addresses an imported list names', async () => {
      const cli = { ...env, NEO4J_URI: `bolt://127.0.0.1:${dbPort}` };
      const store = ['--store', join(dir, 'events')];
      const entity = `IamUser:${manifest.cast.victim.arn}`;
      const json = await runCli(['investigate', '--entity', entity, '--json', ...store], cli);
      expect(json.code, json.stderr).toBe(0);
      const fromCli = InvestigationSchema.parse(JSON.parse(json.stdout));
      const fromApi = await investigation('IamUser', manifest.cast.victim.arn);
      expect(fromCli.indicators.map((i) => i.id)).toEqual(fromApi.indicators.map((i) => i.id));
      expect(fromCli.scope).toEqual(fromApi.scope);
      const md = await runCli(['investigate', '--entity', entity, '--format', 'md', ...store], cli);
      expect(md.code).toBe(0);
      expect(md.stdout).toMatch(/^# Investigation: carol/);
      expect(md.stdout).toContain('T1098.001');

      // A STIX 2.1 bundle naming the backdoor key's address (and a domain, which is skipped).
      const stix = join(dir, 'partner.stix.json');
      writeFileSync(stix, JSON.stringify({ type: 'bundle', id: 'bundle--1', objects: [
        { type: 'indicator', spec_version: '2.1', id: 'indicator--a', name: 'bulletproof hosting', pattern_type: 'stix', pattern: `[ipv4-addr:value = '${ATTACKER.backdoorUse.ip.split('.').slice(0, 3).join('.')}.0/24']`, valid_from: '2024-01-01T00:00:00Z' },
        { type: 'indicator', spec_version: '2.1', id: 'indicator--b', pattern_type: 'stix', pattern: "[domain-name:value = 'evil.example']", valid_from: '2024-01-01T00:00:00Z' },
      ] }));
      const imported = await runCli(['intel', 'import', stix, '--list', 'partner-isac'], cli);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stderr + imported.stdout).toMatch(/Imported 1 entries as list "partner-isac"/);
      const backdoor = await investigation('IamUser', manifest.cast.backdoorUserArn);
      const flagged = byType(backdoor, 'flaggedAddress').find((i) => i.details.address === ATTACKER.backdoorUse.ip);
      expect(flagged?.severity).toBe('high');
      expect(flagged?.explanation).toContain('partner-isac');
      expect((await runCli(['intel', 'list'], cli)).stdout).toContain('partner-isac');
      expect((await runCli(['intel', 'remove', 'partner-isac'], cli)).code).toBe(0);
      expect(byType(await investigation('IamUser', manifest.cast.backdoorUserArn), 'flaggedAddress')).toEqual([]);

      // A feed that lists private space would flag the VPC's own traffic: the import says so, and can leave it out.
      const feed = join(dir, 'feed.txt');
      writeFileSync(feed, '10.0.0.0/8\n192.0.0.0/8\n198.51.100.7\n');
      const warned = await runCli(['intel', 'import', feed, '--list', 'feed'], cli);
      expect(warned.code, warned.stderr).toBe(0);
      expect(warned.stderr).toContain('Warning: 2 entries name private or reserved addresses (10.0.0.0/8, 192.0.0.0/8)');
      expect(warned.stderr + warned.stdout).toMatch(/Imported 3 entries as list "feed"/);
      const skipped = await runCli(['intel', 'import', feed, '--list', 'feed', '--skip-private'], cli);
      expect(skipped.code, skipped.stderr).toBe(0);
      expect(skipped.stderr).toContain('left out (--skip-private)');
      expect(skipped.stderr + skipped.stdout).toMatch(/Imported 1 entries as list "feed"/);
      expect((await runCli(['intel', 'remove', 'feed'], cli)).code).toBe(0);
    });
  });

  it("exports the incident's entities as OCSF that the OCSF schema accepts and as Timesketch that Timesketch imports", async () => {
    const c = manifest.cast;
    const entities = [
      `IamUser:${c.victim.arn}`,
      `AccessKey:${c.victim.accessKeyId}`,
      `IamUser:${c.backdoorUserArn}`,
      `RoleSession:${c.instanceSession}`,
      `Ec2Instance:${c.instance.instanceId}`,
      `IpAddress:${ATTACKER.c2.ip}`,
      `IpAddress:${ATTACKER.keyUse.ip}`,
    ];
    const files: string[] = [];
    let lines = 0;
    for (const [i, entity] of entities.entries()) {
      const url = (format: string) => `${base}/api/export/timeline?entity=${enc(entity)}&format=${format}`;
      const ocsf = await (await fetch(url('ocsf'))).text();
      const file = join(dir, `export-${i}.ocsf.jsonl`);
      writeFileSync(file, ocsf);
      files.push(file);
      const ocsfLines = ocsf.split('\n').filter((line) => line !== '');
      expect(ocsfLines.length, entity).toBeGreaterThan(0);
      lines += ocsfLines.length;
      // Timesketch's importer (read_and_validate_jsonl) needs message, datetime and timestamp_desc on every line.
      const sketches = (await (await fetch(url('timesketch'))).text()).split('\n').filter((line) => line !== '');
      expect(sketches.length, entity).toBe(ocsfLines.length);
      for (const line of sketches) {
        const sketch = JSON.parse(line) as Record<string, unknown>;
        for (const field of ['message', 'datetime', 'timestamp_desc']) expect(typeof sketch[field] === 'string' && sketch[field] !== '', `${entity}: ${field} in ${line.slice(0, 200)}`).toBe(true);
        expect(Number.isNaN(Date.parse(sketch.datetime as string))).toBe(false);
      }
    }
    const validation = await validateOcsf(files);
    expect(validation.errors).toEqual([]);
    expect(validation.lines).toBe(lines);
    // Every class the demo produces: sign-ins and role assumptions, IAM changes, other calls, flows, findings.
    expect(Object.keys(validation.byClass).sort()).toEqual(['account_change', 'api_activity', 'authentication', 'detection_finding', 'network_activity']);
  });

  it('loads nothing twice when run again, and --reset starts from an empty database', async () => {
    const first = await graphSize(dbPort, dir);
    expect(first.events).toBe(manifest.counts.cloudTrailEvents);
    // The served demo stops its database on Ctrl-C, as a user would stop it.
    const exited = new Promise((resolve) => demo!.once('exit', resolve));
    demo!.kill('SIGINT');
    await exited;
    expect(demoOutput).toContain('Demo database stopped.');

    const again = await runCli(['demo', '--dir', dir, ...SIZE, '--no-serve', '--db-port', String(dbPort)], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('Reusing the scenario (seed 42)');
    expect(again.stderr).toMatch(/ 0 loaded, /);
    expect(await graphSize(dbPort, dir)).toEqual(first);

    const reset = await runCli(['demo', '--dir', dir, ...SIZE, '--no-serve', '--reset', '--db-port', String(dbPort)], env);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr).toContain('wiping the demo database');
    expect(Number(/ ([\d,]+) loaded, /.exec(reset.stderr)?.[1]?.replace(/,/g, ''))).toBeGreaterThanOrEqual(manifest.counts.cloudTrailEvents + manifest.counts.flowRecords);
    expect(await graphSize(dbPort, dir)).toEqual(first);
  });

  it('generate writes the scenario at the size asked, with the same incident at any size', async () => {
    const out = join(dir, 'generated');
    const args = ['demo', 'generate', out, '--events', '300', '--flow-lines', '1000', '--days', '3'];
    const first = await runCli(args, env);
    expect(first.code, first.stderr).toBe(0);
    const small = JSON.parse(readFileSync(join(out, 'scenario.json'), 'utf8')) as ScenarioManifest;
    const incidentEvents = manifest.counts.cloudTrailEvents - 2500;
    expect(small.counts.cloudTrailEvents).toBe(300 + incidentEvents);
    expect(small.counts.flowRecords).toBeGreaterThanOrEqual(1000);
    expect(small.cast).toEqual(manifest.cast); // the incident does not depend on the volume
    const again = await runCli(args, env);
    expect(again.stderr).toContain('Already there');
    // Deterministic: the same seed and size write the same bytes, file for file.
    const elsewhere = join(dir, 'generated-again');
    expect((await runCli(['demo', 'generate', elsewhere, ...args.slice(3)], env)).code).toBe(0);
    expect(fileHashes(elsewhere)).toEqual(fileHashes(out));
  });

  it('refuses --reset on a database the user configured', async () => {
    const refused = await runCli(['demo', '--dir', dir, ...SIZE, '--no-serve', '--reset'], { ...env, NEO4J_URI: 'bolt://127.0.0.1:1' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the demo will not wipe it');
  });
});

/** Every file under a directory (relative path) with its SHA-256. */
function fileHashes(root: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    hashes[relative(root, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return hashes;
}

/** Nodes and relationships in the demo database (its Neo4j answers on dbPort), and events in its store. */
async function graphSize(dbPort: number, dir: string): Promise<{ nodes: number; relationships: number; events: number; flowRecords: number }> {
  const graph = await Graph.connect({ uri: `bolt://127.0.0.1:${dbPort}`, user: 'neo4j', password: undefined, database: 'neo4j' });
  try {
    const count = async (query: string) => Number((await graph.read<{ n: unknown }>(query, {})).records[0]!.get('n'));
    return {
      nodes: await count('MATCH (n) RETURN count(n) AS n'),
      relationships: await count('MATCH ()-[r]->() RETURN count(r) AS n'),
      ...storedRows(join(dir, 'events')),
    };
  } finally {
    await graph.close();
  }
}

/** Rows the demo's event store holds, from its manifest. */
function storedRows(store: string): { events: number; flowRecords: number } {
  const segments = readManifest(store).segments;
  const rows = (table: string) => segments.filter((s) => s.table === table).reduce((n, s) => n + s.rows, 0);
  return { events: rows('cloudtrail'), flowRecords: rows('vpcflow') };
}
