import { Command, Option } from 'commander';
import {
  boltUri,
  localNeo4jOptions,
  localNeo4jStatus,
  logFile,
  startLocalNeo4j,
  stopLocalNeo4j,
  type LocalNeo4jOptions,
} from '../../db/localNeo4j';
import { resolveNeo4jJars } from '../../db/mavenJars';
import { describeOwner, ownerOfThisProcess, ownerState } from '../../db/serverOwner';
import { ProgressLine } from '../progressLine';

interface DbFlags {
  dataDir?: string;
  port?: string;
  host?: string;
  heap?: string;
  pagecache?: string;
  timeout?: string;
  json?: boolean;
}

function optionsFrom(flags: DbFlags): LocalNeo4jOptions {
  return localNeo4jOptions({
    ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
    ...(flags.port ? { port: Number(flags.port) } : {}),
    ...(flags.host ? { host: flags.host } : {}),
    ...(flags.heap ? { heap: flags.heap } : {}),
    ...(flags.pagecache ? { pageCache: flags.pagecache } : {}),
    ...(flags.timeout ? { startTimeoutMs: Number(flags.timeout) * 1000 } : {}),
  });
}

const common = (command: Command) =>
  command
    .addOption(new Option('--data-dir <dir>', 'where the database files live (default: .data/neo4j)').env('TRAILHOUND_DATA_DIR'))
    .addOption(new Option('--port <port>', 'Bolt port on 127.0.0.1 (default: 7687, or the port of a loopback NEO4J_URI)').env('TRAILHOUND_NEO4J_PORT'));

export function dbCommand(): Command {
  const db = new Command('db').description(
    'Run a real Neo4j 5.26 (community) locally without Docker: Java 17 + Maven, data under .data/neo4j, Bolt on 127.0.0.1.',
  );

  common(db.command('start'))
    .description('start the local Neo4j in the background and wait until it answers (the first start fetches the jars with Maven)')
    .addOption(new Option('--host <host>', 'listen address; keep the default unless you know why (default: 127.0.0.1)').env('TRAILHOUND_NEO4J_HOST'))
    .addOption(new Option('--heap <size>', 'JVM heap (-Xms/-Xmx) (default: 3g)').env('TRAILHOUND_NEO4J_HEAP'))
    .addOption(new Option('--pagecache <size>', 'Neo4j page cache (default: 4g)').env('TRAILHOUND_NEO4J_PAGECACHE'))
    .addOption(new Option('--timeout <seconds>', 'how long to wait for the first answer (default: 120)').env('TRAILHOUND_NEO4J_START_TIMEOUT'))
    .action(async (flags: DbFlags) => {
      const options = optionsFrom(flags);
      const line = new ProgressLine();
      const started = Date.now();
      const info = await startLocalNeo4j(options, (message) => line.update(message), { owner: ownerOfThisProcess('trailhound db start', false) });
      const uri = boltUri(info);
      line.done(
        info.alreadyRunning
          ? `Neo4j was already running on ${uri} (pid ${info.pid}, data in ${info.dataDir}, since ${info.startedAt}).`
          : `Neo4j is answering on ${uri} (pid ${info.pid}, data in ${info.dataDir}, ${((Date.now() - started) / 1000).toFixed(1)}s)`,
      );
      if (uri !== 'bolt://127.0.0.1:7687') process.stderr.write(`  → other commands will find it with: export NEO4J_URI=${uri}\n`);
    });

  common(db.command('stop'))
    .description('stop the local Neo4j cleanly')
    .action(async (flags: DbFlags) => {
      const options = optionsFrom(flags);
      const line = new ProgressLine();
      const stopped = await stopLocalNeo4j(options.dataDir, (message) => line.update(message, true));
      line.done(stopped ? 'Neo4j stopped.' : `No local Neo4j is running for ${options.dataDir}.`);
    });

  common(db.command('status'))
    .description('say whether the local Neo4j is running and answering')
    .option('--json', 'print the status as JSON')
    .action(async (flags: DbFlags) => {
      const options = optionsFrom(flags);
      const status = await localNeo4jStatus(options);
      const owner = status.running?.owner;
      const state = status.running ? ownerState(owner) : null;
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ ...status, uri: status.running ? boltUri(status.running) : null, ownerState: state })}\n`);
      } else if (!status.running) {
        process.stdout.write(`not running (data dir ${status.dataDir}). Start it with: npx trailhound db start\n`);
      } else {
        process.stdout.write(
          `running: pid ${status.running.pid}, ${boltUri(status.running)}, ${status.answering ? 'answering' : 'NOT answering'}, ` +
            `since ${status.running.startedAt}\n  owner: ${describeOwner(owner)}\n  data: ${status.dataDir} (${(status.storeBytes / 1024 / 1024).toFixed(1)} MB)\n  log:  ${logFile(status.dataDir)}\n` +
            (state === 'leaked' ? `  → nobody will stop it: stop it with: npx trailhound db stop --data-dir ${status.dataDir} --port ${status.running.port}\n` : ''),
        );
      }
      return status.running && status.answering ? undefined : void (process.exitCode = 3);
    });

  db.command('jars')
    .description('resolve the Neo4j jars with Maven now (CI does this before the tests)')
    .action(async () => {
      const line = new ProgressLine();
      const classpath = await resolveNeo4jJars((message) => line.update(message));
      line.done(`Neo4j jars ready (${classpath.split(':').length} entries on the classpath).`);
    });

  return db;
}
