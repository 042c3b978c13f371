import { TrailhoundError } from '../../graph/errors';

/** What DuckDB may use to decode Security Lake's Parquet, unless TRAILHOUND_PARQUET_MEMORY says otherwise. */
export const DEFAULT_PARQUET_MEMORY = '512MB';

const SIZE = /^(\d+(?:\.\d+)?) ?(KB|MB|GB|KiB|MiB|GiB)$/i;

/**
 * The memory DuckDB may use to decode an OCSF Parquet file (TRAILHOUND_PARQUET_MEMORY). It holds
 * a row group while it decodes it: Security Lake's files need far less than the default, but a
 * lake rewritten with very large row groups can need more. Checked before any work (runIngest),
 * and only a size ever reaches DuckDB's settings.
 */
export function parquetMemory(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.TRAILHOUND_PARQUET_MEMORY?.trim();
  if (!value) return DEFAULT_PARQUET_MEMORY;
  const size = SIZE.exec(value);
  if (!size) {
    throw new TrailhoundError('BAD_OPTION', `TRAILHOUND_PARQUET_MEMORY must be a size such as 512MB or 2GB, not "${value}".`, `Unset it to use ${DEFAULT_PARQUET_MEMORY}.`);
  }
  return `${size[1]}${size[2]}`;
}

/** Twice a size parquetMemory gave ("512MB" -> "1024MB"): what to suggest when it was not enough. */
export function twice(size: string): string {
  const [, amount, unit] = SIZE.exec(size) ?? [];
  return amount && unit ? `${Number(amount) * 2}${unit}` : size;
}

/** Whether DuckDB gave up for want of memory (the file itself may be whole). */
export function ranOutOfMemory(message: string): boolean {
  return /^Out of Memory Error/.test(message);
}
