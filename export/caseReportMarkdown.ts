import type { CaseReport } from './caseReport';
import { code, md } from './markdownText';
import { revealHidden } from './visibleText';

const VERDICT_WORDS: Readonly<Record<string, string>> = { malicious: 'Malicious', suspicious: 'Suspicious', undecided: 'Undecided', 'false-positive': 'False positive', benign: 'Benign' };

/**
 * A case report as Markdown for a ticket or the response's shared folder. Every text that came
 * from a log (entity names, event names, addresses) is escaped, so it cannot become a link, a
 * heading or HTML; the team's own notes stay Markdown, with raw HTML in them neutralised.
 */
export function caseReportMarkdown(report: CaseReport): string {
  const c = report.case;
  const s = report.summary;
  const lines = [
    `# Case: ${md(c.title)}`,
    '',
    `- Case: \`${code(c.caseId)}\`, status **${c.status}**${c.owner ? `, owner ${md(c.owner)}` : ''}`,
    `- Opened ${c.createdAt} by ${md(c.createdBy)}; last changed ${c.updatedAt}; ${s.logEntries} changes in its log`,
    `- Pins: ${s.pins} (${Object.entries(s.verdicts)
      .filter(([, n]) => n > 0)
      .map(([v, n]) => `${n} ${(VERDICT_WORDS[v] ?? v).toLowerCase()}`)
      .join(', ') || 'none'}); notes: ${s.notes}; findings archived in it: ${s.archivedFindings}`,
    `- Report generated ${report.generatedAt}`,
    '',
  ];

  lines.push('## Pinned', '');
  if (report.pins.length === 0) lines.push('Nothing pinned yet.', '');
  let verdict: string | null = null;
  for (const pin of report.pins) {
    const v = pin.verdict ?? 'undecided';
    if (v !== verdict) {
      lines.push(`### ${VERDICT_WORDS[v] ?? v}`, '');
      verdict = v;
    }
    const what = pin.kind === 'event' ? `event \`${code(pin.ref)}\` at ${pin.eventTime ?? '?'}` : `\`${code(pin.ref)}\``;
    lines.push(`- **${md(pin.label)}**: ${what}${pin.present ? '' : ' (no longer in the graph)'}; pinned by ${md(pin.pinnedBy)} ${pin.pinnedAt}`);
    if (pin.note) lines.push(`  - ${md(pin.note)}`);
  }
  if (report.pins.length) lines.push('');

  if (report.findings.length) {
    lines.push('## Findings triaged in this case', '');
    for (const f of report.findings) lines.push(`- \`${code(f.findingId)}\`: ${f.archived ? 'archived' : 'unarchived'} by ${md(f.by)} ${f.at}: ${md(f.reason)}`);
    lines.push('');
  }

  lines.push('## Notes', '');
  if (report.notes.length === 0) lines.push('No notes.', '');
  for (const note of report.notes) {
    lines.push(`### ${note.createdAt}, ${md(note.createdBy)}${note.updatedAt !== note.createdAt ? ` (edited ${note.updatedAt} by ${md(note.updatedBy)})` : ''}`, '', teamMarkdown(note.text), '');
  }

  lines.push('## Timeline of the pinned principals', '');
  if (report.timeline.principals.length === 0) lines.push('No principal or access key is pinned (as malicious, suspicious or undecided).', '');
  else {
    lines.push(`Principals: ${report.timeline.principals.map((p) => `\`${code(p)}\``).join(', ')}; their sessions' calls included. From ${report.timeline.from} to ${report.timeline.to}: ${report.timeline.window}.`, '');
    if (report.timeline.entries.length === 0) lines.push('No events.', '');
    else {
      lines.push('| time (UTC) | event | by | from | error | pinned |', '| --- | --- | --- | --- | --- | --- |');
      for (const e of report.timeline.entries) {
        lines.push(`| ${e.time.slice(0, 19).replace('T', ' ')} | ${cell(`${e.eventSource ?? ''} ${e.eventName ?? ''}`.trim())} | ${cell(e.principal?.label ?? '')} | ${cell(e.sourceIp ?? '')} | ${cell(e.errorCode ?? '')} | ${e.pinned ? (VERDICT_WORDS[e.pinned] ?? e.pinned) : ''} |`);
      }
      lines.push('');
    }
    if (report.timeline.truncated) lines.push(`_The first ${report.timeline.limit.toLocaleString('en-US')} events are shown; there are more._`, '');
  }

  lines.push('## Indicators from investigations', '');
  if (report.investigations.length === 0) lines.push('No indicators for the pinned principals.', '');
  for (const inv of report.investigations) {
    lines.push(`### ${md(inv.label)} (\`${code(inv.entity)}\`), ${inv.scope.from} to ${inv.scope.to}`, '');
    for (const i of inv.indicators) lines.push(`- **${i.severity.toUpperCase()}** ${md(i.title)}: ${md(i.explanation)} (${i.eventCount.toLocaleString('en-US')} events, ${i.firstSeen}${i.lastSeen !== i.firstSeen ? ` to ${i.lastSeen}` : ''}${i.tactics.length ? `; ${i.tactics.join(', ')}` : ''})`);
    lines.push('');
  }

  if (report.views.length || report.queries.length) {
    lines.push('## Saved views and queries', '');
    for (const v of report.views) lines.push(`- View **${md(v.name)}**: \`${code(v.url)}\` (${md(v.createdBy)}, ${v.createdAt})`);
    for (const q of report.queries) lines.push(`- Query **${md(q.name)}** (${md(q.createdBy)}, ${q.createdAt}):`, '', '  ```cypher', ...codeLines(q.query).map((l) => `  ${l}`), '  ```');
    lines.push('');
  }
  if (report.remarks.length) lines.push('## Remarks', '', ...report.remarks.map((r) => `- ${md(r)}`), '');
  return lines.join('\n');
}

/** A table cell: md() escapes pipes too, so no text can end the cell. */
const cell = md;

/**
 * A note is the team's own Markdown: kept as written, except that raw HTML cannot pass through
 * to whatever renders the report (a ticket system may render it).
 */
export function teamMarkdown(text: string): string {
  return revealHidden(text.replace(/\r\n?/g, '\n')).replace(/</g, '&lt;');
}

/**
 * A query's lines inside a fenced block: every line break a renderer knows splits them (a lone
 * carriage return must not end the fence), no line can close the fence, and escape sequences are
 * shown, not sent to a terminal.
 */
function codeLines(text: string): string[] {
  return revealHidden(text.replace(/\r\n?/g, '\n'))
    .split('\n')
    .map((line) => line.replace(/`{3,}|~{3,}/g, (fence) => "'".repeat(fence.length)));
}
