import { csvHeader, csvRow } from './csv';
import type { TimelineEntry } from './entries';
import { ocsfLine } from './ocsf';
import { timesketchLine } from './timesketch';

export const EXPORT_FORMATS = ['csv', 'timesketch', 'ocsf', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  timesketch: 'application/x-ndjson; charset=utf-8',
  ocsf: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

export const FILE_EXTENSIONS: Record<ExportFormat, string> = { csv: 'csv', timesketch: 'jsonl', ocsf: 'ocsf.jsonl', json: 'json' };

/**
 * Writes timeline entries (in batches) in a format, piece by piece, waiting whenever the destination asks
 * (`write` resolves when it may continue): an export of millions of events never sits in memory.
 * Returns how many entries were written.
 */
export async function writeTimeline(batches: AsyncIterable<readonly TimelineEntry[]>, format: ExportFormat, write: (text: string) => Promise<void>): Promise<number> {
  let count = 0;
  let buffer = format === 'csv' ? csvHeader() : format === 'json' ? '[' : '';
  for await (const entries of batches) {
    for (const entry of entries) {
      const text = format === 'csv' ? csvRow(entry) : format === 'timesketch' ? timesketchLine(entry) : format === 'ocsf' ? ocsfLine(entry) : `${count > 0 ? ',' : ''}\n${JSON.stringify(entry)}`;
      buffer += text;
      count += 1;
      // Batch small lines into larger writes; hand them on when there is enough.
      if (buffer.length >= 64 * 1024) {
        await write(buffer);
        buffer = '';
      }
    }
  }
  if (format === 'json') buffer += count > 0 ? '\n]\n' : ']\n';
  if (buffer) await write(buffer);
  return count;
}
