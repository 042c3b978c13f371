import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReadOnly } from '../../graph/console/readOnlyCypher';
import { runConsoleQuery } from '../../graph/console/runConsole';
import type { Graph } from '../../graph/driver';
import { AUTO } from '../../ingest/autoSource';
import { RejectsLog } from '../../ingest/pipeline/rejectsLog';
import { runIngest } from '../../ingest/pipeline/runIngest';
import { ConsoleResultSchema, ErrorSchema } from '../../server/schemas';
import { startServer, type RunningServer } from '../../server/start';
import type { EventStore } from '../../store/eventStore';
import { connectTestGraph, openTestStore, TEST_STORE_DIR, wipeGraph } from '../support/testGraph';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const CHRISTOPHE = 'arn:aws:iam::900138736586:user/christophe';

describe('the read-only Cypher console (POST /api/cypher)', () => {
  let graph: Graph;
  let events: EventStore;
  let server: RunningServer;
  let base: string;

  beforeAll(async () => {
    graph = await connectTestGraph();
    await wipeGraph(graph);
    await runIngest({ source: AUTO, paths: [join(FIXTURES, 'cloudtrail', 'shapes'), join(FIXTURES, 'cloudtrail', 'stratus-red-team')], graph, storeDir: TEST_STORE_DIR, rejects: new RejectsLog(null) });
    events = await openTestStore(graph);
    server = await startServer({ graph, events, host: '127.0.0.1', port: 0, version: 'test' });
    base = server.url;
  });
  afterAll(async () => {
    await server.close();
    await events.close();
    await graph.close();
  });

  const post = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${base}/api/cypher`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const nodeCount = async () => ((await graph.read('MATCH (n) RETURN count(n) AS n')).records[0]!.get('n') as number);

  it('answers a read as a table, and its nodes and relationships as a graph that links to entities', async () => {
    const response = await post({ query: 'MATCH (u:IamUser {principalKey: $arn})-[r]->(x) RETURN u, type(r) AS rel, r, x LIMIT 5', params: { arn: CHRISTOPHE } });
    expect(response.status).toBe(200);
    const result = ConsoleResultSchema.parse(await response.json());
    expect(result.columns).toEqual(['u', 'rel', 'r', 'x']);
    expect(result.rows.length).toBeGreaterThan(0);
    expect(result.truncated).toBe(false);
    const user = result.graph.nodes.find((n) => n.entity === `IamUser:${CHRISTOPHE}`);
    expect(user?.labels).toContain('IamUser');
    expect(result.rows[0]![0]).toEqual({ node: user!.id });
    expect(result.graph.relationships.every((r) => r.source === user!.id)).toBe(true);
  });

  it('states its row cap, and that rows were left out', async () => {
    const response = await post({ query: 'UNWIND range(1, 50) AS i RETURN i', rowCap: 20 });
    const result = ConsoleResultSchema.parse(await response.json());
    expect(result.rows).toEqual(Array.from({ length: 20 }, (_, i) => [i + 1]));
    expect(result).toMatchObject({ rowCap: 20, truncated: true });
    const whole = ConsoleResultSchema.parse(await (await post({ query: 'UNWIND range(1, 20) AS i RETURN i', rowCap: 20 })).json());
    expect(whole.truncated).toBe(false);
    // One value cannot fill the answer either: a long list is cut, and says how much.
    const long = ConsoleResultSchema.parse(await (await post({ query: 'RETURN range(1, 5000) AS r' })).json());
    const list = long.rows[0]![0] as unknown[];
    expect(list).toHaveLength(1_001);
    expect(list.at(-1)).toBe('… 4,000 more items');
    // Nor can nesting multiply the caps: the answer stops taking rows at its budget, and says so.
    const nested = ConsoleResultSchema.parse(await (await post({ query: 'UNWIND range(1, 400) AS i RETURN [j IN range(1, 1000) | j] AS r' })).json());
    expect(nested.truncated).toBe(true);
    expect(nested.rows.length).toBeLessThan(400);
  });

  it.each([
    ['CREATE', "CREATE (:IamUser {principalKey: 'arn:aws:iam::1:user/planted'})"],
    ['MERGE', "MERGE (n:IamUser {principalKey: 'arn:aws:iam::1:user/planted'}) RETURN n"],
    ['DELETE', 'MATCH (n) DETACH DELETE n'],
    ['DELETE in a subquery', 'MATCH (n) CALL (n) { DELETE n } RETURN 1'],
    ['SET', "MATCH (n:IamUser) SET n.note = 'x'"],
    ['REMOVE', 'MATCH (n:IamUser) REMOVE n:IamUser'],
    ['FOREACH', 'MATCH (n) FOREACH (x IN [1] | SET n.x = x)'],
    ['LOAD CSV from a file', "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line"],
    ['LOAD CSV from a URL', "load csv from 'http://127.0.0.1:1/x' as line return line"],
    ['a dbms procedure', 'CALL dbms.listConfig()'],
    ['a dbms procedure, quoted', 'CALL `dbms`.`listConfig`()'],
    ['an APOC function', 'RETURN apoc.util.sleep(10)'],
    ['an APOC procedure, quoted', 'CALL `apoc`.load.json("http://127.0.0.1:1/")'],
    ['another procedure', 'CALL db.createLabel("Planted")'],
    ['USE', 'USE system SHOW USERS'],
    ['SHOW', 'SHOW DATABASES'],
    ['DROP', 'DROP INDEX whatever IF EXISTS'],
  ])('refuses %s before it runs, and the graph is unchanged', async (_what, query) => {
    const before = await nodeCount();
    const response = await post({ query });
    expect(response.status).toBe(400);
    const error = ErrorSchema.parse(await response.json()).error;
    expect(error.code).toBe('QUERY_REFUSED');
    expect(error.message).toMatch(/not allowed/);
    expect(await nodeCount()).toBe(before);
  });

  it('reads words inside strings, comments, properties, labels and map keys as what they are, not as clauses', async () => {
    const response = await post({ query: "// CREATE nothing\nMATCH (n:IamUser) /* DELETE */ WHERE n.principalKey <> 'SET x; LOAD CSV' RETURN {create: 1, merge: n.principalKey} AS m, 'CALL dbms.x()' AS s LIMIT 1" });
    expect(response.status, JSON.stringify(await response.clone().json())).toBe(200);
    expect(checkReadOnly('MATCH (n) RETURN n.set, n.delete')).toEqual({ ok: true });
    expect(checkReadOnly('CALL db.labels() YIELD label RETURN label')).toEqual({ ok: true });
    expect(checkReadOnly('MATCH (n) CALL (n) { MATCH (n)-->(m) RETURN count(m) AS c } RETURN c')).toEqual({ ok: true });
  });

  it('runs every query in a read transaction: Neo4j refuses a write that got past the check', async () => {
    const before = await nodeCount();
    // The check is the first wall; the second is the read transaction the console runs every query in (graph.readOnce).
    await expect(
      graph.readOnce((tx) => tx.run("CREATE (:IamUser {principalKey: 'arn:aws:iam::1:user/planted'})")),
    ).rejects.toThrow(/read access mode|not allowed|Writing in read access mode/i);
    expect(await nodeCount()).toBe(before);
  });

  it('answers a query Neo4j cannot run with 400 and its reason, and stops a query at its timeout', async () => {
    const bad = await post({ query: 'MATCH (n RETURN n' });
    expect(bad.status).toBe(400);
    expect(ErrorSchema.parse(await bad.json()).error.code).toBe('BAD_QUERY');
    const missing = await post({ query: 'RETURN $nothing' });
    expect(missing.status).toBe(400);
    // A hundred million rows: many seconds of work.
    const slow = await post({ query: 'UNWIND range(1, 100000000) AS i WITH i WHERE i % 7 = 99 RETURN count(*)', timeoutMs: 200 });
    expect(slow.status).toBe(504);
    expect(ErrorSchema.parse(await slow.json()).error.code).toBe('QUERY_TIMEOUT');
    await expect(runConsoleQuery(graph, 'RETURN 1 AS one', {})).resolves.toMatchObject({ columns: ['one'], rows: [[1]] });
  });

  it('answers no page that reached it by DNS rebinding: a Host that is not loopback is refused without a token', async () => {
    const ask = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${base}/api/cypher`, { method: 'POST', headers: { host, 'content-type': 'application/json' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.once('error', reject);
        req.end(JSON.stringify({ query: 'RETURN 1' }));
      });
    expect(await ask('rebind.attacker.example:8080')).toBe(421);
    expect(await ask('127.0.0.2.nip.io')).toBe(421);
    expect(await ask(new URL(base).host)).toBe(200);
    expect(await ask(`localhost:${new URL(base).port}`)).toBe(200);
    expect(await ask(`[::1]:${new URL(base).port}`)).toBe(200);
  });

  it('takes a JSON body only, and nothing but POST', async () => {
    // text/plain is what another site's page may send without asking: refused.
    const plain = await post(JSON.stringify({ query: 'RETURN 1' }), { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    const broken = await post('{"query": ', { 'content-type': 'application/json' });
    expect(broken.status).toBe(400);
    const extra = await post({ query: 'RETURN 1', write: true });
    expect(extra.status).toBe(400);
    const got = await fetch(`${base}/api/cypher?query=RETURN%201`);
    expect(got.status).toBe(405);
    expect(got.headers.get('allow')).toBe('POST');
  });
});

describe('the console behind a token', () => {
  it('needs the token for POST too, on loopback', async () => {
    const graph = await connectTestGraph();
    const events = await openTestStore(graph);
    const server = await startServer({ graph, events, host: '127.0.0.1', port: 0, version: 'test', token: 'sekret-token' });
    try {
      const without = await fetch(`${server.url}/api/cypher`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'RETURN 1' }) });
      expect(without.status).toBe(401);
      const withToken = await fetch(`${server.url}/api/cypher`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sekret-token' }, body: JSON.stringify({ query: 'RETURN 1' }) });
      expect(withToken.status).toBe(200);
    } finally {
      await server.close();
      await events.close();
      await graph.close();
    }
  });
});
