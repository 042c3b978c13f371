import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive as alive, stopLocalNeo4j, type RunningInfo } from '../../db/localNeo4j';
import { freePort } from '../support/freePort';
import { runCli } from '../support/runCli';

const BIN = fileURLToPath(new URL('../../bin/trailhound.js', import.meta.url));
const SIZE = ['--events', '400', '--flow-lines', '600', '--days', '2'];
/** A stop that takes longer than this is a stop that a supervisor would end with SIGKILL. */
const STOP_BOUND_MS = 60_000;

/**
 * `trailhound demo` under a supervisor: started in its own process group, as `setsid`, systemd,
 * `docker stop` and CI runners run it, and stopped the way they stop things. Whatever arrives, the
 * database the demo started must be gone and its port free within a bounded time.
 */
describe('a stopped demo never leaves its database running', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trailhound-stop-'));
  const dataDir = join(dir, 'neo4j');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['NEO4J_URI', 'TRAILHOUND_PORT', 'TRAILHOUND_HOST', 'TRAILHOUND_TOKEN']) delete env[name];
  let dbPort = 0;

  beforeAll(async () => {
    dbPort = await freePort();
  });

  afterAll(async () => {
    await stopLocalNeo4j(dataDir, () => {}, 30_000);
    rmSync(dir, { recursive: true, force: true });
  });

  interface Demo {
    readonly launcher: ChildProcess;
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    output(): string;
  }

  /** The demo in a process group of its own (the launcher leads it, the command is its child). */
  function startDemo(extra: string[] = []): Demo {
    let output = '';
    const launcher = spawn(process.execPath, [BIN, 'demo', '--dir', dir, ...SIZE, '--port', '0', '--db-port', String(dbPort), ...extra], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => launcher.once('exit', (code, signal) => resolve({ code, signal })));
    return { launcher, exited, output: () => output };
  }

  async function waitFor(demo: Demo, pattern: RegExp, what: string): Promise<void> {
    const deadline = Date.now() + 150_000;
    while (!pattern.test(demo.output())) {
      if (demo.launcher.exitCode !== null || demo.launcher.signalCode !== null) throw new Error(`the demo exited before ${what}:\n${demo.output()}`);
      if (Date.now() > deadline) throw new Error(`the demo did not reach ${what}:\n${demo.output()}`);
      await sleep(100);
    }
  }

  function databaseProcess(): RunningInfo {
    return JSON.parse(readFileSync(join(dataDir, 'trailhound-neo4j.pid'), 'utf8')) as RunningInfo;
  }

  async function startingDatabase(demo: Demo): Promise<number> {
    const deadline = Date.now() + 60_000;
    while (!existsSync(join(dataDir, 'trailhound-neo4j.pid'))) {
      if (demo.launcher.exitCode !== null) throw new Error(`the demo exited before starting its database:\n${demo.output()}`);
      if (Date.now() > deadline) throw new Error(`the demo did not start its database:\n${demo.output()}`);
      await sleep(20);
    }
    expect(demo.output()).not.toContain('serving the demo');
    return databaseProcess().pid;
  }

  const signalGroup = (demo: Demo, signal: NodeJS.Signals) => process.kill(-demo.launcher.pid!, signal);

  /** The demo exited, and the database it started is gone with its port, within the bound. */
  async function expectCleanStop(demo: Demo, neo4jPid: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const started = Date.now();
    const result = await Promise.race([demo.exited, sleep(STOP_BOUND_MS).then(() => null)]);
    if (!result) {
      process.kill(-demo.launcher.pid!, 'SIGKILL');
      throw new Error(`the demo did not stop within ${STOP_BOUND_MS / 1000} s:\n${demo.output()}`);
    }
    // A database killed in the last instant may take a moment to be gone from the process table.
    expect(await goneWithin(neo4jPid, 10_000), `Neo4j (pid ${neo4jPid}) still running after the demo exited:\n${demo.output()}`).toBe(true);
    expect(await portAnswers(dbPort)).toBe(false);
    expect(existsSync(join(dataDir, 'trailhound-neo4j.pid'))).toBe(false);
    expect(Date.now() - started).toBeLessThan(STOP_BOUND_MS);
    return result;
  }

  async function serving(extra: string[] = []): Promise<{ demo: Demo; neo4jPid: number }> {
    const demo = startDemo(extra);
    await waitFor(demo, /serving the demo on http/, 'serving');
    const info = databaseProcess();
    expect(alive(info.pid)).toBe(true);
    expect(info.owner?.stopsWithOwner).toBe(true);
    return { demo, neo4jPid: info.pid };
  }

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} to the whole process group stops the demo and its database`, async () => {
      const { demo, neo4jPid } = await serving();
      signalGroup(demo, signal);
      const result = await expectCleanStop(demo, neo4jPid);
      expect(result.code).toBe(0);
      expect(demo.output()).toContain(`${signal} received: stopping`);
      expect(demo.output()).toContain('Demo database stopped.');
      // Received once by each process of the group, handled once: the launcher did not pass it on again.
      expect(demo.output()).not.toContain('still stopping');
    });
  }

  it('SIGHUP to the launcher alone (its terminal closed) is passed on to the demo, which stops in order', async () => {
    const { demo, neo4jPid } = await serving();
    demo.launcher.kill('SIGHUP');
    const result = await expectCleanStop(demo, neo4jPid);
    expect(result.code).toBe(0);
    expect(demo.output()).toContain('Demo database stopped.');
  });

  it('two SIGTERMs 100 ms apart to the group: the second is acknowledged, the stop completes', async () => {
    const { demo, neo4jPid } = await serving();
    signalGroup(demo, 'SIGTERM');
    await sleep(100);
    signalGroup(demo, 'SIGTERM');
    const result = await expectCleanStop(demo, neo4jPid);
    expect(result.code).toBe(0);
    expect(demo.output()).toContain('SIGTERM received: still stopping');
    expect(demo.output()).toContain('Demo database stopped.');
  });

  it('a third signal within seconds forces an immediate stop that still kills the database', async () => {
    const { demo, neo4jPid } = await serving();
    for (let i = 0; i < 3; i += 1) {
      signalGroup(demo, 'SIGINT');
      await sleep(50);
    }
    const result = await expectCleanStop(demo, neo4jPid);
    expect(demo.output()).toContain('SIGINT received again: stopping now.');
    // Either the forced exit, or the orderly stop finished first: both leave nothing running.
    expect([0, 130]).toContain(result.code);
  });

  it('a signal while the database is still starting stops it too', async () => {
    const demo = startDemo();
    // The pid file is written as soon as Neo4j is spawned, seconds before it answers.
    const neo4jPid = await startingDatabase(demo);
    signalGroup(demo, 'SIGTERM');
    const result = await expectCleanStop(demo, neo4jPid);
    expect(result.code, demo.output()).toBe(143);
    expect(demo.output()).toContain('Stopped before the demo was loaded');
  });

  it('a demo killed outright leaves a database that `db status` calls leaked; the next demo says so, takes it over and stops it', async () => {
    const first = await serving();
    // SIGKILL cannot be handled: this is the leak the owner record makes visible.
    signalGroup(first.demo, 'SIGKILL');
    await first.demo.exited;
    expect(alive(first.neo4jPid)).toBe(true);

    const status = await runCli(['db', 'status', '--data-dir', dataDir, '--port', String(dbPort), '--json'], env);
    const parsed = JSON.parse(status.stdout) as { ownerState: string; running: RunningInfo };
    expect(parsed.ownerState).toBe('leaked');
    expect(parsed.running.owner?.command).toBe('trailhound demo');
    const human = await runCli(['db', 'status', '--data-dir', dataDir, '--port', String(dbPort)], env);
    expect(human.stdout).toMatch(/owner: LEAKED: started by trailhound demo \(pid \d+/);
    expect(human.stdout).toContain('trailhound db stop --data-dir');

    const second = startDemo();
    await waitFor(second, /serving the demo on http/, 'serving');
    expect(second.output()).toContain('left running by an earlier demo');
    expect(databaseProcess().pid).toBe(first.neo4jPid);
    signalGroup(second, 'SIGTERM');
    await expectCleanStop(second, first.neo4jPid);
  });

  it('a database started with `db start` is kept: the demo reuses it, says so, and leaves it running', async () => {
    const started = await runCli(['db', 'start', '--data-dir', dataDir, '--port', String(dbPort), '--heap', '1g', '--pagecache', '256m'], env);
    expect(started.code).toBe(0);
    const info = databaseProcess();
    expect(info.owner).toMatchObject({ command: 'trailhound db start', stopsWithOwner: false });
    const status = await runCli(['db', 'status', '--data-dir', dataDir, '--port', String(dbPort), '--json'], env);
    expect((JSON.parse(status.stdout) as { ownerState: string }).ownerState).toBe('kept');

    const demo = startDemo();
    await waitFor(demo, /serving the demo on http/, 'serving');
    expect(demo.output()).toMatch(/Reusing the running demo database: it was not started by this demo \(started by trailhound db start/);
    signalGroup(demo, 'SIGTERM');
    const result = await Promise.race([demo.exited, sleep(STOP_BOUND_MS).then(() => null)]);
    expect(result?.code).toBe(0);
    expect(alive(info.pid)).toBe(true);
    expect(demo.output()).not.toContain('Demo database stopped.');
    await stopLocalNeo4j(dataDir, () => {}, 30_000);
  });
});

async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
