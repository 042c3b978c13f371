import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TrailhoundError } from '../../graph/errors';
import type { InputFile, LogSource } from './types';

/** Which files and directories a walk takes. */
export type DirectoryFilter = Pick<LogSource, 'takesFile' | 'skipsDirectory'>;

export interface InputListing {
  readonly files: InputFile[];
  /** Files a directory walk passed over because the source does not read them. */
  readonly skipped: string[];
}

/**
 * Expands the paths a user gave into files, in a stable order: files as given, directories
 * walked recursively (sorted, symlink loops ignored). A path that does not exist stops the run
 * before any work, since it is almost always a typo.
 */
export async function listInputFiles(paths: readonly string[], source: DirectoryFilter): Promise<InputListing> {
  const files: InputFile[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new TrailhoundError(
        'INPUT_MISSING',
        `${path}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : String(error)}`,
        'Check the path; directories are read recursively.',
      );
    }
    if (info.isDirectory()) await walk(path, source, files, skipped, seen);
    else if (info.isFile()) files.push({ path, size: info.size });
  }
  return { files, skipped };
}

async function walk(dir: string, source: DirectoryFilter, files: InputFile[], skipped: string[], seen: Set<string>): Promise<void> {
  const real = await realpath(dir);
  if (seen.has(real)) return;
  seen.add(real);
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.name.startsWith('.')) continue;
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(path).catch(() => null);
      isDir = target?.isDirectory() ?? false;
      isFile = target?.isFile() ?? false;
    }
    if (isDir) {
      if (!source.skipsDirectory?.(path)) await walk(path, source, files, skipped, seen);
    } else if (isFile) {
      if (source.takesFile(path)) files.push({ path, size: (await stat(path)).size });
      else skipped.push(path);
    }
  }
}
