import type { Investigation } from '../graph/investigations/indicators/investigate';
import { code, md } from './markdownText';

/**
 * An investigation as Markdown for a ticket or a report. Every log-derived text is
 * attacker-controlled: hidden characters are shown as escapes, and Markdown's own characters are
 * escaped, so a user agent cannot become a link, a heading or HTML in the ticket system.
 */
export function investigationMarkdown(answer: Investigation): string {
  const { entity, scope, summary } = answer;
  const lines = [
    `# Investigation: ${md(entity.label)}`,
    '',
    `- Entity: \`${code(entity.id)}\``,
    `- Scope: ${scope.from} to ${scope.to}; baseline: the ${scope.baselineDays} days before (from ${scope.baselineFrom})`,
    `- Calls in scope: ${summary.calls.toLocaleString('en-US')} (${summary.failures.toLocaleString('en-US')} failed), from ${summary.addresses.toLocaleString('en-US')} addresses, by ${summary.principals.toLocaleString('en-US')} principal keys (the entity and its sessions); ${summary.baselineCalls.toLocaleString('en-US')} calls in the baseline`,
    `- Indicators: ${summary.bySeverity.high} high, ${summary.bySeverity.medium} medium, ${summary.bySeverity.low} low, ${summary.bySeverity.info} informational`,
    ...(summary.tactics.length ? [`- MITRE ATT&CK tactics: ${summary.tactics.join(', ')}`] : []),
    '',
  ];
  if (answer.indicators.length === 0) lines.push('No indicators of compromise in the scope.', '');
  for (const i of answer.indicators) {
    lines.push(`## ${i.severity.toUpperCase()}: ${md(i.title)}`, '', md(i.explanation), '');
    lines.push(`- When: ${i.firstSeen}${i.lastSeen !== i.firstSeen ? ` to ${i.lastSeen}` : ''}`);
    if (i.tactics.length) lines.push(`- Tactics: ${i.tactics.join(', ')}`);
    const involved = i.entities.filter((e) => e.role !== 'investigated');
    if (involved.length) lines.push(`- Involves: ${involved.map((e) => `${md(e.label)} (${md(e.role)}, \`${code(e.id)}\`)`).join('; ')}`);
    lines.push(`- Evidence: ${i.evidence.eventCount.toLocaleString('en-US')} events${i.evidence.eventIds.length ? `, e.g. ${i.evidence.eventIds.map((id) => `\`${code(id)}\``).join(', ')}` : ''}`);
    if (i.evidence.timeline) {
      const t = i.evidence.timeline;
      const filters = Object.entries(t.filters).map(([k, v]) => `${k}=${v}`);
      lines.push(`- All of them: the timeline of \`${code(t.entity)}\` from ${t.from} to ${t.to}${filters.length ? ` with ${filters.map((f) => `\`${code(f)}\``).join(', ')}` : ''}`);
    }
    lines.push('');
  }
  if (answer.notes.length) lines.push('## Notes', '', ...answer.notes.map((n) => `- ${md(n)}`), '');
  lines.push(`_Thresholds: travel above ${answer.settings.travelKmh} km/h over at least ${answer.settings.travelMinKm} km; ${answer.settings.burstFailures} denied calls or ${answer.settings.enumerationApis} discovery APIs in ${answer.settings.burstMinutes} minutes._`, '');
  return lines.join('\n');
}
