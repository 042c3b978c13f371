import { TextFileWriter } from '../common/textFileWriter';

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
  private writer: TextFileWriter | null = null;
  private count = 0;

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
    this.writer ??= new TextFileWriter(this.path);
    await this.writer.write(`${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);
  }

  async close(): Promise<void> {
    const writer = this.writer;
    this.writer = null;
    await writer?.close();
  }
}
