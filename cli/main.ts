import { Command, CommanderError } from 'commander';
import { dbCommand } from './commands/db';
import { ingestCommand } from './commands/ingest';
import { reportError } from './errors';

const HELP_FOOTER = `
Connection (every command):
  NEO4J_URI        bolt://127.0.0.1:7687 by default; neo4j:// for clusters
  NEO4J_USER       neo4j by default
  NEO4J_PASSWORD   unset = no authentication (the local database from \`db start\`)

Examples:
  npx trailhound db start
  npx trailhound ingest cloudtrail ./AWSLogs/123456789012/CloudTrail --json
  npx trailhound db status
`;

/** Builds the command tree; exported for tests. */
export function buildProgram(): Command {
  const program = new Command('trailhound')
    .description('Graph-based incident investigation for AWS: load CloudTrail into Neo4j and follow the attacker.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .enablePositionalOptions()
    .addHelpText('after', HELP_FOOTER);
  program.addCommand(dbCommand());
  program.addCommand(ingestCommand());
  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
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
