import { Command, CommanderError } from 'commander';
import { caseCommand } from './commands/case';
import { dbCommand } from './commands/db';
import { demoCommand } from './commands/demo';
import { enrichCommand } from './commands/enrich';
import { exportCommand } from './commands/export';
import { ingestCommand } from './commands/ingest';
import { intelCommand } from './commands/intel';
import { investigateCommand } from './commands/investigate';
import { rebuildCommand } from './commands/rebuild';
import { serveCommand } from './commands/serve';
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

/** Builds the command tree; exported for tests. */
export function buildProgram(): Command {
  const program = new Command('trailhound')
    .description('Graph-based incident investigation for AWS: load CloudTrail into Neo4j and follow the attacker.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .enablePositionalOptions()
    .addHelpText('after', HELP_FOOTER);
  program.addCommand(demoCommand());
  program.addCommand(dbCommand());
  program.addCommand(ingestCommand());
  program.addCommand(enrichCommand());
  program.addCommand(serveCommand());
  program.addCommand(investigateCommand());
  program.addCommand(intelCommand());
  program.addCommand(exportCommand());
  program.addCommand(caseCommand());
  program.addCommand(rebuildCommand());
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
