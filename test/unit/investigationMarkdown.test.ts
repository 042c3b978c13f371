import { describe, expect, it } from 'vitest';
import { investigationMarkdown } from '../../export/investigationMarkdown';
import type { Investigation } from '../../graph/investigations/indicators/investigate';
import { rank } from '../../graph/investigations/indicators/investigate';
import { DEFAULT_SETTINGS, type Indicator } from '../../graph/investigations/indicators/types';

const indicator = (over: Partial<Indicator>): Indicator => ({
  id: 'x', type: 'newUserAgent', severity: 'low', title: 'New user agent', explanation: 'carol made 1 call.', firstSeen: '2026-11-19T10:00:00.000Z', lastSeen: '2026-11-19T10:00:00.000Z',
  entities: [{ id: 'IamUser:carol', kind: 'IamUser', key: 'carol', label: 'carol', role: 'investigated' }],
  evidence: { eventIds: ['e1'], eventCount: 1, timeline: null }, tactics: [], details: {}, ...over,
});

const answer = (indicators: Indicator[]): Investigation => ({
  entity: { id: 'IamUser:carol', kind: 'IamUser', key: 'carol', label: 'carol', properties: {} },
  scope: { from: '2026-11-12T00:00:00.000Z', to: '2026-11-19T00:00:00.000Z', baselineFrom: '2026-09-28T00:00:00.000Z', baselineDays: 45 },
  summary: { calls: 10, failures: 1, addresses: 2, principals: 3, baselineCalls: 5, bySeverity: { high: 0, medium: 0, low: indicators.length, info: 0 }, tactics: [] },
  indicators, settings: DEFAULT_SETTINGS, notes: [],
});

describe('an investigation as Markdown', () => {
  it('keeps attacker-controlled text as text: no link, no HTML, no heading, no hidden characters', () => {
    const hostile = 'evil <img src=x onerror=alert(1)> [click](http://evil.example) # heading \u202Egnp.exe `code` www.evil.example';
    const text = investigationMarkdown(answer([indicator({ title: hostile, explanation: hostile, entities: [{ id: 'UserAgent:`x`', kind: 'UserAgent', key: '`x`', label: hostile, role: 'user agent' }] })]));
    // Every < of the log is escaped (\<), so no renderer sees a tag.
    expect(text).not.toMatch(/(^|[^\\])<img/m);
    expect(text).not.toContain('](http');
    expect(text).not.toContain('http://evil');
    expect(text).not.toContain('\u202E');
    expect(text).toContain('\\<img');
    expect(text).not.toMatch(/^# heading/m);
    expect(text).not.toContain('`x`');
  });

  it('ranks the most severe first, then stronger kinds of evidence, then the earliest', () => {
    const ranked = rank([
      indicator({ id: 'a', type: 'newApi', severity: 'low' }),
      indicator({ id: 'b', type: 'technique', severity: 'high', firstSeen: '2026-11-19T11:00:00.000Z' }),
      indicator({ id: 'c', type: 'impossibleTravel', severity: 'high' }),
      indicator({ id: 'd', type: 'technique', severity: 'high', firstSeen: '2026-11-19T09:00:00.000Z' }),
    ]);
    expect(ranked.map((i) => i.id)).toEqual(['c', 'd', 'b', 'a']);
  });
});
