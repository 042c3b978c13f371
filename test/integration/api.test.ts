import { request } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/driver';
import { RejectsLog } from '../../ingest/pipeline/rejectsLog';
import { runIngest } from '../../ingest/pipeline/runIngest';
import { AUTO } from '../../ingest/autoSource';
import { ROUTES } from '../../server/app';
import {
  ErrorSchema,
  EventDetailSchema,
  FindingDetailSchema,
  FindingListSchema,
  FlowRecordsSchema,
  GraphViewSchema,
  HealthSchema,
  PathsSchema,
  ProfileSchema,
  SearchSchema,
  TimelinePageSchema,
} from '../../server/schemas';
import { startServer, type RunningServer } from '../../server/start';
import { getJson, getStatus } from '../support/api';
import { validateOcsf } from '../support/validateOcsf';
import { connectTestGraph, openTestStore, TEST_STORE_DIR, wipeGraph } from '../support/testGraph';
import type { EventStore } from '../../store/eventStore';
import { Group, Label, Rel } from '../../graph/vocabulary';
import { cypherInt } from '../../graph/driver';
import { keyProperty, kindOf } from '../../graph/investigations/entities';
import { PRINCIPAL_FINDINGS_VIA_FINDINGS, PRINCIPAL_FINDINGS_VIA_SESSIONS } from '../../graph/investigations/profileQueries';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
/** The entities of test/fixtures/exports. */
const GOLDEN_ENTITIES = [
  'IamUser:arn:aws:iam::900138736586:user/christophe',
  'IpAddress:203.0.113.66',
  'Ec2Instance:i-0a1b2c3d4e5f60718',
  'IpAddress:10.0.1.10',
  'S3Bucket:public-reports',
  'AccessKey:AKIAAM80VXLJF8NPK4VC',
  'RoleSession:ASIA36EV31F1RB3OA8IG',
  'IpAddress:75.50.255.67',
];
const CHRISTOPHE = 'arn:aws:iam::900138736586:user/christophe';
const enc = encodeURIComponent;

describe('the investigation API', () => {
  let graph: Graph;
  let events: EventStore;
  let server: RunningServer;
  let base: string;

  beforeAll(async () => {
    graph = await connectTestGraph();
    await wipeGraph(graph);
    await runIngest({
      source: AUTO,
      paths: [join(FIXTURES, 'cloudtrail', 'stratus-red-team'), join(FIXTURES, 'cloudtrail', 'shapes'), join(FIXTURES, 'vpcflow'), join(FIXTURES, 'guardduty')],
      graph,
      storeDir: TEST_STORE_DIR,
      rejects: new RejectsLog(null),
    });
    events = await openTestStore(graph);
    server = await startServer({ graph, events, host: '127.0.0.1', port: 0, version: 'test' });
    base = server.url;
  });
  afterAll(async () => {
    await server.close();
    await events.close();
    await graph.close();
  });

  it('reports health: Neo4j reachable, the current schema, counts by kind, the geo database date', async () => {
    const health = await getJson(base, '/api/health', HealthSchema);
    expect(health).toMatchObject({ status: 'ok', neo4j: { reachable: true }, schema: { current: true } });
    expect(health.events.rows.cloudtrail).toBeGreaterThanOrEqual(310);
    expect(health.events.rows.vpcflow).toBeGreaterThan(0);
    expect(health.events.storeId).toBe(events.identity?.storeId);
    expect(health.counts.Finding).toBe(9);
    expect(health.geo.countryDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('documents every route it serves in /api/openapi.json', async () => {
    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> };
    for (const route of ROUTES) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[path]?.[route.method]?.operationId, path).toBe(route.operationId);
    }
    expect(doc.paths['/api/findings/{id}/blast-radius']?.get?.responses['200']).toBeDefined();
  });

  it('lists findings by severity, leaving sample findings out unless asked', async () => {
    const list = await getJson(base, '/api/findings', FindingListSchema);
    expect(list.findings.map((f) => f.properties.type)).toEqual([
      'Backdoor:EC2/C&CActivity.B',
      'CredentialAccess:RDS/AnomalousBehavior.SuccessfulLogin',
      'Backdoor:Lambda/C&CActivity.B',
      'UnauthorizedAccess:IAMUser/MaliciousIPCaller',
      'Discovery:Kubernetes/MaliciousIPCaller',
      'Execution:Runtime/NewBinaryExecuted',
    ]);
    expect(list.findings[0]?.affected.map((a) => a.id)).toContain('Ec2Instance:i-0a1b2c3d4e5f60718');
    const withSamples = await getJson(base, '/api/findings?includeSamples=true&includeArchived=true&sort=updatedAt&order=asc&limit=2', FindingListSchema);
    expect(withSamples.total).toBe(9);
    expect(withSamples.findings).toHaveLength(2);
    const filtered = await getJson(base, `/api/findings?type=${enc('UnauthorizedAccess:')}&q=runinstances`, FindingListSchema);
    expect(filtered.findings.map((f) => f.findingId)).toEqual(['b6e1f0a2c3d4e5f60718293a4b5c6d7e']);
  });

  it('shows one finding with the entities it is about and those its action names', async () => {
    const detail = await getJson(base, '/api/findings/a4c8d7e6f5b4a3928170615243f2e1d0', FindingDetailSchema);
    expect(detail.entities.map((e) => e.id)).toEqual(expect.arrayContaining(['Ec2Instance:i-0a1b2c3d4e5f60718', 'IpAddress:203.0.113.66']));
    expect((detail.finding.raw as { type: string }).type).toBe('Backdoor:EC2/C&CActivity.B');
  });

  it("walks a finding's blast radius over relationships active in its scope time", async () => {
    const view = await getJson(base, '/api/findings/a4c8d7e6f5b4a3928170615243f2e1d0/blast-radius?hops=3', GraphViewSchema);
    const ids = view.nodes.map((n) => n.id);
    expect(ids).toEqual(expect.arrayContaining(['Finding:a4c8d7e6f5b4a3928170615243f2e1d0', 'Ec2Instance:i-0a1b2c3d4e5f60718', 'NetworkInterface:eni-0f1e2d3c4b5a69788', 'IpAddress:10.0.1.25', 'IpAddress:203.0.113.66']));
    expect(view.nodes.find((n) => n.id === 'Ec2Instance:i-0a1b2c3d4e5f60718')).toMatchObject({ hop: 1, findings: { count: 1, maxSeverity: 8 } });
    expect(view.edges.some((e) => e.kind === 'FLOW' && e.source === 'IpAddress:10.0.1.25' && e.target === 'IpAddress:203.0.113.66')).toBe(true);
    expect(view.scope.from < '2024-08-01T11:00:12.000Z').toBe(true);
    // A scope that ends before anything happened reaches nothing but what the finding states.
    const early = await getJson(base, '/api/findings/a4c8d7e6f5b4a3928170615243f2e1d0/blast-radius?hops=3&from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z', GraphViewSchema);
    expect(early.nodes.length).toBeLessThan(view.nodes.length);
  });

  it('stands one aggregate node in for the neighbours a cap leaves out, and says how many', async () => {
    const view = await getJson(base, '/api/findings/a4c8d7e6f5b4a3928170615243f2e1d0/blast-radius?hops=3&perKind=1', GraphViewSchema);
    const aggregate = view.nodes.find((n) => n.aggregate);
    expect(aggregate?.aggregate?.count).toBeGreaterThan(0);
    expect(aggregate?.label).toMatch(/^\+\d+ /);
    expect(view.truncated.aggregatedNeighbours).toBeGreaterThan(0);
  });

  it("traces a user's activity including the calls made in the sessions it started", async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: z.output<typeof TimelinePageSchema> = await getJson(base, `/api/entities/IamUser/${enc(CHRISTOPHE)}/timeline?limit=2${cursor ? `&cursor=${enc(cursor)}` : ''}`, TimelinePageSchema);
      all.push(...page.events.map((e) => `${e.time}|${e.eventName}|${e.inSession}|${e.principal?.id}|${e.principal?.label}`));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 50);
    expect(pages).toBeGreaterThan(1);
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual(all); // time order
    expect(all.some((e) => e.includes('|RunInstances|true|RoleSession:ASIA9F6MXE9HSYOXYQOS'))).toBe(true);
    // A session is named by its role and session name, not its key.
    expect(all.filter((e) => e.includes('|true|RoleSession:')).every((e) => /\|RoleSession:ASIA\w+\|[^|]+\/[^|]+$/.test(e))).toBe(true);
    expect(all.some((e) => e.includes('|AssumeRole|false|IamUser:'))).toBe(true);
    const own = await getJson(base, `/api/entities/IamUser/${enc(CHRISTOPHE)}/timeline?includeSessions=false&limit=1000`, TimelinePageSchema);
    expect(own.events.every((e) => !e.inSession)).toBe(true);
    expect(own.events.length).toBeLessThan(all.length);

    // The export streams the same events in one ordered query: same order, sessions, principals
    // (named from the walk that finds the sessions; the pages name them from their nodes).
    const exported = (await (await fetch(`${base}/api/export/timeline?entity=${enc(`IamUser:${CHRISTOPHE}`)}&format=json`)).json()) as { type: string; event?: { time: string; eventName: string; inSession: boolean; principal: { id: string; label: string } | null } }[];
    const events = exported.filter((e) => e.type === 'event').map(({ event: e }) => `${e!.time}|${e!.eventName}|${e!.inSession}|${e!.principal?.id}|${e!.principal?.label}`);
    expect(events).toEqual(all);
  });

  it("finds the same findings about a principal's sessions walking down from it or up from the findings", async () => {
    // A finding about a session that christophe started (the fixtures' findings are about keys and instances).
    const findingId = 'test-finding-about-a-session';
    await graph.write((tx) =>
      tx.run(
        `MATCH (s:${Label.RoleSession} {principalKey: 'ASIA9F6MXE9HSYOXYQOS'})
         CREATE (:${Label.Finding} {findingId: $findingId, severity: 8.0, updatedAt: 1})-[:${Rel.AFFECTS}]->(s)`,
        { findingId },
      ),
    );
    try {
      const principals = await graph.read(`MATCH (p:${Group.Principal}) RETURN p.principalKey AS key`);
      for (const record of principals.records) {
        const params = { key: record.get('key') as string, cap: cypherInt(100) };
        const ids = async (query: string) => ((await graph.read(query, params)).records[0]?.get('findings') as { properties: { findingId: string } }[]).map((f) => f.properties.findingId).sort();
        const down = await ids(PRINCIPAL_FINDINGS_VIA_SESSIONS);
        expect(await ids(PRINCIPAL_FINDINGS_VIA_FINDINGS)).toEqual(down);
        if (params.key === CHRISTOPHE) expect(down).toContain(findingId);
      }
      const profile = await getJson(base, `/api/entities/IamUser/${enc(CHRISTOPHE)}`, ProfileSchema);
      expect((profile.sections.findings as Listed).items.map((f) => f.id)).toContain(`Finding:${findingId}`);
    } finally {
      await graph.write((tx) => tx.run(`MATCH (f:${Label.Finding} {findingId: $findingId}) DETACH DELETE f`, { findingId }));
    }
  });

  it("counts a principal's activity per hour and API exactly as its own events add up", async () => {
    const scope = 'from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z';
    const profile = await getJson(base, `/api/entities/IamUser/${enc(CHRISTOPHE)}?${scope}&limit=200`, ProfileSchema);
    const activity = profile.sections.activity as { hourly: { hour: string; success: number; failure: number }[]; totalCalls: number; failures: number };
    const apis = profile.sections.topApis as { service: string; name: string; calls: number; failures: number }[];

    const own = await getJson(base, `/api/entities/IamUser/${enc(CHRISTOPHE)}/timeline?includeSessions=false&limit=1000&${scope}`, TimelinePageSchema);
    expect(own.nextCursor).toBeNull();
    const hours = new Map<string, { success: number; failure: number }>();
    const perApi = new Map<string, { calls: number; failures: number }>();
    for (const e of own.events) {
      const hour = new Date(Math.floor(Date.parse(e.time) / 3_600_000) * 3_600_000).toISOString();
      const h = hours.get(hour) ?? { success: 0, failure: 0 };
      const api = `${e.eventSource!.replace(/\.amazonaws\.com$/, '')}:${e.eventName}`;
      const a = perApi.get(api) ?? { calls: 0, failures: 0 };
      a.calls += 1;
      if (e.errorCode) {
        h.failure += 1;
        a.failures += 1;
      } else h.success += 1;
      hours.set(hour, h);
      perApi.set(api, a);
    }
    expect(own.events.some((e) => e.errorCode)).toBe(true);
    expect(activity.totalCalls).toBe(own.events.length);
    expect(activity.failures).toBe(own.events.filter((e) => e.errorCode).length);
    expect(activity.hourly).toEqual([...hours].sort(([a], [b]) => a.localeCompare(b)).map(([hour, c]) => ({ hour, ...c })));
    expect(new Map(apis.map((a) => [`${a.service}:${a.name}`, { calls: a.calls, failures: a.failures }]))).toEqual(perApi);
  });

  it("narrows a principal's timeline to one user agent: exactly the calls its USED_AGENT edge counts", async () => {
    const profile = await getJson(base, `/api/entities/IamUser/${enc(CHRISTOPHE)}?from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z`, ProfileSchema);
    const agents = (profile.sections.userAgents as { items: { entity: { key: string }; count: number }[] }).items;
    expect(agents.length).toBeGreaterThan(1);
    const agent = agents[0]!;
    const url = `/api/entities/IamUser/${enc(CHRISTOPHE)}/timeline?includeSessions=false&limit=1000&userAgent=${enc(agent.entity.key)}`;
    const calls = (await getJson(base, url, TimelinePageSchema)).events;
    expect(calls.length).toBe(agent.count);
    expect(calls.every((e) => e.userAgent === agent.entity.key)).toBe(true);
  });

  it('filters a timeline by service, API, failures and read-only, and exports only what the filter keeps', async () => {
    const url = (q: string) => `/api/entities/IamUser/${enc(CHRISTOPHE)}/timeline?limit=1000&${q}`;
    const all = (await getJson(base, url(''), TimelinePageSchema)).events;
    const failed = (await getJson(base, url('errorsOnly=true'), TimelinePageSchema)).events;
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((e) => e.errorCode !== null)).toBe(true);
    expect(failed.length).toBe(all.filter((e) => e.errorCode !== null).length);
    const service = all[0]!.eventSource!;
    const sts = (await getJson(base, url(`eventSource=${enc(service)}`), TimelinePageSchema)).events;
    expect(sts.length).toBe(all.filter((e) => e.eventSource === service).length);
    const writes = (await getJson(base, url('readOnly=false'), TimelinePageSchema)).events;
    expect(writes.length).toBe(all.filter((e) => e.readOnly === false).length);
    const api = all.find((e) => e.inSession)!.eventName!;
    const one = (await getJson(base, url(`eventName=${enc(api)}`), TimelinePageSchema)).events;
    expect(one.length).toBe(all.filter((e) => e.eventName === api).length);
    expect(one.some((e) => e.inSession)).toBe(true); // the filter applies to the sessions' calls too
    const address = all.find((e) => e.sourceIp)!.sourceIp!;
    const fromThere = (await getJson(base, url(`sourceIp=${enc(address)}`), TimelinePageSchema)).events;
    expect(fromThere.length).toBe(all.filter((e) => e.sourceIp === address).length);

    const csv = await (await fetch(`${base}/api/export/timeline?entity=${enc(`IamUser:${CHRISTOPHE}`)}&format=csv&eventName=${enc(api)}`)).text();
    const rows = csv.trim().split('\n').slice(1);
    expect(rows).toHaveLength(one.length);
    expect(rows.every((r) => r.split(',')[2] === `"${api}"`)).toBe(true);
    // readOnly=false is a filter too ("changes only"): the export holds those events and nothing else.
    const changes = (await (await fetch(`${base}/api/export/timeline?entity=${enc(`IamUser:${CHRISTOPHE}`)}&format=json&readOnly=false`)).json()) as { type: string; event?: { readOnly: boolean } }[];
    expect(changes).toHaveLength(writes.length);
    expect(changes.every((e) => e.type === 'event' && e.event!.readOnly === false)).toBe(true);
  });

  it('profiles a user: addresses, agents, keys, sessions and role chain, findings, what is new', async () => {
    const profile = await getJson(base, `/api/entities/IamUser/${enc(CHRISTOPHE)}?from=2024-07-01T00:00:00Z&to=2024-08-02T00:00:00Z`, ProfileSchema);
    const s = profile.sections as Record<string, { items?: { entity: { id: string }; newlyObserved?: boolean }[]; nodes?: { id: string }[] } & Record<string, unknown>>;
    expect(s.accessKeys?.items?.map((i) => i.entity.id)).toContain('AccessKey:AKIAR7ISFR69YWROPYAN');
    expect(s.sessions?.nodes?.map((n) => n.id)).toContain('RoleSession:ASIA9F6MXE9HSYOXYQOS');
    expect((s.findings as unknown as Listed).items.map((f) => f.id)).toContain('Finding:b6e1f0a2c3d4e5f60718293a4b5c6d7e');
    const ips = s.sourceIps?.items ?? [];
    expect(ips.find((i) => i.entity.id === 'IpAddress:198.51.100.77')?.newlyObserved).toBe(true);
    expect((s.activity as { totalCalls: number }).totalCalls).toBeGreaterThan(0);
    expect((s.topApis as unknown as { name: string; newlyObserved: boolean }[]).find((a) => a.name === 'ListBuckets')?.newlyObserved).toBe(true);
    // What else there is: distinct neighbours per relationship and kind, as the graph view counts them.
    const neighbours = s.neighbours as unknown as { relationship: string; direction: string; kind: string; count: number }[];
    const keys = neighbours.find((g) => g.relationship === 'KEY_OF' && g.direction === 'in' && g.kind === 'AccessKey');
    expect(keys?.count).toBe(s.accessKeys?.total);
    const view = await getJson(base, `/api/entities/IamUser/${enc(CHRISTOPHE)}/neighbors?from=2024-07-01T00:00:00Z&to=2024-08-02T00:00:00Z&perKind=200`, GraphViewSchema);
    const assumed = neighbours.find((g) => g.relationship === 'ASSUMED' && g.direction === 'out')?.count;
    expect(assumed).toBeGreaterThan(0);
    expect(assumed).toBe(view.nodes.filter((n) => n.kind === 'RoleSession').length);
  });

  it('drills down from every aggregate edge to exactly the events it counts', async () => {
    // Each kind of edge a principal's calls make, and the timeline that holds its events, over the
    // edge's own span: the count on the edge and the events behind it must agree, edge by edge.
    // (KEY_OF and SESSION_OF also count the call that issued the key, made by the session's starter.)
    const drills: Record<string, (from: string, to: string) => string> = {
      [Rel.CALLED_FROM]: (p, ip) => `entity=${enc(p)}&sourceIp=${enc(ip.slice(ip.indexOf(':') + 1))}&includeSessions=false`,
      [Rel.USED_AGENT]: (p, ua) => `entity=${enc(p)}&userAgent=${enc(ua.slice(ua.indexOf(':') + 1))}&includeSessions=false`,
      [Rel.ACCESSED]: (p, r) => `entity=${enc(r)}&by=${enc(p)}`,
    };
    for (const [type, query] of Object.entries(drills)) {
      const edges = await graph.read(
        `MATCH (a)-[r:${type}]->(b) RETURN a, b, r.count AS count, r.firstSeen AS firstSeen, r.lastSeen AS lastSeen ORDER BY r.count DESC, elementId(r) LIMIT 12`,
      );
      expect(edges.records.length, type).toBeGreaterThan(0);
      for (const r of edges.records) {
        const [a, b] = (['a', 'b'] as const).map((end) => {
          const node = r.get(end) as { labels: string[]; properties: Record<string, unknown> };
          const kind = kindOf(node.labels)!;
          return `${kind}:${String(node.properties[keyProperty(kind)])}`;
        });
        const span = `from=${Number(r.get('firstSeen'))}&to=${Number(r.get('lastSeen'))}`;
        const body = await (await fetch(`${base}/api/export/timeline?format=json&${query(a!, b!)}&${span}`)).json() as { type: string }[];
        expect(body.filter((e) => e.type === 'event').length, `${a} -${type}-> ${b}`).toBe(Number(r.get('count')));
      }
    }
    // `by` names a principal: anything else is a mistake said so, not an empty answer.
    expect((await getStatus(base, `/api/entities/IamUser/${enc(CHRISTOPHE)}/timeline?by=${enc('S3Bucket:some-bucket')}`)).status).toBe(400);
  });

  it('drills down from every FLOW edge to exactly the flow records it counts, and their bytes', async () => {
    const edges = await graph.read(`MATCH (a)-[r:${Rel.FLOW}]->(b) RETURN a.ip AS src, b.ip AS dst, r.count AS count, r.bytes AS bytes, r.firstSeen AS firstSeen, r.lastSeen AS lastSeen`);
    expect(edges.records.length).toBeGreaterThan(3);
    for (const r of edges.records) {
      const src = r.get('src') as string;
      const dst = r.get('dst') as string;
      const url = (offset: number) => `/api/flows?src=${enc(src)}&dst=${enc(dst)}&from=${Number(r.get('firstSeen'))}&to=${Number(r.get('lastSeen'))}&limit=2&offset=${offset}`;
      const records: { bytes: number; src: string; dst: string }[] = [];
      let page = await getJson(base, url(0), FlowRecordsSchema);
      expect(page.total, `${src} -> ${dst}`).toBe(Number(r.get('count')));
      while (page.flows.length > 0) {
        records.push(...page.flows);
        page = await getJson(base, url(records.length), FlowRecordsSchema);
      }
      expect(records.length).toBe(Number(r.get('count')));
      expect(records.every((f) => f.src === src && f.dst === dst)).toBe(true);
      expect(records.reduce((sum, f) => sum + f.bytes, 0)).toBe(Number(r.get('bytes')));
    }
    expect((await getStatus(base, '/api/flows?src=not-an-ip&dst=10.0.0.1')).status).toBe(400);
  });

  it('profiles an address and an instance: flows by port, principals, interfaces, traffic, findings', async () => {
    const ip = await getJson(base, '/api/entities/IpAddress/203.0.113.66?from=2024-08-01T00:00:00Z&to=2024-08-02T00:00:00Z', ProfileSchema);
    const flows = (ip.sections.flows as Listed<{ direction: string; port: number; bytes: number }>).items;
    expect(flows).toContainEqual(expect.objectContaining({ direction: 'in', port: 4444, bytes: 160000 }));
    expect((ip.sections.findings as Listed).items.map((f) => f.id)).toContain('Finding:a4c8d7e6f5b4a3928170615243f2e1d0');
    expect(ip.sections.location).toMatchObject({ country: 'Netherlands', asn: 64500 });
    const instance = await getJson(base, '/api/entities/Ec2Instance/i-0a1b2c3d4e5f60718?from=2024-08-01T00:00:00Z&to=2024-08-02T00:00:00Z', ProfileSchema);
    expect((instance.sections.interfaces as Listed<{ entity: { id: string } }>).items.map((i) => i.entity.id)).toContain('NetworkInterface:eni-0f1e2d3c4b5a69788');
    expect((instance.sections.traffic as { bytesOut: number }[]).reduce((sum, t) => sum + t.bytesOut, 0)).toBeGreaterThan(0);
  });

  it('never caps a profile list silently: each says how many there are, whatever the limit', async () => {
    const scope = 'from=2015-01-01T00:00:00Z&to=2030-01-01T00:00:00Z';
    const profiles: [string, string[]][] = [
      [`/api/entities/IamUser/${enc(CHRISTOPHE)}`, ['sourceIps', 'userAgents', 'resources', 'accessKeys', 'runsAs', 'instances', 'findings']],
      ['/api/entities/IpAddress/203.0.113.66', ['principals', 'interfaces', 'flows', 'findings']],
      ['/api/entities/Ec2Instance/i-0a1b2c3d4e5f60718', ['interfaces', 'addresses', 'sessions', 'findings']],
    ];
    let cut = 0;
    for (const [path, lists] of profiles) {
      const whole = (await getJson(base, `${path}?${scope}&limit=500`, ProfileSchema)).sections;
      const one = (await getJson(base, `${path}?${scope}&limit=1`, ProfileSchema)).sections;
      for (const name of lists) expect(whole[name], `${path} ${name}`).toMatchObject({ total: expect.any(Number), items: expect.any(Array) });
      for (const [name, value] of Object.entries(whole)) {
        const list = value as Partial<Listed>;
        if (!Array.isArray(list?.items)) continue;
        // With room for all, the total is what is listed; with room for one, the total stays.
        expect(list.total, `${path} ${name}`).toBe(list.items.length);
        const capped = one[name] as Listed;
        expect(capped.items.length, `${path} ${name}`).toBe(Math.min(1, list.items.length));
        expect(capped.total, `${path} ${name}`).toBe(list.total);
        if (capped.total > capped.items.length) cut += 1;
      }
    }
    expect(cut).toBeGreaterThanOrEqual(3); // the fixtures have lists longer than one to cut
  });

  it('recognises what is searched for', async () => {
    const cases: [string, string, string][] = [
      [CHRISTOPHE, 'ARN', `IamUser:${CHRISTOPHE}`],
      ['AKIAR7ISFR69YWROPYAN', 'access key', 'AccessKey:AKIAR7ISFR69YWROPYAN'],
      ['ASIA9F6MXE9HSYOXYQOS', 'access key', 'RoleSession:ASIA9F6MXE9HSYOXYQOS'],
      ['i-0a1b2c3d4e5f60718', 'instance id', 'Ec2Instance:i-0a1b2c3d4e5f60718'],
      ['203.0.113.66', 'IP address', 'IpAddress:203.0.113.66'],
      ['10.0.1.0/24', 'CIDR 10.0.1.0/24', 'IpAddress:10.0.1.25'],
      ['user:christophe', 'IamUser', `IamUser:${CHRISTOPHE}`],
      ['a4c8d7e6f5b4a3928170615243f2e1d0', 'finding id', 'Finding:a4c8d7e6f5b4a3928170615243f2e1d0'],
      ['malicious-iam', 'text', 'IamUser:arn:aws:iam::229654561268:user/malicious-iam-user'],
      ['finding:Backdoor', 'Finding', 'Finding:a4c8d7e6f5b4a3928170615243f2e1d0'],
      ['key:AKIAR7ISFR69', 'AccessKey', 'AccessKey:AKIAR7ISFR69YWROPYAN'],
    ];
    for (const [q, recognisedAs, id] of cases) {
      const result = await getJson(base, `/api/search?q=${enc(q)}`, SearchSchema);
      expect(result.recognisedAs, q).toBe(recognisedAs);
      expect(result.results.map((r) => r.id), q).toContain(id);
    }
  });

  it('finds every address of a CIDR block, and says when there are more than the limit', async () => {
    const graph = await connectTestGraph();
    try {
      const stored = (await graph.read(`MATCH (n:${Label.IpAddress}) RETURN n.ip AS ip`)).records.map((r) => r.get('ip') as string);
      const ipv4 = stored.filter((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip));
      const inBlock = (ip: string, base: string, bits: number) => {
        const n = (a: string) => a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
        const size = 2 ** (32 - bits);
        return Math.floor(n(ip) / size) === Math.floor(n(base) / size);
      };
      for (const block of ['10.0.0.0/8', '10.0.0.0/20', '192.0.0.0/3', '0.0.0.0/0', '203.0.113.64/30', '203.0.113.66/32']) {
        const [net, bits] = block.split('/') as [string, string];
        const expected = ipv4.filter((ip) => inBlock(ip, net, Number(bits))).map((ip) => `IpAddress:${ip}`).sort();
        const result = await getJson(base, `/api/search?q=${enc(block)}&limit=100`, SearchSchema);
        const found = result.results.map((r) => r.id).sort();
        if (expected.length <= 100) expect(found, block).toEqual(expected);
        else expect(found.every((id) => expected.includes(id)) && found.length === 100, block).toBe(true);
        expect(result.more, block).toBe(expected.length > 100);
        if (expected.length > 1) {
          const one = await getJson(base, `/api/search?q=${enc(block)}&limit=1`, SearchSchema);
          expect(one.results, block).toHaveLength(1);
          expect(one.more, block).toBe(true);
        }
      }
    } finally {
      await graph.close();
    }
  });

  it('finds the observed path from a finding to the sessions of the key it is about', async () => {
    const paths = await getJson(base, `/api/paths?from=${enc('Finding:b6e1f0a2c3d4e5f60718293a4b5c6d7e')}&to=${enc('RoleSession:ASIA9F6MXE9HSYOXYQOS')}`, PathsSchema);
    expect(paths.paths.length).toBeGreaterThan(0);
    expect(paths.paths[0]?.nodes[0]).toBe('Finding:b6e1f0a2c3d4e5f60718293a4b5c6d7e');
    expect(paths.paths[0]?.nodes.at(-1)).toBe('RoleSession:ASIA9F6MXE9HSYOXYQOS');
    expect(paths.more).toBe(false);
  });

  it('returns one event in full, secrets removed', async () => {
    const trail = await getJson(base, `/api/entities/IamUser/${enc('arn:aws:iam::742491224508:user/stratus-red-team-user-federation-user')}/timeline?includeSessions=false`, TimelinePageSchema);
    const federation = trail.events.find((e) => e.eventName === 'GetFederationToken')!;
    const detail = await getJson(base, `/api/events/${federation.eventId}`, EventDetailSchema);
    expect(detail.record.eventName).toBe('GetFederationToken');
    expect(JSON.stringify(detail.record)).not.toContain('IQoJb3JpZ2luX2Vj');
    expect((detail.record.responseElements as { credentials: { sessionToken: string } }).credentials.sessionToken).toBe('[REDACTED]');
  });

  it('exports CSV with formula-looking cells neutralised', async () => {
    const response = await fetch(`${base}/api/export/timeline?entity=${enc(`IamUser:${CHRISTOPHE}`)}&format=csv`);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const csv = await response.text();
    expect(csv.split('\r\n')[0]).toMatch(/^time,type,action/);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csv).toContain(`"'+cmd|' /C calc'!A0"`);
    expect(csv).not.toMatch(/(^|,)"=HYPERLINK/m);

    // CSV reads a stored record only where a row needs it: failures keep their error message.
    const failed = (await getJson(base, `/api/entities/IamUser/${enc(CHRISTOPHE)}/timeline?errorsOnly=true&limit=1000`, TimelinePageSchema)).events.filter((e) => e.errorMessage);
    expect(failed.length).toBeGreaterThan(0);
    for (const e of failed) expect(csv).toContain(e.errorMessage!.replace(/"/g, '""'));
  });

  it('exports CSV, Timesketch and JSON byte for byte as the version that kept events in Neo4j did, for the same data', async () => {
    // test/fixtures/exports: written by that version from the same fixtures (its README says how).
    // OCSF changed on purpose since (issue 22: valid against the OCSF schema); the next test checks it.
    const golden = join(FIXTURES, 'exports');
    const files = readdirSync(golden).filter((f) => f !== 'README.md');
    expect(files.length).toBe(24);
    for (const file of files) {
      const format = file.slice(file.lastIndexOf('.') + 1);
      const name = file.slice(0, file.lastIndexOf('.'));
      const entity = GOLDEN_ENTITIES.find((e) => e.replace(/[^A-Za-z0-9.-]/g, '_').slice(0, 60) === name)!;
      expect(entity, file).toBeDefined();
      const exported = await (await fetch(`${base}/api/export/timeline?entity=${enc(entity)}&format=${format}`)).text();
      expect(exported, file).toBe(readFileSync(join(golden, file), 'utf8'));
    }
  });

  it("exports OCSF that the OCSF schema accepts, line for line, for the same eight entities' timelines", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailhound-ocsf-'));
    try {
      const files: string[] = [];
      let entries = 0;
      for (const [i, entity] of GOLDEN_ENTITIES.entries()) {
        const file = join(dir, `${i}.ocsf.jsonl`);
        writeFileSync(file, await (await fetch(`${base}/api/export/timeline?entity=${enc(entity)}&format=ocsf`)).text());
        files.push(file);
        entries += ((await (await fetch(`${base}/api/export/timeline?entity=${enc(entity)}&format=json`)).json()) as unknown[]).length;
      }
      const validation = await validateOcsf(files);
      expect(validation.errors).toEqual([]);
      // One OCSF line per timeline entry: nothing left out to pass the check.
      expect(validation.lines).toBe(entries);
      // Real Stratus Red Team detonations: sign-ins and role assumptions, IAM changes, other calls; flows; findings.
      expect(Object.keys(validation.byClass).sort()).toEqual(['account_change', 'api_activity', 'authentication', 'detection_finding', 'network_activity']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exports Timesketch and OCSF JSON Lines', async () => {
    const sketch = (await (await fetch(`${base}/api/export/timeline?entity=${enc('IpAddress:203.0.113.66')}&format=timesketch`)).text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(sketch.length).toBeGreaterThan(2);
    for (const line of sketch) {
      expect(line).toEqual(expect.objectContaining({ message: expect.any(String), datetime: expect.any(String), timestamp_desc: expect.any(String) }));
      expect(line.timestamp).toBe(Date.parse(line.datetime) * 1000);
    }
    const ocsf = (await (await fetch(`${base}/api/export/timeline?entity=${enc('IpAddress:203.0.113.66')}&format=ocsf`)).text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(new Set(ocsf.map((r) => r.class_uid))).toEqual(new Set([4001, 2004]));
    const user = (await (await fetch(`${base}/api/export/timeline?entity=${enc(`IamUser:${CHRISTOPHE}`)}&format=ocsf`)).text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(user.find((r) => r.class_uid === 6003)).toMatchObject({ category_uid: 6, api: { operation: expect.any(String) }, cloud: { provider: 'AWS' } });
  });

  it('says when an export reaches a cap: a header, then notes as its first entries, in every format', async () => {
    const url = (format: string) => `${base}/api/export/timeline?entity=${enc('IpAddress:203.0.113.66')}&format=${format}`;
    const whole = (await (await fetch(url('json'))).json()) as { type: string }[];
    const flowHours = whole.filter((e) => e.type === 'flow').length;
    expect(flowHours).toBeGreaterThan(1);
    expect(whole.some((e) => e.type === 'note')).toBe(false);
    const complete = await fetch(url('csv'));
    expect(complete.headers.get('trailhound-export-incomplete')).toBeNull();
    await complete.text();

    process.env.TRAILHOUND_EXPORT_MAX_FLOW_HOURS = '1';
    try {
      const cut = await fetch(url('json'));
      expect(cut.headers.get('trailhound-export-incomplete')).toMatch(/^Flow hours: only the first 1 \(in time order\)/);
      const entries = (await cut.json()) as { type: string; note?: string }[];
      expect(entries[0]).toMatchObject({ type: 'note', note: expect.stringMatching(/shorter time range/) });
      expect(entries.filter((e) => e.type === 'flow')).toHaveLength(1);
      expect(entries.filter((e) => e.type === 'finding').length).toBe(whole.filter((e) => e.type === 'finding').length);

      const csvRows = (await (await fetch(url('csv'))).text()).split('\r\n');
      expect(csvRows[1]).toMatch(/^"[^"]+","note","export incomplete","trailhound",/);
      const sketch = JSON.parse((await (await fetch(url('timesketch'))).text()).split('\n')[0]!);
      expect(sketch).toMatchObject({ data_type: 'trailhound:export:note', message: expect.stringMatching(/^Trailhound: this export is incomplete/), timestamp_desc: 'Export Time' });
      expect(sketch.timestamp).toBe(Date.parse(sketch.datetime) * 1000);
      const ocsf = JSON.parse((await (await fetch(url('ocsf'))).text()).split('\n')[0]!);
      expect(ocsf).toMatchObject({ class_uid: 0, category_uid: 0, activity_id: 99, type_uid: 99, message: expect.stringMatching(/^Flow hours/) });
    } finally {
      delete process.env.TRAILHOUND_EXPORT_MAX_FLOW_HOURS;
    }
  });

  it('answers bad requests with 400 and a clear message, unknown entities with 404, in one envelope', async () => {
    const badId = await getStatus(base, '/api/findings/not%20an%20id!');
    expect(badId.status).toBe(400);
    expect(ErrorSchema.parse(badId.body).error.message).toContain('Bad path parameter id');
    const badHops = await getStatus(base, '/api/findings/a4c8d7e6f5b4a3928170615243f2e1d0/blast-radius?hops=9');
    expect(badHops.status).toBe(400);
    expect(ErrorSchema.parse(badHops.body).error.message).toMatch(/hops/);
    const badKind = await getStatus(base, '/api/entities/Spaceship/x');
    expect(badKind.status).toBe(400);
    const unknown = await getStatus(base, `/api/entities/IamUser/${enc('arn:aws:iam::1:user/nobody')}`);
    expect(unknown.status).toBe(404);
    expect(ErrorSchema.parse(unknown.body).error).toMatchObject({ code: 'NOT_FOUND', requestId: expect.any(String) });
    const badTime = await getStatus(base, '/api/findings?from=yesterday');
    expect(ErrorSchema.parse(badTime.body).error.message).toContain('"yesterday" is not a time');
    for (const [path, message] of [
      ['/api/findings?from=12', '"12" is not a time'],
      ['/api/findings?from=Aug%201', '"Aug 1" is not a time'],
      ['/api/entities/IamUser/%E0%A4%A', 'malformed percent-encoding'],
    ]) {
      const bad = await getStatus(base, path!);
      expect(bad.status, path).toBe(400);
      expect(ErrorSchema.parse(bad.body).error.message, path).toContain(message);
    }
    const noRoute = await getStatus(base, '/api/nothing-here');
    expect(noRoute.status).toBe(404);
    // A scope whose from is after its to is valid, and holds nothing (the document says so).
    const inverted = await getStatus(base, `/api/entities/IamUser/${enc(CHRISTOPHE)}/timeline?from=2024-08-02T00:00:00Z&to=2024-08-01T00:00:00Z`);
    expect(inverted.status).toBe(200);
    expect((inverted.body as { events: unknown[] }).events).toEqual([]);
  });

  it('answers a method a path does not take with 405 and the methods it does', async () => {
    const deleted = await fetch(`${base}/api/findings`, { method: 'DELETE' });
    expect(deleted.status).toBe(405);
    expect(deleted.headers.get('allow')).toBe('GET, HEAD');
    expect(ErrorSchema.parse(await deleted.json()).error.code).toBe('METHOD_NOT_ALLOWED');
    // TRACE, which fetch refuses to send, over plain HTTP.
    const trace = await new Promise<{ status: number; allow: string | undefined }>((resolve, reject) => {
      const req = request(`${base}/api/entities/IamUser/x`, { method: 'TRACE' }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, allow: res.headers.allow });
      });
      req.once('error', reject);
      req.end();
    });
    expect(trace).toEqual({ status: 405, allow: 'GET, HEAD' });
    expect((await fetch(`${base}/api/health`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${base}/api/nothing-here`, { method: 'POST' })).status).toBe(404);
  });

  it('sends security headers', async () => {
    const { headers } = await getStatus(base, '/api/health');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('cache-control')).toBe('no-store');
  });
});

/** A capped profile list. */
interface Listed<T = { id: string }> {
  total: number;
  items: T[];
}

describe('serving beyond loopback', () => {
  it('refuses to listen on another address without a token', async () => {
    const graph = await connectTestGraph();
    const events = await openTestStore(graph);
    try {
      await expect(startServer({ graph, events, host: '0.0.0.0', port: 0, version: 'test' })).rejects.toThrow(/without an access token/);
    } finally {
      await events.close();
      await graph.close();
    }
  });

  it('requires the token on every API request when one is set', async () => {
    const graph = await connectTestGraph();
    const events = await openTestStore(graph);
    const server = await startServer({ graph, events, host: '127.0.0.1', port: 0, version: 'test', token: 'a-long-random-token' });
    try {
      expect((await getStatus(server.url, '/api/health')).status).toBe(401);
      expect((await getStatus(server.url, '/api/health', { authorization: 'Bearer wrong-token-wrong-len' })).status).toBe(401);
      expect((await getStatus(server.url, '/api/health', { authorization: 'Bearer a-long-random-token' })).status).toBe(200);
      // Express matched routes in any letter case while the check looked for "/api/" as written.
      for (const path of ['/API/health', '/Api/findings?limit=1', '/aPi/export/timeline?entity=IpAddress:203.0.113.9', '/api', '/API']) {
        expect((await getStatus(server.url, path)).status, path).toBe(401);
      }
    } finally {
      await server.close();
      await events.close();
      await graph.close();
    }
  });
});
