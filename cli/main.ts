import { Command, CommanderError } from 'commander';
import { VERSION } from './version';
import { reportError } from './errors';

const HELP_FOOTER = `
Connection (every command):
  NEO4J_URI        bolt://127.0.0.1:7687 by default; neo4j:// for clusters
  NEO4J_USER       neo4j by default
  NEO4J_PASSWORD   unset = no authentication (the local database from \`db start\`)

Examples:
  npx trailhound demo                              (a realistic incident, loaded and served: start here)
  npx trailhound db start
  npx trailhound ingest ./AWSLogs                  (CloudTrail, flow logs, GuardDuty: detected per file)
  npx trailhound serve                             (API on http://127.0.0.1:8080)
  npx trailhound investigate --entity IamUser:arn:aws:iam::123456789012:user/alice --format md
  npx trailhound export timeline --entity IamUser:arn:aws:iam::123456789012:user/alice --format timesketch
`;

/**
 * The commands, in the order help lists them, each loaded from its module when asked for. A
 * command run by name loads its own module alone: an ingest does not carry the server, the
 * exports and the investigation code in its memory (13 MB of the 417 MB a 1M-event load peaked
 * at; docs/benchmarks.md). Help, and anything that is not a command's name, loads them all.
 */
const COMMANDS: readonly (readonly [string, () => Promise<Command>])[] = [
  ['demo', async () => (await import('./commands/demo')).demoCommand()],
  ['db', async () => (await import('./commands/db')).dbCommand()],
  ['ingest', async () => (await import('./commands/ingest')).ingestCommand()],
  ['enrich', async () => (await import('./commands/enrich')).enrichCommand()],
  ['serve', async () => (await import('./commands/serve')).serveCommand()],
  ['investigate', async () => (await import('./commands/investigate')).investigateCommand()],
  ['intel', async () => (await import('./commands/intel')).intelCommand()],
  ['export', async () => (await import('./commands/export')).exportCommand()],
  ['case', async () => (await import('./commands/case')).caseCommand()],
  ['compact', async () => (await import('./commands/compact')).compactCommand()],
  ['rebuild', async () => (await import('./commands/rebuild')).rebuildCommand()],
];

/** Builds the command tree: the command named `wanted` alone if there is one, else every command. */
export async function buildProgram(wanted?: string): Promise<Command> {
  const program = new Command('trailhound')
    .description('Graph-based incident investigation for AWS: load CloudTrail into Neo4j and follow the attacker.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .enablePositionalOptions()
    .addHelpText('after', HELP_FOOTER);
  const named = COMMANDS.find(([name]) => name === wanted);
  for (const [, load] of named ? [named] : COMMANDS) program.addCommand(await load());
  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv[2]);
  program.exitOverride();
  program.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    return reportError(error);
  }
}
