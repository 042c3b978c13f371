import { describe, expect, it } from 'vitest';
import { EXPORT_CAPS, exportCaps } from '../../export/timelineEntries';

describe('exportCaps (how many flow hours and findings one export holds)', () => {
  it('takes whole numbers from the settings, and keeps the defaults for anything else, an empty value included', () => {
    expect(exportCaps({})).toEqual(EXPORT_CAPS);
    expect(exportCaps({ TRAILHOUND_EXPORT_MAX_FLOW_HOURS: '500000', TRAILHOUND_EXPORT_MAX_FINDINGS: '20' })).toEqual({ flowHours: 500_000, findings: 20 });
    for (const bad of ['', ' ', 'lots', '-1', '1.5']) expect(exportCaps({ TRAILHOUND_EXPORT_MAX_FLOW_HOURS: bad }).flowHours, JSON.stringify(bad)).toBe(EXPORT_CAPS.flowHours);
  });
});
