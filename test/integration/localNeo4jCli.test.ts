import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
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

  it('keeps only the transaction logs crash recovery needs: a checkpoint prunes the rest', async () => {
    // Small log files and frequent checkpoints, so that a few MB of writes rotate through several
    // files and a checkpoint soon follows: Trailhound's retention setting is what is under test
    // (Neo4j's default keeps every file for two days).
    const port = String(await freePort());
    const smallLogs = { ...env, TRAILHOUND_NEO4J_PORT: port, TRAILHOUND_NEO4J_SETTINGS: 'db.tx_log.rotation.size=1M,db.checkpoint.interval.time=2s' };
    expect((await runCli(['db', 'start'], smallLogs)).code).toBe(0);
    const folder = join(dataDir, 'data', 'transactions', 'neo4j');
    const logs = () => readdirSync(folder).filter((name) => /^neostore\.transaction\.db\.\d+$/.test(name));
    const driver = neo4j.driver(`bolt://127.0.0.1:${port}`, neo4j.auth.basic('neo4j', 'unused'));
    try {
      const session = driver.session();
      try {
        for (let batch = 0; batch < 8; batch++) {
          await session.run('UNWIND range(1, 2000) AS i CREATE (:Padding {batch: $batch, i: i, text: $text})', { batch, text: 'x'.repeat(400) });
        }
        // Files are numbered as they are started: the newest number says how many were written.
        await expect.poll(() => Math.max(...logs().map((name) => Number(name.split('.').pop()))), { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
        // What stays: the file of the last transaction before the checkpoint, any after it, and
        // the one being written (each batch here is about one file's worth).
        await expect.poll(() => logs().length, { timeout: 60_000, interval: 500 }).toBeLessThanOrEqual(3);
        expect(logs()).not.toContain('neostore.transaction.db.0');
        const bytes = logs().reduce((sum, name) => sum + statSync(join(folder, name)).size, 0);
        expect(bytes).toBeLessThan(5 * 1024 * 1024);
        // Pruning let go of logs, not of writes.
        const count = await session.run('MATCH (p:Padding) RETURN count(p) AS n');
        expect(count.records[0]!.get('n').toNumber()).toBe(16_000);
      } finally {
        await session.close();
      }
    } finally {
      await driver.close();
      await runCli(['db', 'stop'], smallLogs);
    }
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
