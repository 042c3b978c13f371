import { Command, Option } from 'commander';
import { neo4jSettingsFromEnv } from '../../graph/config';
import { Graph } from '../../graph/driver';
import { RejectsLog } from '../../ingest/pipeline/rejectsLog';
import { rebuildGraph } from '../../ingest/rebuild/rebuildGraph';
import { storeDirFrom } from '../../store/storeIdentity';
import { formatCount } from '../format';
import { ProgressLine } from '../progressLine';
import { describeSummary } from './ingest';

export function rebuildCommand(): Command {
  return new Command('rebuild')
    .description('rebuild a graph loaded by an earlier Trailhound (events in Neo4j) into the graph and event store of this one')
    .addOption(new Option('--store <dir>', 'the event store folder to fill, empty (default: TRAILHOUND_EVENTS_DIR, else .data/events)'))
    .option('--rejects <file>', 'where to write records that cannot be loaded (JSON Lines)')
    .option('-q, --quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Graphs loaded before the event store (schema version 2 and earlier) kept every CloudTrail event as
a Neo4j node. This reads the events and findings out of that graph (their records are in it,
secrets already removed), and the flow-log files its ledger names from where they were loaded,
writes them to <store>/rebuild/ first, then empties the graph and loads everything again. If it
stops part-way, run it again: it continues from what it wrote. Flow logs it cannot read again
(moved, changed, or in S3) are listed with the command that loads them.`,
    )
    .action(async (flags: { store?: string; rejects?: string; quiet?: boolean }) => {
      const graph = await Graph.connect(neo4jSettingsFromEnv());
      const line = new ProgressLine(process.stderr, { enabled: !flags.quiet });
      try {
        const summary = await rebuildGraph({
          graph,
          storeDir: storeDirFrom(flags.store),
          rejects: new RejectsLog(flags.rejects ?? `trailhound-rejects-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`),
          onNote: (message) => line.update(message, true),
          onProgress: (p) => line.update(`rebuilding: ${formatCount(p.read)} read, ${formatCount(p.loaded)} loaded  [${p.filesDone}/${p.filesTotal}]`),
        });
        line.done();
        process.stderr.write(
          `Rebuilt from ${formatCount(summary.events)} events, ${formatCount(summary.findings)} findings and ${formatCount(summary.flowFiles)} flow-log files of the old graph.\n${describeSummary(summary.ingest, null)}`,
        );
        for (const missed of summary.notReread) process.stderr.write(`  ! ${missed.location}: ${missed.why}\n`);
        process.exitCode = summary.ingest.failedFiles.length > 0 || summary.ingest.rejected > 0 ? 2 : 0;
      } finally {
        line.done();
        await graph.close();
      }
    });
}
