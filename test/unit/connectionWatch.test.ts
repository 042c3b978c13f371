import { describe, expect, it } from 'vitest';
import { isConnectionLoss, watchWhileRunning, withCommitted, type LostDatabasePolicy } from '../../graph/connectionWatch';
import { connectionError } from '../../graph/driver';
import { EXIT_CODES, TrailhoundError } from '../../graph/errors';

const URI = 'bolt://db.example:7687';

function policy(messages: string[], giveUpAfterMs = 300): LostDatabasePolicy {
  return { checkAfterMs: 20, giveUpAfterMs, onTrouble: (m) => messages.push(m) };
}

const forever = () => new Promise<never>(() => {});

describe('watchWhileRunning: a query whose server stops answering', () => {
  it('a quick query is never checked', async () => {
    let checks = 0;
    const result = await watchWhileRunning(Promise.resolve(42), URI, policy([]), async () => (checks++, true));
    expect(result).toBe(42);
    expect(checks).toBe(0);
  });

  it('a slow query on a server that answers goes on, unreported', async () => {
    const messages: string[] = [];
    const slow = new Promise((resolve) => setTimeout(() => resolve('done'), 150));
    await expect(watchWhileRunning(slow, URI, policy(messages), async () => true)).resolves.toBe('done');
    expect(messages).toEqual([]);
  });

  it('says once that the server stopped answering, then gives up after the bound with exit status 3', async () => {
    const messages: string[] = [];
    const started = Date.now();
    const error = await watchWhileRunning(forever(), URI, policy(messages, 300), async () => 'connect ECONNREFUSED').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrailhoundError);
    expect(error).toMatchObject({ code: 'NEO4J_LOST', exitCode: EXIT_CODES.databaseUnavailable });
    expect((error as Error).message).toBe(`The database at ${URI} stopped answering and did not come back within 0 s (connect ECONNREFUSED).`);
    expect(messages).toEqual([`The database at ${URI} stopped answering (connect ECONNREFUSED); retrying for up to 0 s.`]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('says when the server answers again, and the query completes', async () => {
    const messages: string[] = [];
    const answers: (true | string)[] = ['refused', true];
    const query = new Promise((resolve) => setTimeout(() => resolve('committed'), 1_500));
    await expect(watchWhileRunning(query, URI, policy(messages, 10_000), async () => answers.shift() ?? true)).resolves.toBe('committed');
    expect(messages).toEqual([`The database at ${URI} stopped answering (refused); retrying for up to 10 s.`, `The database at ${URI} answers again; going on.`]);
  });

  it("turns the driver's own report of a lost server into the same error, and leaves other errors alone", async () => {
    const lost = Object.assign(new Error('Failed to connect to server. Please ensure that your database is listening'), { code: 'ServiceUnavailable' });
    await expect(watchWhileRunning(Promise.reject(lost), URI, policy([]), async () => true)).rejects.toMatchObject({ code: 'NEO4J_LOST' });
    const syntax = Object.assign(new Error('Invalid input'), { code: 'Neo.ClientError.Statement.SyntaxError' });
    await expect(watchWhileRunning(Promise.reject(syntax), URI, policy([]), async () => true)).rejects.toBe(syntax);
    expect(isConnectionLoss(syntax)).toBe(false);
  });

  it('adds what was committed to a lost database, and nothing to other errors', () => {
    const lost = new TrailhoundError('NEO4J_LOST', 'gone', 'start it', { exitCode: 3 });
    const said = withCommitted(lost, '10 records loaded') as TrailhoundError;
    expect(said.message).toContain('Committed before it stopped: 10 records loaded.');
    expect(said.message).toContain('running the same command again is safe');
    expect(said.exitCode).toBe(3);
    const other = new Error('x');
    expect(withCommitted(other, '10')).toBe(other);
  });
});

describe('connectionError: the database refused at start', () => {
  const settings = { uri: URI, user: 'neo4j', password: 'x', database: 'neo4j' };
  it('refused credentials: exit status 4, and which settings to fix', () => {
    const error = connectionError(settings, Object.assign(new Error('unauthorized'), { code: 'Neo.ClientError.Security.Unauthorized' }));
    expect(error).toMatchObject({ code: 'NEO4J_AUTH', exitCode: EXIT_CODES.databaseCredentials });
    expect(error.hint).toContain('NEO4J_PASSWORD');
  });
  it('nobody listening: exit status 3', () => {
    const error = connectionError(settings, Object.assign(new Error('connect ECONNREFUSED'), { code: 'ServiceUnavailable' }));
    expect(error).toMatchObject({ code: 'NEO4J_UNREACHABLE', exitCode: EXIT_CODES.databaseUnavailable });
  });
});
