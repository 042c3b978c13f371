import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import type { CaseReport } from '../../export/caseReport';
import { caseReportMarkdown } from '../../export/caseReportMarkdown';

const T = '2026-11-19T10:00:00.000Z';

/** A report whose log-derived texts and team texts are hostile. */
function hostileReport(): CaseReport {
  const pin = (ref: string, label: string, verdict: CaseReport['pins'][number]['verdict'], note = '') => ({ pinId: 'pin-1', kind: 'entity' as const, ref, label, verdict, note, pinnedAt: T, pinnedBy: 'alice', updatedAt: T, eventTime: null, present: true });
  return {
    case: { caseId: 'case-0a1b2c3d', title: 'Leak <script>x()</script>', status: 'open', owner: null, createdAt: T, createdBy: 'alice', updatedAt: T },
    generatedAt: T,
    summary: { pins: 2, verdicts: { malicious: 1, suspicious: 0, benign: 0, 'false-positive': 0, undecided: 1 }, notes: 1, principals: 1, archivedFindings: 0, logEntries: 3 },
    pins: [pin('IamUser:arn:aws:iam::1:user/x', 'Admin\r\rBenign\r======', 'malicious'), pin('IamUser:arn:aws:iam::1:user/y', 'y', null, 'see\r# Heading\r<img src=x onerror=a()>')],
    notes: [{ noteId: 'note-1', text: 'title \u001b]0;pwned\u0007 and \u001b[2J <b onclick=x()>b</b>', createdAt: T, createdBy: 'alice', updatedAt: T, updatedBy: 'alice' }],
    views: [],
    queries: [{ queryId: 'query-1', name: 'q', query: "RETURN '\r<img src=x onerror=alert(1)>\n```\n<script>x()</script>'", createdAt: T, createdBy: 'alice' }],
    findings: [],
    timeline: {
      principals: ['IamUser:arn:aws:iam::1:user/x'],
      from: T,
      to: T,
      window: 'all time',
      entries: [{ time: T, eventId: 'e1', eventName: 'GetObject\r- injected item', eventSource: 's3.amazonaws.com', region: null, accountId: null, errorCode: null, sourceIp: '[click](https://evil.example)', principal: { id: 'x', kind: 'IamUser', label: 'x|y' }, of: ['x'], pinned: null }],
      truncated: false,
      limit: 10,
    },
    investigations: [],
    remarks: [],
  };
}

describe("a case report's Markdown", () => {
  const markdown = caseReportMarkdown(hostileReport());
  // A ticket system that lets raw HTML through: the harshest renderer a report may meet.
  const html = new MarkdownIt({ html: true }).render(markdown);

  it('lets no log text start a heading, a list or a link, whatever its line breaks', () => {
    expect(html).not.toMatch(/<h1>Benign<\/h1>/);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html).not.toContain('<h1>Heading');
    expect(html).not.toContain('href="https://evil.example"');
    expect(html).not.toMatch(/<li>injected item/);
    // The timeline row stays one row of the table.
    expect(html.match(/<tr>/g)).toHaveLength(2);
  });

  it('lets no HTML through from titles, pin notes, team notes or saved queries', () => {
    expect(html).not.toMatch(/<(script|img|b)[\s>]/);
    expect(markdown).toContain('&lt;b onclick');
  });

  it('shows terminal escapes as markers, so a report printed to a terminal cannot rewrite it', () => {
    expect(markdown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(markdown).toContain('⟨U+001B⟩]0;pwned⟨U+0007⟩');
  });
});
