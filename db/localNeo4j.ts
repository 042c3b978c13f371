import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Graph } from '../graph/driver';
import { TrailhoundError } from '../graph/errors';
import { resolveNeo4jJars } from './mavenJars';
import { readLogTail } from './logTail';
import { ownerOfThisProcess, type ServerOwner } from './serverOwner';

/**
 * Runs a real Neo4j 5.26 community server from Maven artifacts, for machines without Docker.
 * The Java side is db/src/main/java/dev/trailhound/db/LocalNeo4j.java; this module resolves
 * its jars, starts it in the background, waits until it answers `RETURN 1`, and stops it.
 */

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN_CLASS = 'dev.trailhound.db.LocalNeo4j';

export interface LocalNeo4jOptions {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  /** JVM heap, e.g. "3g" (used for both -Xms and -Xmx). */
  readonly heap: string;
  readonly pageCache: string;
  /** Cap on the memory of all open transactions. */
  readonly txMax: string;
  readonly startTimeoutMs: number;
  /** Extra Neo4j settings, e.g. { 'db.logs.query.enabled': 'OFF' }. */
  readonly settings: Readonly<Record<string, string>>;
  /** Extra JVM options (TRAILHOUND_NEO4J_JAVA_OPTS). */
  readonly javaOptions: readonly string[];
}

/**
 * Settings Trailhound applies on top of Neo4j's defaults.
 *
 * - Re-planning: bulk ingest grows the graph fast, and by default Neo4j re-plans every cached
 *   query each time statistics change by 75% (every few batches of a load into an empty graph,
 *   ~150 ms per query each time); our write queries seek by unique key whatever the statistics,
 *   so re-planning at most every 5 minutes is enough.
 * - Transaction logs: Neo4j keeps them two days by default, for incremental backups and
 *   cluster members, which a community server run alone has neither of. A load of 1M CloudTrail
 *   events writes about 260 MB of them: a day of loads (benchmarks here) left 69 GB, and the
 *   disk full. Only what crash recovery needs is kept: the logs since the last checkpoint, which
 *   runs every minute (Neo4j's default is 15 minutes, some GB of a long load). A checkpoint a
 *   minute did not slow a 1M-event load (docs/benchmarks.md).
 */
export const DEFAULT_NEO4J_SETTINGS: Readonly<Record<string, string>> = {
  'dbms.cypher.min_replan_interval': '5m',
  'db.tx_log.rotation.retention_policy': 'keep_none',
  'db.checkpoint.interval.time': '1m',
};

/** Parses "name=value,name=value" (TRAILHOUND_NEO4J_SETTINGS). */
export function parseSettings(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return out;
}

export interface RunningInfo {
  readonly pid: number;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly startedAt: string;
  /** Who started it (absent in pid files written before owners were recorded). */
  readonly owner?: ServerOwner;
}

export interface StartOptions {
  /** Recorded in the pid file; by default this process, keeping the server until `db stop`. */
  readonly owner?: ServerOwner;
  /** A stop requested while starting: no server is started after it, and waiting ends. */
  readonly signal?: AbortSignal;
}

export type Progress = (message: string) => void;

/**
 * Defaults sized for the 2-core / 24 GiB machines Trailhound is built on: 3 GiB heap and 4 GiB
 * page cache leave most memory to the OS cache and to Node. Every value can be overridden by
 * flag or environment variable.
 */
export function localNeo4jOptions(
  overrides: Partial<LocalNeo4jOptions> = {},
  env: NodeJS.ProcessEnv = process.env,
): LocalNeo4jOptions {
  return {
    dataDir: resolve(overrides.dataDir ?? env.TRAILHOUND_DATA_DIR ?? join(PROJECT_ROOT, '.data', 'neo4j')),
    host: overrides.host ?? env.TRAILHOUND_NEO4J_HOST ?? '127.0.0.1',
    port: overrides.port ?? (Number(env.TRAILHOUND_NEO4J_PORT) || portFromUri(env.NEO4J_URI) || 7687),
    heap: overrides.heap ?? env.TRAILHOUND_NEO4J_HEAP ?? '3g',
    pageCache: overrides.pageCache ?? env.TRAILHOUND_NEO4J_PAGECACHE ?? '4g',
    txMax: overrides.txMax ?? env.TRAILHOUND_NEO4J_TX_MAX ?? '2g',
    startTimeoutMs: overrides.startTimeoutMs ?? (Number(env.TRAILHOUND_NEO4J_START_TIMEOUT) || 120) * 1000,
    settings: { ...DEFAULT_NEO4J_SETTINGS, ...parseSettings(env.TRAILHOUND_NEO4J_SETTINGS), ...overrides.settings },
    javaOptions: overrides.javaOptions ?? (env.TRAILHOUND_NEO4J_JAVA_OPTS ?? '').split(/\s+/).filter(Boolean),
  };
}

/** A loopback bolt:// NEO4J_URI names the port the local server should use. */
function portFromUri(uri: string | undefined): number | undefined {
  if (!uri) return undefined;
  try {
    const url = new URL(uri);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return undefined;
    return url.port ? Number(url.port) : undefined;
  } catch {
    return undefined;
  }
}

export function boltUri(options: Pick<LocalNeo4jOptions, 'host' | 'port'>): string {
  return `bolt://${options.host}:${options.port}`;
}

const pidFile = (dataDir: string) => join(dataDir, 'trailhound-neo4j.pid');
export const logFile = (dataDir: string) => join(dataDir, 'trailhound-neo4j.log');

/** The server recorded in the data dir, if its process is still alive. */
export function runningServer(dataDir: string): RunningInfo | null {
  const file = pidFile(dataDir);
  if (!existsSync(file)) return null;
  let info: RunningInfo;
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as RunningInfo;
  } catch {
    return null;
  }
  return isOurProcess(info.pid) ? info : null;
}

/** Alive and really our Neo4j (a recycled pid must not be mistaken for it). */
function isOurProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(MAIN_CLASS);
  } catch {
    return true; // no /proc (macOS): trust the signal check
  }
}

export async function startLocalNeo4j(
  options: LocalNeo4jOptions,
  progress: Progress = () => {},
  start: StartOptions = {},
): Promise<RunningInfo & { alreadyRunning: boolean }> {
  const already = runningServer(options.dataDir);
  if (already) {
    await waitUntilAnswering(already, options.startTimeoutMs, progress, () => isOurProcess(already.pid), start.signal);
    return { ...already, alreadyRunning: true };
  }
  requireJava();
  await requireFreePort(options.host, options.port);
  const classpath = await resolveNeo4jJars(progress);
  // The last moment to give up without leaving a server behind.
  start.signal?.throwIfAborted();

  mkdirSync(options.dataDir, { recursive: true });
  const log = openSync(logFile(options.dataDir), 'a');
  const child = spawn(
    'java',
    [
      `-Xms${options.heap}`,
      `-Xmx${options.heap}`,
      '-XX:+UseG1GC',
      '-XX:+ExitOnOutOfMemoryError',
      '-Dfile.encoding=UTF-8',
      // Neo4j's own launcher opens these; without them the page cache falls back to slower paths.
      '--add-opens=java.base/java.nio=ALL-UNNAMED',
      '--add-opens=java.base/java.io=ALL-UNNAMED',
      '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
      '--add-exports=java.base/sun.nio.ch=ALL-UNNAMED',
      '-Dio.netty.tryReflectionSetAccessible=true',
      ...options.javaOptions,
      `-Dtrailhound.home=${options.dataDir}`,
      `-Dtrailhound.host=${options.host}`,
      `-Dtrailhound.port=${options.port}`,
      `-Dtrailhound.pagecache=${options.pageCache}`,
      `-Dtrailhound.txmax=${options.txMax}`,
      ...Object.entries(options.settings).map(([name, value]) => `-Dneo4j.${name}=${value}`),
      '-cp',
      classpath,
      MAIN_CLASS,
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  if (child.pid === undefined) throw new TrailhoundError('NEO4J_START', 'Could not start java for the local Neo4j.');
  child.unref();
  const info: RunningInfo = {
    pid: child.pid,
    host: options.host,
    port: options.port,
    dataDir: options.dataDir,
    startedAt: new Date().toISOString(),
    owner: start.owner ?? ownerOfThisProcess('trailhound', false),
  };
  writeFileSync(pidFile(options.dataDir), JSON.stringify(info, null, 2));

  try {
    await waitUntilAnswering(info, options.startTimeoutMs, progress, () => isOurProcess(info.pid), start.signal);
  } catch (error) {
    await stopProcess(info.pid, 10_000);
    rmSync(pidFile(options.dataDir), { force: true });
    throw error;
  }
  return { ...info, alreadyRunning: false };
}

async function waitUntilAnswering(
  info: RunningInfo,
  timeoutMs: number,
  progress: Progress,
  alive: () => boolean,
  signal?: AbortSignal,
): Promise<void> {
  const started = Date.now();
  const uri = boltUri(info);
  let lastError = '';
  while (Date.now() - started < timeoutMs) {
    signal?.throwIfAborted();
    if (!alive()) {
      throw new TrailhoundError(
        'NEO4J_START',
        `The local Neo4j exited while starting. Last lines of ${logFile(info.dataDir)}:\n${readLogTail(logFile(info.dataDir), 25)}`,
        'Fix the cause above (port in use, data dir locked by another Neo4j, not enough memory), then run `npx trailhound db start` again.',
      );
    }
    try {
      const graph = await Graph.connect({ uri, user: 'neo4j', password: undefined, database: 'neo4j' });
      try {
        await graph.read('RETURN 1 AS ok');
        return;
      } finally {
        await graph.close();
      }
    } catch (error) {
      lastError = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    }
    progress(`waiting for Neo4j to answer on ${uri} (${Math.round((Date.now() - started) / 1000)}s)`);
    await sleep(500);
  }
  throw new TrailhoundError(
    'NEO4J_START_TIMEOUT',
    `Neo4j did not answer on ${uri} within ${Math.round(timeoutMs / 1000)}s (last error: ${lastError}). ` +
      `Last lines of ${logFile(info.dataDir)}:\n${readLogTail(logFile(info.dataDir), 25)}`,
    'A slow machine may need more time: set TRAILHOUND_NEO4J_START_TIMEOUT (seconds) or pass --timeout.',
  );
}

/** Records a new owner of a running server (a demo taking over a leaked one, `demo --no-serve` keeping it). */
export function recordOwner(dataDir: string, owner: ServerOwner): void {
  const info = runningServer(dataDir);
  if (info) writeFileSync(pidFile(dataDir), JSON.stringify({ ...info, owner }, null, 2));
}

/**
 * The last resort of a forced stop: kills the server this process owns at once, synchronously
 * (the process exits right after). Neo4j recovers from its transaction log at the next start.
 * A server owned by anyone else is left alone.
 */
export function killOwnedNeo4jNow(dataDir: string): boolean {
  const info = runningServer(dataDir);
  if (!info || info.owner?.pid !== process.pid) return false;
  try {
    process.kill(info.pid, 'SIGKILL');
  } catch {
    return false;
  }
  // The process exits right after this: wait (synchronously, at most 3 s) until the kernel has
  // taken the server down, so that whoever sees this process gone also sees the port free.
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; waited < 3000 && isAlive(info.pid); waited += 20) Atomics.wait(pause, 0, 0, 20);
  rmSync(pidFile(dataDir), { force: true });
  return true;
}

/** Stops the server cleanly (SIGTERM runs its shutdown hook); SIGKILL only after the grace period. */
export async function stopLocalNeo4j(dataDir: string, progress: Progress = () => {}, graceMs = 60_000): Promise<boolean> {
  const info = runningServer(dataDir);
  if (info) {
    progress(`stopping Neo4j (pid ${info.pid})`);
    await stopProcess(info.pid, graceMs);
  }
  rmSync(pidFile(dataDir), { force: true });
  return info !== null;
}

async function stopProcess(pid: number, graceMs: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(200);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Running, and not a zombie: a server killed after its starter died is an orphan, and where the
 * container's init does not reap orphans it stays in the process table as a zombie for good.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch (error) {
    // No /proc (macOS): kill(pid, 0) is all there is to go on.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync('/proc/self');
  }
}

export interface LocalStatus {
  readonly running: RunningInfo | null;
  readonly answering: boolean;
  readonly dataDir: string;
  readonly storeBytes: number;
}

export async function localNeo4jStatus(options: LocalNeo4jOptions): Promise<LocalStatus> {
  const running = runningServer(options.dataDir);
  let answering = false;
  if (running) {
    try {
      const graph = await Graph.connect({ uri: boltUri(running), user: 'neo4j', password: undefined, database: 'neo4j' });
      await graph.read('RETURN 1');
      await graph.close();
      answering = true;
    } catch {
      answering = false;
    }
  }
  return { running, answering, dataDir: options.dataDir, storeBytes: directorySize(join(options.dataDir, 'data')) };
}

function directorySize(path: string): number {
  if (!existsSync(path)) return 0;
  const result = spawnSync('du', ['-sb', path], { encoding: 'utf8' });
  return Number(result.stdout.split('\t')[0]) || 0;
}

function requireJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new TrailhoundError(
      'JAVA_MISSING',
      'Java is needed to run the local Neo4j, and `java` was not found.',
      'Install Java 17 or newer (e.g. `apt-get install openjdk-17-jre-headless`), or use docker-compose / NEO4J_URI instead.',
    );
  }
  const match = /version "(\d+)/.exec(result.stderr);
  if (match && Number(match[1]) < 17) {
    throw new TrailhoundError('JAVA_OLD', `Neo4j 5.26 needs Java 17 or newer; found ${match[0]}.`, 'Install Java 17 or newer.');
  }
}

function requireFreePort(host: string, port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new TrailhoundError(
          'PORT_IN_USE',
          `Port ${port} on ${host} is already in use${error.code === 'EADDRINUSE' ? '' : ` (${error.code})`}.`,
          'Another Neo4j may be running there: use it through NEO4J_URI, stop it, or start this one with --port <free port>.',
        ),
      );
    });
    server.listen(port, host, () => server.close(() => resolvePromise()));
  });
}

export function storeExists(dataDir: string): boolean {
  return existsSync(join(dataDir, 'data')) && statSync(join(dataDir, 'data')).isDirectory();
}
