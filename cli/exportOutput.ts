import { statSync, unlinkSync } from 'node:fs';
import { once } from 'node:events';
import { TrailhoundError } from '../graph/errors';
import { TextFileWriter } from '../ingest/common/textFileWriter';
import { isDiskFull } from './errors';

/**
 * Where an export goes: the file of --out, else stdout. A file that cannot be written whole (its
 * disk filled up) is removed and the export fails naming it: a cut-off timeline handed on to the
 * rest of the response must never pass for the whole one.
 */
export class ExportOutput {
  private readonly file: TextFileWriter | null;

  constructor(private readonly path: string | undefined) {
    this.file = path ? new TextFileWriter(path) : null;
  }

  async write(text: string): Promise<void> {
    if (this.file) return this.file.write(text);
    if (!process.stdout.write(text)) await once(process.stdout, 'drain');
  }

  async close(): Promise<void> {
    await this.file?.close();
  }

  /** The error to report for a failed export: out of space writing the file, named, and the part written removed. */
  async failed(error: unknown): Promise<unknown> {
    if (!this.file || !this.path || !isDiskFull(error)) return error;
    // Closed first: a file still being opened would otherwise appear again after its removal.
    await this.file.abandon();
    let removed = false;
    try {
      // Only a file of our own making: never a device (/dev/stdout) or a pipe given as --out.
      if (statSync(this.path).isFile()) {
        unlinkSync(this.path);
        removed = true;
      }
    } catch {
      // Already gone.
    }
    const message = error instanceof Error ? error.message : String(error);
    return new TrailhoundError(
      'DISK_FULL',
      `Out of disk space writing ${this.path} (${message})${removed ? ': the incomplete file was removed' : ''}.`,
      'Free space on that disk, or give --out a file on another one, then run the export again.',
      { cause: error },
    );
  }
}
