import { Command, Option } from 'commander';
import { neo4jSettingsFromEnv } from '../../graph/config';
import { Graph } from '../../graph/driver';
import { TrailhoundError } from '../../graph/errors';
import { parseEntityRef } from '../../graph/investigations/entities';
import { findEntityQuery } from '../../graph/investigations/readQueries';
import { exportEverythingAsOcsf } from '../../export/everything';
import { exportTimeline } from '../../export/exportTimeline';
import { EXPORT_FORMATS, type ExportFormat } from '../../export/writeTimeline';
import { ExportOutput } from '../exportOutput';
import { parseTime } from '../time';
import { openEventStore, type EventStore } from '../../store/eventStore';
import { storeDirFrom } from '../../store/storeIdentity';

export function exportCommand(): Command {
  const command = new Command('export').description('export investigation data');
  command
    .command('timeline')
    .description("an entity's timeline: its CloudTrail events and its sessions', its flow hours, the findings about it, oldest first")
    .requiredOption('--entity <kind:key>', 'e.g. IamUser:arn:aws:iam::123456789012:user/alice, IpAddress:203.0.113.7')
    .addOption(new Option('--format <format>', 'csv (reports), timesketch (JSON Lines), ocsf (JSON Lines), json').choices(EXPORT_FORMATS).default('csv'))
    .option('--from <time>', 'ISO 8601 or epoch ms')
    .option('--to <time>', 'ISO 8601 or epoch ms')
    .option('--no-sessions', "leave out the events of sessions the principal started")
    .option('--out <file>', 'write here instead of stdout')
    .option('--store <dir>', 'the event store folder (default: TRAILHOUND_EVENTS_DIR, else .data/events)')
    .action(async (flags: { entity: string; format: ExportFormat; from?: string; to?: string; sessions: boolean; out?: string; store?: string }) => {
      const ref = parseEntityRef(flags.entity);
      const graph = await Graph.connect(neo4jSettingsFromEnv());
      let events: EventStore | null = null;
      try {
        events = await openEventStore(graph, storeDirFrom(flags.store));
        const found = await graph.read(findEntityQuery(ref.kind), { key: ref.key });
        if (!found.records[0]) throw new TrailhoundError('NOT_FOUND', `No ${ref.kind} ${ref.key} in the graph.`, 'Check the key; `trailhound ingest` loads data first.');
        const out = new ExportOutput(flags.out);
        const started = Date.now();
        const options = {
          from: flags.from ? parseTime(flags.from, '--from') : 0,
          to: flags.to ? parseTime(flags.to, '--to') : 8_640_000_000_000,
          includeSessions: flags.sessions,
          onIncomplete: (note: string) => process.stderr.write(`Warning: this export is incomplete. ${note}\n`),
        };
        let count: number;
        try {
          count = await exportTimeline(graph, events, ref, options, flags.format, (text) => out.write(text));
          await out.close();
        } catch (error) {
          throw await out.failed(error);
        }
        process.stderr.write(`Exported ${count.toLocaleString('en-US')} entries as ${flags.format}${flags.out ? ` to ${flags.out}` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
      } finally {
        await events?.close();
        await graph.close();
      }
    });
  command
    .command('ocsf')
    .description('everything loaded, as OCSF 1.1.0 JSON Lines for a SIEM or a data lake: every finding, CloudTrail event and flow record (read back with `trailhound ingest ocsf`)')
    .option('--from <time>', 'ISO 8601 or epoch ms')
    .option('--to <time>', 'ISO 8601 or epoch ms')
    .option('--out <file>', 'write here instead of stdout')
    .option('--store <dir>', 'the event store folder (default: TRAILHOUND_EVENTS_DIR, else .data/events)')
    .addHelpText('after', '\nEach line validates against the OCSF schema of its version and the profiles it declares; docs/ocsf.md maps\nevery field and says what OCSF cannot carry.\n\nExample:\n  npx trailhound export ocsf --from 2026-11-01 --out incident.ocsf.jsonl')
    .action(async (flags: { from?: string; to?: string; out?: string; store?: string }) => {
      const graph = await Graph.connect(neo4jSettingsFromEnv());
      let events: EventStore | null = null;
      try {
        events = await openEventStore(graph, storeDirFrom(flags.store));
        const out = new ExportOutput(flags.out);
        const started = Date.now();
        const range = { from: flags.from ? parseTime(flags.from, '--from') : 0, to: flags.to ? parseTime(flags.to, '--to') : 8_640_000_000_000 };
        let counts: Awaited<ReturnType<typeof exportEverythingAsOcsf>>;
        try {
          counts = await exportEverythingAsOcsf(graph, events, range, (text) => out.write(text));
          await out.close();
        } catch (error) {
          throw await out.failed(error);
        }
        const n = (x: number) => x.toLocaleString('en-US');
        process.stderr.write(
          `Exported ${n(counts.findings)} findings, ${n(counts.events)} CloudTrail events and ${n(counts.flows)} flow records as OCSF${flags.out ? ` to ${flags.out}` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
        );
      } finally {
        await events?.close();
        await graph.close();
      }
    });
  return command;
}
