import { detectSource, type SourceName } from './detect';
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
  const detection = detectSource(head);
  return { source: detection.source ? (sources[detection.source as SourceName] ?? null) : null, looksLike: detection.looksLike };
}
