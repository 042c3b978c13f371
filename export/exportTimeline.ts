import type { Graph } from '../graph/driver';
import type { EventStore } from '../store/eventStore';
import type { EntityRef } from '../graph/investigations/entities';
import { timelineEntries, type ExportOptions } from './timelineEntries';
import { writeTimeline, type ExportFormat } from './writeTimeline';

/** Formats that carry fields of the stored record beyond a timeline row (identity, request id, the record itself). */
const NEEDS_RECORDS: Record<ExportFormat, boolean> = { csv: false, timesketch: false, ocsf: true, json: true };

/**
 * An entity's timeline written in a format (the API's download and the CLI's file): each
 * event's stored record is read only when the format carries it. Returns how many entries.
 */
export function exportTimeline(graph: Graph, events: EventStore, ref: EntityRef, options: Omit<ExportOptions, 'withRecords'>, format: ExportFormat, write: (text: string) => Promise<void>): Promise<number> {
  return writeTimeline(timelineEntries(graph, events, ref, { ...options, withRecords: NEEDS_RECORDS[format] }), format, write);
}
