import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * A text file written a piece at a time, with the stream's backpressure. A write can fail after
 * write() has returned (a full disk): the stream then emits 'error' with nobody waiting, which
 * would end the process with a raw stack. The failure is kept here instead, and thrown by the next
 * write or by close, to be reported like any other error.
 */
export class TextFileWriter {
  private readonly stream: WriteStream;
  private failure: Error | null = null;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (error) => (this.failure ??= error));
  }

  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  /** Everything written reaches the file, or the failure that kept it from doing so is thrown. */
  async close(): Promise<void> {
    if (this.failure) {
      this.stream.destroy();
      throw this.failure;
    }
    await new Promise<void>((resolve, reject) => this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (this.failure) throw this.failure;
  }

  /** Closed as it is, whatever was written or not (before the file is removed). */
  async abandon(): Promise<void> {
    if (this.stream.closed) return;
    await new Promise<void>((resolve) => this.stream.once('close', () => resolve()).destroy());
  }
}
