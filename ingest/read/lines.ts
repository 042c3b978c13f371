/**
 * Splits a stream of text chunks into lines without holding more than one chunk and one
 * partial line. Lines are decoded as latin1: flow logs are ASCII, and latin1 never fails.
 */
export class LineSplitter {
  private rest = '';
  private lineNumber = 0;
  private offset = 0;

  /** Lines completed by this chunk, with their 1-based numbers and byte offsets. */
  push(chunk: Buffer): { text: string; line: number; byteOffset: number }[] {
    const text = this.rest + chunk.toString('latin1');
    const out: { text: string; line: number; byteOffset: number }[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      this.lineNumber += 1;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      out.push({ text: text.slice(start, end), line: this.lineNumber, byteOffset: this.offset + start });
      start = nl + 1;
    }
    this.rest = text.slice(start);
    this.offset += start;
    return out;
  }

  /** The last line, if the input did not end with a newline. */
  end(): { text: string; line: number; byteOffset: number }[] {
    if (this.rest.length === 0) return [];
    this.lineNumber += 1;
    const last = { text: this.rest.replace(/\r$/, ''), line: this.lineNumber, byteOffset: this.offset };
    this.rest = '';
    return [last];
  }

  /** Characters held for an unfinished line (to refuse absurdly long "lines"). */
  get pending(): number {
    return this.rest.length;
  }
}
