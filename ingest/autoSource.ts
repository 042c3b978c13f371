import { asyncBufferFromFile, parquetMetadataAsync, parquetSchema } from 'hyparquet';
import { detectSource, type Detection, type SourceName } from './detect';
import { isParquet } from './vpcflow/parquet';
import { openInput } from './pipeline/openInput';
import type { LogSource } from './pipeline/types';
import { sources } from './sources';

/** The pseudo-source of `trailhound ingest <paths>`: each file's source is detected from its content. */
export const AUTO = 'auto' as const;

/** Files a directory walk picks up when the source is detected per file. */
export const autoWalker: Pick<LogSource, 'takesFile' | 'skipsDirectory'> = {
  takesFile: (path) => Object.values(sources).some((s) => s.takesFile(path)),
  skipsDirectory: (path) => Object.values(sources).some((s) => s.skipsDirectory?.(path)),
};

/** Reads the first (decompressed) bytes of a file and says which source reads it. */
export async function detectFileSource(path: string, size?: number): Promise<{ source: LogSource | null; looksLike: string }> {
  const input = await openInput(path, () => {}, size);
  let head = Buffer.alloc(0);
  try {
    for await (const chunk of input.chunks) {
      head = Buffer.concat([head, chunk]);
      if (head.length >= 64 * 1024) break;
    }
  } catch {
    // A truncated or corrupt gzip: judge by what was read; the source's reader reports the rest.
  }
  let detection: Detection = detectSource(head);
  // A Parquet file is a flow log or OCSF records: its footer's columns say which.
  if (isParquet(head) && (await parquetColumns(path)).includes('class_uid')) detection = { source: 'ocsf', looksLike: 'OCSF records in Parquet' };
  return { source: detection.source ? (sources[detection.source as SourceName] ?? null) : null, looksLike: detection.looksLike };
}

/** The top-level columns of a local Parquet file; none when it cannot be read (its reader says why). */
async function parquetColumns(path: string): Promise<string[]> {
  try {
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path));
    return parquetSchema(metadata).children.map((child) => child.element.name);
  } catch {
    return [];
  }
}
