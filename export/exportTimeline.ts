import type { Graph } from '../graph/driver';
import type { EventStore } from '../store/eventStore';
import type { EntityRef } from '../graph/investigations/entities';
import type { RecordDetail } from '../graph/investigations/timeline';
import { timelineEntries, type ExportOptions } from './timelineEntries';
import { writeTimeline, type ExportFormat } from './writeTimeline';

/**
 * Formats that carry fields of the stored record beyond a timeline row: JSON the record without
 * request and response (as it always has), OCSF all of it (api.request.data, api.response.data,
 * and each finding's resources and evidences).
 */
const NEEDS_RECORDS: Record<ExportFormat, RecordDetail> = { csv: 'none', timesketch: 'none', ocsf: 'whole', json: 'summary' };

/**
 * An entity's timeline written in a format (the API's download and the CLI's file): each
 * event's stored record is read only when the format carries it. Returns how many entries.
 */
export function exportTimeline(graph: Graph, events: EventStore, ref: EntityRef, options: Omit<ExportOptions, 'records'>, format: ExportFormat, write: (text: string) => Promise<void>): Promise<number> {
  return writeTimeline(timelineEntries(graph, events, ref, { ...options, records: NEEDS_RECORDS[format] }), format, write);
}
