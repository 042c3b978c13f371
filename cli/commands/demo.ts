import { join, resolve } from 'node:path';
import { rm } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { neo4jSettingsFromEnv, type Neo4jSettings } from '../../graph/config';
import { Graph } from '../../graph/driver';
import { TrailhoundError } from '../../graph/errors';
import { migrate } from '../../graph/migrate';
import { boltUri, killOwnedNeo4jNow, localNeo4jOptions, PROJECT_ROOT, recordOwner, runningServer, startLocalNeo4j, stopLocalNeo4j, type RunningInfo } from '../../db/localNeo4j';
import { describeOwner, ownerOfThisProcess, ownerState } from '../../db/serverOwner';
import { AUTO } from '../../ingest/autoSource';
import { DEMO_DEFAULTS, DEMO_END, prepareScenario } from '../../demo/prepare';
import { LOGS, type ScenarioManifest } from '../../demo/scenario';
import { accessFromEnv, startServer } from '../../server/start';
import { openEventStore, type EventStore } from '../../store/eventStore';
import { storeDirFrom } from '../../store/storeIdentity';
import { formatCount } from '../format';
import { ProgressLine } from '../progressLine';
import { exitCodeFor, handleStopSignals, type StopController } from '../stopSignals';
import { keepServingThroughStrayRejections } from '../strayRejections';
import { VERSION } from '../version';
import { describeSummary, ingestWithProgress } from './ingest';
import { describeWalkthrough } from './demoWalkthrough';

interface DemoFlags {
  dir: string;
  seed: string;
  events: string;
  flowLines: string;
  days: string;
  reset?: boolean;
  serve: boolean;
  port: string;
  host: string;
  dbPort: string;
}

interface GenerateFlags {
  seed: string;
  events: string;
  flowLines: string;
  days: string;
}

const scenarioOptions = (command: Command) =>
  command
    .addOption(new Option('--seed <n>', 'the scenario is the same for the same seed').default(String(DEMO_DEFAULTS.seed)))
    .addOption(new Option('--events <n>', 'background CloudTrail events (the incident adds ~400)').default(String(DEMO_DEFAULTS.events)))
    .addOption(new Option('--flow-lines <n>', 'background VPC flow log records').default(String(DEMO_DEFAULTS.flowLines)))
    .addOption(new Option('--days <n>', 'days of history before the incident, for baselines').default(String(DEMO_DEFAULTS.days)));

export function demoCommand(): Command {
  const demo = scenarioOptions(
    new Command('demo')
      .description('load a realistic incident (leaked key, role chain, exfiltration, backdoor, C2) into a local graph and serve it: no AWS account, no Docker')
      .addOption(new Option('--dir <dir>', 'where the demo keeps its logs and database').default(join(PROJECT_ROOT, '.data', 'demo'), '.data/demo'))
      .option('--reset', 'wipe the demo database first (the generated logs are kept when the options match)')
      .option('--no-serve', 'load and exit, leaving the demo database running')
      .addOption(new Option('--port <port>', 'HTTP port of the API').env('TRAILHOUND_PORT').default('8080'))
      .addOption(new Option('--host <host>', 'address to listen on; anything but loopback needs TRAILHOUND_TOKEN').env('TRAILHOUND_HOST').default('127.0.0.1'))
      .addOption(new Option('--db-port <port>', 'Bolt port of the demo database (when NEO4J_URI is not set)').default('7688'))
      // `demo generate --events N`: the subcommand parses its own options.
      .enablePositionalOptions(),
  )
    .addHelpText(
      'after',
      `
Without NEO4J_URI the demo runs its own Neo4j (data in <dir>/neo4j, Bolt on 127.0.0.1:<db-port>),
apart from your investigations, and stops it when you stop the demo. With NEO4J_URI set it loads
into that database instead (and --reset refuses to wipe it).

The logs are written as AWS delivers them (CloudTrail .json.gz in the S3 layout, flow logs
.log.gz, GuardDuty EventBridge events and S3 export) under <dir>/scenario/${LOGS}, then loaded by
the same code as \`trailhound ingest\`. Running the demo again loads nothing twice.

Examples:
  npx trailhound demo
  npx trailhound demo --port 9090 --reset
  npx trailhound demo generate /tmp/big --events 2000000 --flow-lines 20000000   (benchmark input)`,
    )
    .action(async (flags: DemoFlags) => runDemo(flags));

  scenarioOptions(demo.command('generate').description('only write the scenario\'s log files (benchmark input, or to ingest yourself)').argument('<dir>', 'output directory'))
    .action(async (dir: string, flags: GenerateFlags) => {
      const line = new ProgressLine();
      const { manifest, reused } = await prepareScenario({ dir: resolve(dir), ...scenarioNumbers(flags), end: DEMO_END }, (m) => line.update(m));
      line.done(`${reused ? 'Already there' : 'Wrote'}: ${describeCounts(manifest)} in ${resolve(dir, LOGS)}.\n  Load it with: npx trailhound ingest ${resolve(dir, LOGS)}`);
    });
  return demo;
}

async function runDemo(flags: DemoFlags): Promise<void> {
  // Installed first: a signal at any moment, even while the database starts, stops in order.
  const stop = handleStopSignals();
  const stopGuarding = keepServingThroughStrayRejections();
  const starting = new AbortController();
  void stop.stopRequested.then(() => starting.abort(new TrailhoundError('STOPPED', 'Stopped while starting the demo database.')));
  const dir = resolve(flags.dir);
  const line = new ProgressLine();
  const configured = Boolean(process.env.NEO4J_URI?.trim());
  let settings: Neo4jSettings;
  const dbOptions = localNeo4jOptions({ dataDir: join(dir, 'neo4j'), port: integer('--db-port', flags.dbPort), heap: '1g', pageCache: '1g' });
  // The demo's own graph keeps its events beside its database; a configured graph, where the user's do.
  const storeDir = configured ? storeDirFrom(undefined) : join(dir, 'events');
  // The data dir of a database this run owns and so must stop, or null. Ownership is also in the
  // pid file, and the force action kills only a server whose recorded owner is this process.
  let ownDatabase: string | null = null;
  stop.onForce(() => {
    if (ownDatabase && killOwnedNeo4jNow(ownDatabase)) process.stderr.write('Demo database killed (it recovers at its next start).\n');
  });

  let interrupted = false;
  try {
    if (configured) {
      settings = neo4jSettingsFromEnv();
      if (flags.reset) {
        throw new TrailhoundError(
          'BAD_OPTION',
          `--reset wipes the demo's own database, and NEO4J_URI (${settings.uri}) names yours: the demo will not wipe it.`,
          'Unset NEO4J_URI to use the demo database, or empty yours yourself.',
        );
      }
    } else {
      if (flags.reset) {
        line.update('--reset: stopping and wiping the demo database and its event store', true);
        await stopLocalNeo4j(dbOptions.dataDir);
        await rm(dbOptions.dataDir, { recursive: true, force: true });
        await rm(storeDir, { recursive: true, force: true });
      }
      const existing = runningServer(dbOptions.dataDir);
      if (!existing) ownDatabase = dbOptions.dataDir;
      const info = await untilStopped(
        stop,
        startLocalNeo4j(dbOptions, (m) => line.update(`demo database: ${m}`), { owner: ownerOfThisProcess('trailhound demo', true), signal: starting.signal }),
      );
      if (info === STOPPED) {
        interrupted = true;
        return;
      }
      line.done(`Demo database: ${boltUri(info)} (data in ${info.dataDir})${info.alreadyRunning ? ', already running' : ''}.`);
      if (existing) ownDatabase = reuseRunning(existing, dbOptions.dataDir);
      settings = { uri: boltUri(info), user: 'neo4j', password: undefined, database: 'neo4j' };
    }

    const manifest = await untilStopped(stop, loadScenario(flags, dir, storeDir, settings, line));
    if (manifest === STOPPED) {
      interrupted = true;
      return;
    }

    if (!flags.serve) {
      // Kept running on purpose: `db status` must not call it leaked once this command is gone.
      if (ownDatabase) recordOwner(ownDatabase, ownerOfThisProcess('trailhound demo --no-serve', false));
      process.stderr.write(
        `\nLoaded. ${ownDatabase ? `The demo database keeps running; stop it with: npx trailhound db stop --data-dir ${dbOptions.dataDir} --port ${dbOptions.port}\n` : ''}` +
          `Serve it with: ${configured ? '' : `NEO4J_URI=${settings.uri} `}npx trailhound serve${configured ? '' : ` --store ${storeDir}`}\n`,
      );
      ownDatabase = null;
      return;
    }
    await serveUntilStopped(settings, storeDir, flags, manifest, stop);
  } finally {
    if (ownDatabase) {
      line.update('stopping the demo database', true);
      await stopLocalNeo4j(ownDatabase);
      line.done('Demo database stopped.');
    }
    stop.dispose();
    stopGuarding();
    // Here, not after the try: a stop while loading returns from inside it.
    if (interrupted && stop.signal) {
      process.stderr.write('Stopped before the demo was loaded; what was committed is kept, and running the demo again continues from there.\n');
      // The load may still hold timers and the event store's writer: end here, its staging is
      // recovered by the next run (docs/event-store.md).
      process.exit(exitCodeFor(stop.signal));
    }
  }
}

/** Says what a database the demo did not start is, and whether this run takes it over. Returns the data dir when it does. */
function reuseRunning(existing: RunningInfo, dataDir: string): string | null {
  const state = ownerState(existing.owner);
  const stopHint = `stop it with: npx trailhound db stop --data-dir ${dataDir} --port ${existing.port}`;
  if (state === 'leaked') {
    recordOwner(dataDir, ownerOfThisProcess('trailhound demo', true));
    process.stderr.write(`  → This database was left running by an earlier demo (${describeOwner(existing.owner)}); this demo takes it over and stops it when it stops.\n`);
    return dataDir;
  }
  const note =
    state === 'owner-running'
      ? `it is ${describeOwner(existing.owner)}, and stops when that one stops`
      : `it was not started by this demo (${describeOwner(existing.owner)}) and keeps running after it; ${stopHint}`;
  process.stderr.write(`  → Reusing the running demo database: ${note}.\n`);
  return null;
}

async function loadScenario(flags: DemoFlags, dir: string, storeDir: string, settings: Neo4jSettings, line: ProgressLine): Promise<ScenarioManifest> {
  const { manifest, reused } = await prepareScenario(
    { dir: join(dir, 'scenario'), ...scenarioNumbers(flags), end: DEMO_END },
    (m) => line.update(`generating the scenario: ${m}`),
  );
  line.done(`${reused ? 'Reusing' : 'Generated'} the scenario (seed ${manifest.options.seed}): ${describeCounts(manifest)}.`);

  const logs = join(dir, 'scenario', LOGS);
  const summary = await ingestWithProgress(AUTO, [logs], { rejects: join(dir, 'rejects.jsonl'), store: storeDir }, settings);
  process.stderr.write(describeSummary(summary, null));
  if (summary.rejected > 0 || summary.failedFiles.length > 0) {
    throw new TrailhoundError('DEMO_REJECTS', `The demo's own logs had ${summary.rejected} rejected records and ${summary.failedFiles.length} refused files: this is a bug.`, `See ${summary.rejectsFile ?? join(dir, 'rejects.jsonl')}, and please report it.`);
  }
  return manifest;
}

const STOPPED = Symbol('stopped');

/**
 * The work's result, or STOPPED when a stop signal comes first. Work that cannot be interrupted
 * (an ingest) goes on in the background: its failure once the database is stopped is expected,
 * and not reported.
 */
async function untilStopped<T>(stop: StopController, work: Promise<T>): Promise<T | typeof STOPPED> {
  work.catch(() => {});
  return Promise.race([work, stop.stopRequested.then((): typeof STOPPED => STOPPED)]);
}

async function serveUntilStopped(settings: Neo4jSettings, storeDir: string, flags: DemoFlags, manifest: ScenarioManifest, stop: StopController): Promise<void> {
  const graph = await Graph.connect(settings);
  let events: EventStore | null = null;
  try {
    await migrate(graph);
    events = await openEventStore(graph, storeDir);
    const server = await startServer({ graph, events, host: flags.host || '127.0.0.1', port: integer('--port', flags.port, 0), version: VERSION, ...accessFromEnv() });
    process.stderr.write(`\n${describeWalkthrough(server.url, manifest)}\nTrailhound is serving the demo on ${server.url} . Ctrl-C stops it.\n`);
    await stop.stopRequested;
    // Ends open requests too: an export in flight is cut, its client sees the connection close.
    await server.close();
  } finally {
    await events?.close();
    await graph.close();
  }
}

function scenarioNumbers(flags: GenerateFlags) {
  return {
    seed: integer('--seed', flags.seed, 0),
    events: integer('--events', flags.events, 0),
    flowLines: integer('--flow-lines', flags.flowLines, 0),
    days: integer('--days', flags.days),
  };
}

function describeCounts(manifest: ScenarioManifest): string {
  const c = manifest.counts;
  return `${formatCount(c.cloudTrailEvents)} CloudTrail events, ${formatCount(c.flowRecords)} flow records, ${formatCount(c.findings)} GuardDuty findings in ${formatCount(c.files)} files`;
}

function integer(flag: string, text: string, min = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new TrailhoundError('BAD_OPTION', `${flag} must be an integer of at least ${min}, got "${text}".`);
  return value;
}
