import { Command, Option } from 'commander';
import { neo4jSettingsFromEnv } from '../../graph/config';
import { Graph } from '../../graph/driver';
import { TrailhoundError } from '../../graph/errors';
import { parseEntityRef } from '../../graph/investigations/entities';
import { investigate } from '../../graph/investigations/indicators/investigate';
import { DEFAULT_SETTINGS } from '../../graph/investigations/indicators/types';
import { investigationMarkdown } from '../../export/investigationMarkdown';
import { openEventStore, type EventStore } from '../../store/eventStore';
import { storeDirFrom } from '../../store/storeIdentity';
import { parseTime } from '../time';

/** `trailhound investigate`: the same investigation as the API and the UI, for a ticket or a report. */
export function investigateCommand(): Command {
  return new Command('investigate')
    .description('indicators of compromise for a principal or access key over a scope time, each explained and traced to its events')
    .requiredOption('--entity <kind:key>', 'a principal or key, e.g. IamUser:arn:aws:iam::123456789012:user/alice, AccessKey:AKIA…, IamRole:arn:…')
    .option('--from <time>', 'scope start, ISO 8601 or epoch ms (default: 7 days before --to)')
    .option('--to <time>', "scope end (default: the entity's last activity)")
    .option('--baseline-days <n>', 'days before the scope that are its baseline', '45')
    .option('--travel-kmh <n>', 'speed above which travel between two calls is impossible', String(DEFAULT_SETTINGS.travelKmh))
    .option('--json', "print the API's object (GET /api/investigations/{kind}/{key})")
    .addOption(new Option('--format <format>', 'text for a terminal, md for a ticket or a report').choices(['text', 'md']).default('text'))
    .option('--store <dir>', 'the event store folder (default: TRAILHOUND_EVENTS_DIR, else .data/events)')
    .addHelpText(
      'after',
      `
Indicators: impossible travel, instance credentials used outside the instance, addresses flagged by
imported threat intelligence (trailhound intel import) or GuardDuty, MITRE ATT&CK techniques, newly
observed countries, networks, regions, user agents, APIs and addresses, failed-call bursts and
enumeration. A principal's sessions (through role chains) count as the principal; a role's sessions too.

Examples:
  npx trailhound investigate --entity IamUser:arn:aws:iam::111122223333:user/carol
  npx trailhound investigate --entity AccessKey:AKIAIOSFODNN7EXAMPLE --from 2024-08-01 --to 2024-08-03 --format md > ticket.md`,
    )
    .action(async (flags: { entity: string; from?: string; to?: string; baselineDays: string; travelKmh: string; json?: boolean; format: 'text' | 'md'; store?: string }) => {
      const ref = parseEntityRef(flags.entity);
      const baselineDays = positive(flags.baselineDays, '--baseline-days', 365);
      const travelKmh = positive(flags.travelKmh, '--travel-kmh', 100_000);
      const graph = await Graph.connect(neo4jSettingsFromEnv());
      let events: EventStore | null = null;
      try {
        events = await openEventStore(graph, storeDirFrom(flags.store));
        const answer = await investigate(
          graph,
          events,
          ref,
          { from: flags.from ? parseTime(flags.from, '--from') : null, to: flags.to ? parseTime(flags.to, '--to') : null, baselineDays },
          { ...DEFAULT_SETTINGS, travelKmh },
        );
        if (!answer) throw new TrailhoundError('NOT_FOUND', `No ${ref.kind} ${ref.key} in the graph.`, 'Check the key (search the UI, or `trailhound ingest` first).');
        if (flags.json) process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
        else if (flags.format === 'md') process.stdout.write(investigationMarkdown(answer));
        else process.stdout.write(investigationText(answer));
      } finally {
        await events?.close();
        await graph.close();
      }
    });
}

function positive(text: string, flag: string, max: number): number {
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || n < 1 || n > max) throw new TrailhoundError('BAD_ARGUMENT', `${flag} must be a whole number from 1 to ${max}, not "${text.slice(0, 40)}".`);
  return n;
}

/** The terminal's view: one line per indicator, most severe first, then its explanation. */
function investigationText(answer: NonNullable<Awaited<ReturnType<typeof investigate>>>): string {
  const { summary } = answer;
  const lines = [
    `${answer.entity.label} (${answer.entity.kind}), ${answer.scope.from} to ${answer.scope.to}`,
    `${summary.calls.toLocaleString('en-US')} calls (${summary.failures.toLocaleString('en-US')} failed) from ${summary.addresses} addresses; ${summary.baselineCalls.toLocaleString('en-US')} calls in the ${answer.scope.baselineDays}-day baseline.`,
    `${answer.indicators.length} indicators: ${summary.bySeverity.high} high, ${summary.bySeverity.medium} medium, ${summary.bySeverity.low} low, ${summary.bySeverity.info} info${summary.tactics.length ? `; tactics: ${summary.tactics.join(', ')}` : ''}.`,
    '',
  ];
  for (const i of answer.indicators) {
    lines.push(`[${i.severity.toUpperCase().padEnd(6)}] ${i.title}`, `         ${i.explanation}`, `         evidence: ${i.evidence.eventCount} events, e.g. ${i.evidence.eventIds.slice(0, 3).join(', ')}`);
  }
  for (const note of answer.notes) lines.push('', `Note: ${note}`);
  return `${lines.join('\n')}\n`;
}
