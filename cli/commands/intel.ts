import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { neo4jSettingsFromEnv } from '../../graph/config';
import { Graph } from '../../graph/driver';
import { TrailhoundError } from '../../graph/errors';
import { migrate } from '../../graph/migrate';
import { importIntelList, intelLists, removeIntelList } from '../../graph/investigations/indicators/intel/intelStore';
import { isPrivateEntry } from '../../graph/investigations/indicators/intel/privateEntries';
import { readIntel, type IntelFormat } from '../../graph/investigations/indicators/intel/readIntel';
import { ProgressLine } from '../progressLine';

/** `trailhound intel`: threat-intelligence address lists, imported offline, that investigations flag. */
export function intelCommand(): Command {
  const command = new Command('intel').description('threat-intelligence address lists that investigations flag (imported offline, no network)');
  command
    .command('import')
    .description('import a list of addresses and ranges: plain text (one per line), CSV with an address column, or STIX 2.1 indicators')
    .argument('<file>', 'the list (.gz too)')
    .option('--list <name>', 'the name investigations show (default: the file name); importing a name again replaces that list')
    .addOption(new Option('--format <format>', 'force a format instead of detecting it by content').choices(['list', 'csv', 'stix']))
    .option('--skip-private', 'leave out private and reserved addresses and ranges (10.0.0.0/8, 192.168.0.0/16, fc00::/7...): listed, they flag a VPC\'s own traffic')
    .addHelpText(
      'after',
      `
Examples:
  npx trailhound intel import drop.txt --list spamhaus-drop
  npx trailhound intel import feodo-ipblocklist.csv
  npx trailhound intel import indicators.stix.json --list partner-isac`,
    )
    .action(async (file: string, flags: { list?: string; format?: IntelFormat; skipPrivate?: boolean }) => {
      const list = (flags.list ?? basename(file).replace(/\.gz$/, '')).trim();
      if (!list || list.length > 200 || list.includes('|')) throw new TrailhoundError('BAD_ARGUMENT', `--list must be 1 to 200 characters without "|", not "${list.slice(0, 40)}".`);
      const read = await readIntel(file, flags.format ? { format: flags.format } : {});
      for (const reject of read.rejected.slice(0, 20)) process.stderr.write(`Rejected ${file} ${reject.position}: ${reject.reason}\n`);
      if (read.rejected.length > 20) process.stderr.write(`… and ${(read.rejected.length - 20).toLocaleString('en-US')} more rejects.\n`);
      const privateEntries = read.entries.filter(isPrivateEntry);
      let entries = read.entries;
      if (privateEntries.length > 0) {
        const examples = privateEntries.slice(0, 3).map((e) => e.indicator).join(', ');
        const count = `${privateEntries.length.toLocaleString('en-US')} ${privateEntries.length === 1 ? 'entry names' : 'entries name'} private or reserved addresses (${examples}${privateEntries.length > 3 ? ', …' : ''})`;
        if (flags.skipPrivate) {
          entries = read.entries.filter((e) => !isPrivateEntry(e));
          process.stderr.write(`${count}: left out (--skip-private).\n`);
        } else {
          process.stderr.write(`Warning: ${count}. They would flag your VPCs' own traffic in every investigation; import again with --skip-private if the list should not hold them.\n`);
        }
      }
      if (entries.length === 0 && read.entries.length > 0) throw new TrailhoundError('EMPTY_LIST', `${file} holds only private or reserved addresses, and --skip-private left them out: nothing to import.`);
      if (entries.length === 0) throw new TrailhoundError('EMPTY_LIST', `${file} holds no address or range (${read.format}: ${read.rejected.length} rejected, ${read.skipped} skipped).`, 'Check the file; force its format with --format if it was detected wrongly.');
      const graph = await Graph.connect(neo4jSettingsFromEnv());
      const line = new ProgressLine();
      try {
        await migrate(graph);
        const done = await importIntelList(graph, list, entries, Date.now(), (n) => line.update(`importing ${list}: ${n.toLocaleString('en-US')} of ${entries.length.toLocaleString('en-US')}`));
        line.done(
          `Imported ${done.entries.toLocaleString('en-US')} entries as list "${list}" (${read.format}; ${read.rejected.length.toLocaleString('en-US')} rejected, ${read.skipped.toLocaleString('en-US')} skipped` +
            `${done.removed ? `; ${done.removed.toLocaleString('en-US')} no longer in the list removed` : ''}).`,
        );
        if (read.rejected.length > 0) process.exitCode = 1;
      } finally {
        await graph.close();
      }
    });
  command
    .command('list')
    .description('the imported lists')
    .action(async () => {
      const graph = await Graph.connect(neo4jSettingsFromEnv());
      try {
        const lists = await intelLists(graph);
        if (lists.length === 0) process.stdout.write('No threat-intelligence list imported yet (trailhound intel import <file>).\n');
        for (const l of lists) process.stdout.write(`${l.list}\t${l.entries.toLocaleString('en-US')} entries\timported ${new Date(l.importedAt).toISOString()}\n`);
      } finally {
        await graph.close();
      }
    });
  command
    .command('remove')
    .description('remove an imported list')
    .argument('<list>', 'its name (trailhound intel list)')
    .action(async (list: string) => {
      const graph = await Graph.connect(neo4jSettingsFromEnv());
      try {
        const removed = await removeIntelList(graph, list);
        if (removed === 0) throw new TrailhoundError('NOT_FOUND', `No list "${list}".`, 'See the lists with trailhound intel list.');
        process.stdout.write(`Removed list "${list}" (${removed.toLocaleString('en-US')} entries).\n`);
      } finally {
        await graph.close();
      }
    });
  return command;
}
