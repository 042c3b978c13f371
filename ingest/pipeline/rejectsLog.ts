import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

export interface RejectEntry {
  readonly file: string;
  readonly scope: 'record' | 'file';
  readonly record?: number;
  readonly line?: number;
  readonly byteOffset?: number;
  readonly reason: string;
  readonly hint?: string;
  readonly recordId?: string;
  readonly excerpt?: string;
}

/**
 * The rejects file: one JSON line per refused record or file, saying where and why, so that
 * nothing is dropped silently and a fixed record can be found again. Created on the first
 * reject only, so a clean run leaves nothing behind.
 */
export class RejectsLog {
  private stream: WriteStream | null = null;
  private count = 0;
  /** A write that failed after write() returned (a full disk): thrown by the next add or the close, never an uncaught 'error' event. */
  private failure: Error | null = null;

  constructor(readonly path: string | null) {}

  get written(): number {
    return this.count;
  }

  /** The file's path if anything was written to it. */
  get file(): string | null {
    return this.count > 0 ? this.path : null;
  }

  async add(entry: RejectEntry): Promise<void> {
    this.count += 1;
    if (!this.path) return;
    if (this.failure) throw this.failure;
    if (!this.stream) {
      this.stream = createWriteStream(this.path, { flags: 'w' });
      this.stream.on('error', (error) => (this.failure ??= error));
    }
    if (!this.stream.write(`${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (!this.stream) return;
    const stream = this.stream;
    this.stream = null;
    if (this.failure) {
      stream.destroy();
      throw this.failure;
    }
    await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (this.failure) throw this.failure;
  }
}
