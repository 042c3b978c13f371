import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { neo4jSettingsFromEnv } from '../../graph/config';
import { Graph } from '../../graph/driver';
import { TrailhoundError } from '../../graph/errors';
import { listCases } from '../../graph/cases/caseReads';
import { CASE_STATUSES, type CaseStatus } from '../../graph/cases/caseTypes';
import { buildCaseReport, caseReportMarkdown } from '../../export/caseReport';
import { openEventStore, type EventStore } from '../../store/eventStore';
import { storeDirFrom } from '../../store/storeIdentity';
import { parseTime } from '../time';
import { revealHidden } from '../../export/visibleText';

/** `trailhound case`: the team's cases, from the terminal: list them, write one's report. */
export function caseCommand(): Command {
  const command = new Command('case').description("the team's cases: list them, export one as a report (the UI and /api/cases change them)");
  command
    .command('list')
    .description('the cases, most recently changed first, with their pins per verdict')
    .addOption(new Option('--status <status>', 'only cases in this status').choices(CASE_STATUSES))
    .option('--json', 'print the API object (GET /api/cases)')
    .action(async (flags: { status?: CaseStatus; json?: boolean }) => {
      const graph = await Graph.connect(neo4jSettingsFromEnv());
      try {
        const answer = await listCases(graph, flags.status ?? null);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
          return;
        }
        if (answer.cases.length === 0) process.stdout.write(`No ${flags.status ? `${flags.status} ` : ''}cases. Open one in the UI (the Case button) or with POST /api/cases.\n`);
        for (const c of answer.cases) {
          const verdicts = Object.entries(c.verdicts).filter(([, n]) => n > 0).map(([v, n]) => `${n} ${v}`).join(', ');
          process.stdout.write(`${c.caseId}  ${c.status.padEnd(9)}  ${c.updatedAt}  ${oneLine(c.title)}${c.owner ? ` (${oneLine(c.owner)})` : ''}: ${c.pins} pins${verdicts ? ` (${verdicts})` : ''}, ${c.notes} notes\n`);
        }
        if (answer.truncated) process.stdout.write(`… ${answer.total - answer.cases.length} more; --status narrows the list.\n`);
      } finally {
        await graph.close();
      }
    });
  command
    .command('export')
    .description("a case's report: summary, pins by verdict with notes, the merged timeline of its pinned principals, their investigations' indicators")
    .argument('<caseId>', 'the case, e.g. case-3f9a1c2b (trailhound case list shows them)')
    .addOption(new Option('--format <format>', 'md for a ticket or a shared folder, json for a program').choices(['md', 'json']).default('md'))
    .option('--out <file>', 'write here instead of stdout')
    .option('--timeline-limit <n>', 'timeline entries at most (the report says when there are more)', '1000')
    .option('--from <time>', "the timeline's start, ISO 8601 or epoch ms (default: a day before the first pinned event or finding)")
    .option('--to <time>', "the timeline's end (default: a day after the last pinned event or finding)")
    .option('--store <dir>', 'the event store folder (default: TRAILHOUND_EVENTS_DIR, else .data/events)')
    .addHelpText(
      'after',
      `
The timeline merges the calls of every principal and access key the case pins as malicious,
suspicious or undecided (their role sessions' calls too), oldest first, over the span of the
pinned events and findings a day either side (all time when nothing pinned has a time). Text that came from logs
is escaped in the Markdown, so it cannot become a link or HTML in a ticket system.

Examples:
  npx trailhound case list --status open
  npx trailhound case export case-3f9a1c2b --format md --out case-3f9a1c2b.md`,
    )
    .action(async (caseId: string, flags: { format: 'md' | 'json'; out?: string; timelineLimit: string; from?: string; to?: string; store?: string }) => {
      const timelineLimit = Number(flags.timelineLimit);
      if (!/^[0-9]+$/.test(flags.timelineLimit) || timelineLimit > 100_000) throw new TrailhoundError('BAD_ARGUMENT', `--timeline-limit must be a whole number from 0 to 100000, not "${flags.timelineLimit.slice(0, 40)}".`);
      const graph = await Graph.connect(neo4jSettingsFromEnv());
      let events: EventStore | null = null;
      try {
        events = await openEventStore(graph, storeDirFrom(flags.store));
        const report = await buildCaseReport(graph, events, caseId, { timelineLimit, from: flags.from ? parseTime(flags.from, '--from') : null, to: flags.to ? parseTime(flags.to, '--to') : null });
        const text = flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : caseReportMarkdown(report);
        if (flags.out) {
          writeFileSync(flags.out, text);
          process.stderr.write(`Wrote the report of ${caseId} (${report.summary.pins} pins, ${report.timeline.entries.length} timeline entries) to ${flags.out}\n`);
        } else process.stdout.write(text);
      } finally {
        await events?.close();
        await graph.close();
      }
    });
  return command;
}

/** A title or owner on one terminal line: escape sequences and invisible characters shown, not obeyed. */
function oneLine(text: string): string {
  return revealHidden(text).replace(/[\r\n\t]+/g, ' ');
}
