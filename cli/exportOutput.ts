import { createWriteStream, statSync, unlinkSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { TrailhoundError } from '../graph/errors';
import { isDiskFull } from './errors';

/**
 * Where an export goes: the file of --out, else stdout. A file that cannot be written whole (its
 * disk filled up) is removed and the export fails naming it: a cut-off timeline handed on to the
 * rest of the response must never pass for the whole one.
 */
export class ExportOutput {
  private readonly file: WriteStream | null;
  private failure: Error | null = null;

  constructor(private readonly path: string | undefined) {
    this.file = path ? createWriteStream(path) : null;
    // A write fails after write() has returned: kept here until the next write or the close.
    this.file?.on('error', (error) => (this.failure ??= error));
  }

  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    const stream = this.file ?? process.stdout;
    if (!stream.write(text)) await once(stream, 'drain');
  }

  async close(): Promise<void> {
    const file = this.file;
    if (!file) return;
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (this.failure) throw this.failure;
  }

  /** The error to report for a failed export: out of space writing the file, named, and the part written removed. */
  async failed(error: unknown): Promise<unknown> {
    const file = this.file;
    if (!file || !this.path || !isDiskFull(error)) return error;
    // Closed first: a file still being opened would otherwise appear again after its removal.
    if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()).destroy());
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
