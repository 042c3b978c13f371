import { Command, Option } from 'commander';
import { neo4jSettingsFromEnv } from '../../graph/config';
import { Graph } from '../../graph/driver';
import { TrailhoundError } from '../../graph/errors';
import { MERGE_ALL, planMerges } from '../../store/compact';
import { KEEP_RETIRED_MS, EventStoreWriter, type CompactionSummary } from '../../store/storeWriter';
import { storeDirFrom } from '../../store/storeIdentity';
import { tables, type TableName } from '../../store/tables';
import { formatBytes, formatCount } from '../format';
import { ProgressLine } from '../progressLine';

interface CompactFlags {
  store?: string;
  table?: string;
  day?: string;
  keepRetired: string;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function compactCommand(): Command {
  return new Command('compact')
    .description("merge the event store's small segments into a few large ones, sorted for the questions investigations ask (safe while a server reads)")
    .addOption(new Option('--store <dir>', 'the event store folder (default: TRAILHOUND_EVENTS_DIR, else .data/events)'))
    .option('--table <names>', `only these tables, comma-separated (${Object.keys(tables).join(', ')})`)
    .option('--day <days>', 'only these days, comma-separated YYYY-MM-DD (UTC)')
    .addOption(new Option('--keep-retired <minutes>', 'keep merged-away segments this long for readers still on them, then delete them').default(String(KEEP_RETIRED_MS / 60_000)))
    .option('--dry-run', 'list what would be merged; merge nothing')
    .option('--json', 'print one JSON summary object on stdout when done')
    .option('-q, --quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Every ingest commit writes its own segments (at most 10,000 CloudTrail events each, one per run
for a small pull), and every query opens each file in its time range. This merges, per table and
day, the segments smaller than a merged one (100,000 CloudTrail events; 500,000 flow records or
hourly volumes) into files of that size, in time order, each sorted by principal (CloudTrail) or
by address pair (flows) so that a principal's or an address's rows sit in a few row groups.

Every row is kept exactly once: a merged file must hold its inputs' rows, and it replaces them in
the manifest in one atomic swap. A server keeps answering throughout and reads the merged files
within a second. The merged-away files stay for --keep-retired minutes (an export may still read
them); a later compact or ingest deletes them. It takes the ingest lock: an ingest running now is
waited for. Ingest itself merges a day once it has gathered 32 tiny segments.

Examples:
  npx trailhound compact
  npx trailhound compact --table cloudtrail --day 2026-11-28,2026-11-29 --dry-run
  npx trailhound compact --keep-retired 0        (before copying the folders to a lake: nothing merged-away is left)`,
    )
    .action(async (flags: CompactFlags) => {
      const scope = { tables: tableList(flags.table), days: dayList(flags.day) };
      const keepMinutes = Number(flags.keepRetired);
      if (!/^\d+$/.test(flags.keepRetired) || !Number.isSafeInteger(keepMinutes)) {
        throw new TrailhoundError('BAD_OPTION', `--keep-retired must be a whole number of minutes, not "${flags.keepRetired.slice(0, 40)}".`);
      }
      const root = storeDirFrom(flags.store);
      const line = new ProgressLine(process.stderr, { enabled: !flags.quiet && !flags.json });
      const graph = await Graph.connect(neo4jSettingsFromEnv());
      const started = Date.now();
      try {
        const writer = await EventStoreWriter.open(root, graph, { command: 'compact', onNote: (message) => line.update(message, true), settle: async () => {} });
        try {
          const groups = planMerges(writer.segments, MERGE_ALL, scope);
          const inputs = groups.reduce((n, g) => n + g.inputs.length, 0);
          const rows = groups.reduce((n, g) => n + g.rows, 0);
          if (flags.dryRun) {
            report(flags, { dryRun: true, store: root, plan: groups.map((g) => ({ table: g.table, day: g.day, segments: g.inputs.length, rows: g.rows })) }, () => {
              if (groups.length === 0) return `Nothing to merge in ${root}: no day has two segments smaller than a merged one.\n`;
              const lines = groups.map((g) => `  ${g.table} ${g.day}: ${formatCount(g.inputs.length)} segments, ${formatCount(g.rows)} rows -> 1`);
              return `Would merge ${formatCount(inputs)} segments into ${formatCount(groups.length)} (${formatCount(rows)} rows):\n${lines.join('\n')}\n`;
            });
            return;
          }
          const removed = writer.removeRetired(keepMinutes * 60_000);
          let done = 0;
          let rowsDone = 0;
          const summary: CompactionSummary = await writer.compact(groups, (group) => {
            done += 1;
            rowsDone += group.rows;
            line.update(`merging: ${formatCount(done)} of ${formatCount(groups.length)} merged segments written, ${formatCount(rowsDone)} of ${formatCount(rows)} rows  [${group.table} ${group.day}]`);
          });
          const removedNow = keepMinutes === 0 ? writer.removeRetired(0) : 0;
          const seconds = (Date.now() - started) / 1000;
          line.done();
          report(flags, { dryRun: false, store: root, ...summary, retiredRemoved: removed + removedNow, retiredKept: writer.retired.length, seconds }, () => {
            const merged =
              summary.written === 0
                ? `Nothing to merge in ${root}: no day has two segments smaller than a merged one.`
                : `Merged ${formatCount(summary.merged)} segments of ${formatCount(summary.days)} day(s) into ${formatCount(summary.written)} ` +
                  `(${formatCount(summary.rows)} rows; ${formatBytes(summary.bytesBefore)} -> ${formatBytes(summary.bytesAfter)}) in ${seconds.toFixed(1)} s.`;
            const kept = writer.retired.length > 0 ? `\n${formatCount(writer.retired.length)} merged-away segments stay for readers still on them; a compact or ingest after ${keepMinutes} minutes deletes them (--keep-retired 0: now).` : '';
            const gone = removed + removedNow > 0 ? `\nDeleted ${formatCount(removed + removedNow)} merged-away segments.` : '';
            const unsorted =
              summary.unsorted > 0
                ? `\n${formatCount(summary.unsorted)} merged file(s) are in time order, not sorted: their rows did not fit DuckDB's memory to sort (raise TRAILHOUND_COMPACT_MEMORY, now ${process.env.TRAILHOUND_COMPACT_MEMORY ?? '256MB'}, for later merges).`
                : '';
            return `${merged}${unsorted}${kept}${gone}\n`;
          });
        } finally {
          await writer.close();
        }
      } finally {
        line.done();
        await graph.close();
      }
    });
}

function report(flags: CompactFlags, json: object, text: () => string): void {
  if (flags.json) process.stdout.write(`${JSON.stringify(json)}\n`);
  else process.stderr.write(text());
}

function tableList(text: string | undefined): TableName[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((t) => t.trim()).filter(Boolean);
  for (const name of names) {
    if (!Object.hasOwn(tables, name)) throw new TrailhoundError('BAD_OPTION', `--table: there is no table "${name.slice(0, 40)}" in the event store.`, `The tables are ${Object.keys(tables).join(', ')}.`);
  }
  return names as TableName[];
}

function dayList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const days = text.split(',').map((d) => d.trim()).filter(Boolean);
  for (const day of days) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
      throw new TrailhoundError('BAD_OPTION', `--day: "${day.slice(0, 40)}" is not a day in the form YYYY-MM-DD.`, 'Days are UTC, as the store partitions them, e.g. --day 2026-11-28,2026-11-29.');
    }
  }
  return days;
}
