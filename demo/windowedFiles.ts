import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { createGzip, type Gzip } from 'node:zlib';

interface OpenFile {
  readonly path: string;
  readonly gzip: Gzip;
  readonly done: Promise<unknown>;
  readonly footer: string;
  pieces: number;
}

/**
 * Log files as AWS delivers them, one per group (account and region) and time window: while
 * records arrive in time order, each group has one file open; a record for a new window closes
 * the group's file and opens the next. Memory stays flat however much is written.
 */
export class WindowedFiles {
  private readonly open = new Map<string, OpenFile>();
  files = 0;

  constructor(private readonly shape: { header: string; separator: string; footer: string }) {}

  async write(group: string, path: string, text: string): Promise<void> {
    let file = this.open.get(group);
    if (file && file.path !== path) {
      await this.finish(file);
      file = undefined;
    }
    if (!file) {
      await mkdir(dirname(path), { recursive: true });
      const gzip = createGzip({ level: 6 });
      const out: WriteStream = createWriteStream(path);
      gzip.pipe(out);
      file = { path, gzip, done: once(out, 'close'), footer: this.shape.footer, pieces: 0 };
      this.open.set(group, file);
      this.files += 1;
      gzip.write(this.shape.header);
    }
    const piece = file.pieces > 0 ? `${this.shape.separator}${text}` : text;
    file.pieces += 1;
    if (!file.gzip.write(piece)) await once(file.gzip, 'drain');
  }

  private async finish(file: OpenFile): Promise<void> {
    file.gzip.end(file.footer);
    await file.done;
  }

  async close(): Promise<void> {
    for (const file of this.open.values()) await this.finish(file);
    this.open.clear();
  }
}
