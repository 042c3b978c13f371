import type { TimelineEntry } from './entries';
import { cloudTrailEventRecord } from './ocsf/cloudTrailEvent';
import { detectionFindingRecord } from './ocsf/detectionFinding';
import { networkActivityRecord } from './ocsf/networkActivity';
import { classFields, compact, OCSF_VERSION, OcsfClasses } from './ocsf/vocabulary';

/**
 * OCSF 1.1.0 JSON Lines, as Amazon Security Lake writes the same data: CloudTrail events as
 * Authentication, Account Change or API Activity; flows as Network Activity; GuardDuty findings as
 * Detection Finding. Each line declares its profiles and validates against the OCSF schema of
 * its version (test/integration/ocsfExport.test.ts checks every line). docs/ocsf.md maps every field.
 */
export function ocsfLine(entry: TimelineEntry): string {
  return `${JSON.stringify(compact(ocsfRecord(entry)))}\n`;
}

export function ocsfRecord(entry: TimelineEntry): Record<string, unknown> {
  const time = Date.parse(entry.time);
  switch (entry.type) {
    case 'event':
      return cloudTrailEventRecord(entry.event, entry.raw);
    case 'flow':
      return networkActivityRecord(entry.flow);
    case 'finding':
      return detectionFindingRecord(entry.finding, time, entry.raw ?? null);
    case 'note':
      // Base Event, activity Other: a line any OCSF reader accepts, saying what the export left out.
      return {
        ...classFields(OcsfClasses.baseEvent, 99, 'Other'),
        severity_id: 1,
        severity: 'Informational',
        time,
        message: entry.note,
        metadata: { version: OCSF_VERSION, product: { name: 'Trailhound', vendor_name: 'Trailhound' }, event_code: 'export_incomplete' },
      };
  }
}
