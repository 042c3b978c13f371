import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/freePort';
import { runCli } from '../support/runCli';

describe('trailhound db start | status | stop', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trailhound-db-cli-'));
  const env = { ...process.env, TRAILHOUND_DATA_DIR: dataDir, TRAILHOUND_NEO4J_HEAP: '512m', TRAILHOUND_NEO4J_PAGECACHE: '256m' };
  afterAll(async () => {
    await runCli(['db', 'stop'], env);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts a real Neo4j in the background, reports it, and stops it cleanly', async () => {
    const port = String(await freePort());
    const portEnv = { ...env, TRAILHOUND_NEO4J_PORT: port };
    const started = await runCli(['db', 'start'], portEnv);
    expect(started.code).toBe(0);
    expect(started.stderr).toContain(`Neo4j is answering on bolt://127.0.0.1:${port}`);
    expect(started.stderr).toContain(`export NEO4J_URI=bolt://127.0.0.1:${port}`);

    const status = await runCli(['db', 'status', '--json'], portEnv);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ answering: true, uri: `bolt://127.0.0.1:${port}`, dataDir });

    const again = await runCli(['db', 'start'], portEnv);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('already running');

    const stopped = await runCli(['db', 'stop'], portEnv);
    expect(stopped.stderr).toContain('Neo4j stopped.');
    const after = await runCli(['db', 'status'], portEnv);
    expect(after.code).toBe(3);
    expect(after.stdout).toContain('not running');
  });

  it('says which port is taken instead of starting a second server on it', async () => {
    const server: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const result = await runCli(['db', 'start', '--port', String(port)], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(result.stderr).toContain('--port');
    } finally {
      server.close();
    }
  });
});
