/** Receives one line: its text, 1-based number and byte offset. */
export type LineHandler = (text: string, line: number, byteOffset: number) => void;

/**
 * Splits a stream of chunks into lines without holding more than one chunk and one partial
 * line, calling back per line (no object per line: flow logs have millions). Lines are decoded
 * as latin1: flow logs are ASCII, and latin1 never fails.
 */
export class LineSplitter {
  private rest = '';
  private lineNumber = 0;
  private offset = 0;

  push(chunk: Buffer, onLine: LineHandler): void {
    const text = this.rest.length > 0 ? this.rest + chunk.toString('latin1') : chunk.toString('latin1');
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      this.lineNumber += 1;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      onLine(text.slice(start, end), this.lineNumber, this.offset + start);
      start = nl + 1;
    }
    this.rest = text.slice(start);
    this.offset += start;
  }

  /** The last line, if the input did not end with a newline. */
  end(onLine: LineHandler): void {
    if (this.rest.length === 0) return;
    this.lineNumber += 1;
    onLine(this.rest.replace(/\r$/, ''), this.lineNumber, this.offset);
    this.rest = '';
  }

  /** Characters held for an unfinished line (to refuse absurdly long "lines"). */
  get pending(): number {
    return this.rest.length;
  }
}
