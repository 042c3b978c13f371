/**
 * Finds the records of a JSON log file in a stream of bytes, without parsing the whole file:
 * it tracks strings, escapes and nesting depth to find where each record starts and ends, then
 * the caller hands that one record's text to JSON.parse (5-8x faster than a JSON token stream
 * in JS, see shared PERFORMANCE-NOTES), and memory stays bounded by one record, not one file.
 *
 * The container is detected per file:
 *  - `{"Records": [ ... ]}`   each element of Records is a record (CloudTrail's S3 delivery)
 *  - `[ ... ]`                 each element is a record (exports, bare arrays)
 *  - one JSON object per line  each line is a record (JSON Lines; a broken line costs one record)
 *  - concatenated values       each top-level value is a record (pretty-printed single events)
 */

export interface RawRecord {
  /** The record's JSON text. */
  readonly text: string;
  /** 1-based position of the record in its file. */
  readonly index: number;
  /** 1-based line on which the record starts. */
  readonly line: number;
  /** Offset of the record's first byte in the (decompressed) file. */
  readonly byteOffset: number;
}

export interface ScanProblem {
  readonly reason: string;
  readonly index: number;
  readonly line: number;
  readonly byteOffset: number;
  readonly excerpt?: string;
}

export type ScanItem =
  | { readonly kind: 'record'; readonly record: RawRecord }
  | { readonly kind: 'problem'; readonly problem: ScanProblem };

/** The file's opening bytes are not JSON at all (a flow log, a CSV, a binary file...). */
export interface NotJson {
  readonly firstLine: string;
}

export const DEFAULT_MAX_RECORD_BYTES = 32 * 1024 * 1024;

const NEWLINE = 10;
const RETURN = 13;
const TAB = 9;
const SPACE = 32;
const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACKET = 91;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const RECORDS_KEY = [82, 101, 99, 111, 114, 100, 115]; // "Records"

export class JsonRecordScanner {
  private mode: 'start' | 'values' | 'lines' = 'start';
  /** Absolute offset of the current chunk's first byte. */
  private chunkBase = 0;
  private line = 1;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Depth at which a value that starts is a record: 0 at top level, 1 in `[..]`, 2 in Records. */
  private recordDepth = 0;
  /** Depth the current container's contents sit at, or -1 outside a container. */
  private containerDepth = -1;

  private capturing = false;
  private captureParts: Buffer[] = [];
  private captureBytes = 0;
  private captureStart = 0;
  private captureLine = 0;
  private captureHadNewline = false;
  private captureTopObject = false;
  private captureScalar = false;
  private oversize = false;

  // Inside a top-level object: is the next string a key, and was the last key "Records"?
  private expectKey = false;
  private keyMatch = -1; // bytes of "Records" matched so far in the key being read, -1 = no match
  private sawRecordsKey = false;
  private awaitingRecordsValue = false;

  // Resynchronisation after a malformed record in a pretty-printed container (see resyncAt).
  private lineStartAbs = 0;
  private lineBlank = true;
  private prev1 = 0; // last non-blank byte outside strings
  private prev2 = 0; // the one before it
  private recordIndent = -1;

  private records = 0;
  private firstValueDone = false;
  private firstValueOneLineObject = false;
  private lineParts: Buffer[] = [];
  private lineBytes = 0;
  private lineStart = 0;
  private notJson: NotJson | null = null;

  constructor(private readonly maxRecordBytes = DEFAULT_MAX_RECORD_BYTES) {}

  /** Set when the first non-blank byte of the input is neither `{` nor `[`. */
  get notJsonInput(): NotJson | null {
    return this.notJson;
  }

  /** Scans a chunk; returns the records (and problems) it completed. */
  push(chunk: Buffer): ScanItem[] {
    const out: ScanItem[] = [];
    if (!this.notJson) {
      let from = 0;
      if (this.mode === 'start') {
        from = this.skipLeading(chunk);
        if (!this.notJson && from < chunk.length) this.mode = 'values';
      }
      if (this.mode === 'values' && !this.notJson) this.scanValues(chunk, from, out);
      else if (this.mode === 'lines') this.scanLines(chunk, from, out);
    }
    this.chunkBase += chunk.length;
    return out;
  }

  /**
   * Where the input stopped, for a stream that broke off (a truncated .gz): the record it was
   * in, or the next one, counted from 1, its line, and its offset in the decompressed text.
   */
  get breakOff(): { readonly index: number; readonly line: number; readonly byteOffset: number } {
    return this.capturing
      ? { index: this.records + 1, line: this.captureLine, byteOffset: this.captureStart }
      : { index: this.records + 1, line: this.line, byteOffset: this.chunkBase };
  }

  /** Signals the end of input; reports a record cut off by the end of the file. */
  end(): ScanItem[] {
    const out: ScanItem[] = [];
    if (this.mode === 'lines') {
      if (this.lineBytes > 0) this.emitLine(Buffer.concat(this.lineParts), out);
      this.lineParts = [];
      this.lineBytes = 0;
    } else if (this.capturing || this.depth > 0 || this.inString) {
      const partial = this.capturing && !this.oversize ? Buffer.concat(this.captureParts).toString('utf8') : '';
      this.records += 1;
      out.push({
        kind: 'problem',
        problem: {
          reason: this.capturing ? 'the file ends inside this record (truncated file?)' : 'the file ends before its records are closed (truncated file, or unbalanced brackets earlier)',
          index: this.records,
          line: this.capturing ? this.captureLine : this.line,
          byteOffset: this.capturing ? this.captureStart : this.chunkBase,
          ...(partial ? { excerpt: excerpt(partial) } : {}),
        },
      });
      this.resetCapture();
    }
    return out;
  }

  private skipLeading(chunk: Buffer): number {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      const bom = this.chunkBase + i < 3 && (c === 0xef || c === 0xbb || c === 0xbf);
      if (bom || c === SPACE || c === TAB || c === RETURN) continue;
      if (c === NEWLINE) {
        this.line++;
        continue;
      }
      if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
        const end = chunk.indexOf(NEWLINE, i);
        const stop = end === -1 ? Math.min(chunk.length, i + 200) : Math.min(end, i + 200);
        this.notJson = { firstLine: chunk.subarray(i, stop).toString('utf8') };
      }
      return i;
    }
    return chunk.length;
  }

  private scanValues(chunk: Buffer, from: number, out: ScanItem[]): void {
    let partStart = this.capturing ? from : -1;
    const len = chunk.length;
    let nextBackslash = -1;
    for (let i = from; i < len; i++) {
      const c = chunk[i]!;

      if (this.inString) {
        // Fast path: jump to the string's closing quote when no escape lies before it (most
        // strings). A key being matched against "Records" takes the byte-by-byte path.
        if (!this.escaped && this.keyMatch < 0 && c !== QUOTE && c !== BACKSLASH) {
          // The next backslash is searched once and reused until passed, keeping this linear.
          if (nextBackslash < i) nextBackslash = indexOrEnd(chunk, BACKSLASH, i);
          const quote = indexOrEnd(chunk, QUOTE, i);
          if (nextBackslash > quote || nextBackslash === len) {
            i = quote - 1;
            continue;
          }
        }
        if (this.escaped) {
          this.escaped = false;
          this.keyMatch = -1;
        } else if (c === BACKSLASH) {
          this.escaped = true;
          this.keyMatch = -1;
        } else if (c === QUOTE) {
          this.inString = false;
          if (this.keyMatch >= 0) {
            this.sawRecordsKey = this.keyMatch === RECORDS_KEY.length;
            this.keyMatch = -1;
          } else if (this.capturing && this.captureScalar && this.depth === this.recordDepth) {
            this.finishCapture(chunk, partStart, i + 1, out); // a string element is a (rejected) record
            partStart = -1;
          }
        } else {
          if (this.keyMatch >= 0) this.keyMatch = RECORDS_KEY[this.keyMatch] === c ? this.keyMatch + 1 : -1;
          if (c === NEWLINE) {
            this.line++;
            this.lineStartAbs = this.chunkBase + i + 1;
            if (this.capturing) this.captureHadNewline = true;
          }
        }
        continue;
      }

      if (c === OPEN_BRACE && this.capturing && this.lineBlank && this.recordDepth > 0 && this.depth > this.recordDepth && this.resyncAt(chunk, partStart, i, out)) {
        partStart = -1;
      }

      if (this.capturing && this.captureScalar && this.depth === this.recordDepth) {
        // A number / true / false / null element ends at the next delimiter.
        if (c === COMMA || c === SPACE || c === TAB || c === RETURN || c === NEWLINE || c === CLOSE_BRACKET || c === CLOSE_BRACE) {
          this.finishCapture(chunk, partStart, i, out);
          partStart = -1;
        }
      }

      switch (c) {
        case NEWLINE:
          this.line++;
          this.lineStartAbs = this.chunkBase + i + 1;
          this.lineBlank = true;
          if (this.capturing) this.captureHadNewline = true;
          if (this.mayBecomeLines()) {
            this.mode = 'lines';
            this.scanLines(chunk, i + 1, out);
            return;
          }
          break;
        case SPACE:
        case TAB:
        case RETURN:
          break;
        case QUOTE:
          if (this.depth === this.recordDepth && !this.capturing) {
            this.beginCapture(i, false, true);
            partStart = i;
          } else if (this.depth === 1 && this.captureTopObject && this.expectKey) {
            this.keyMatch = 0;
            this.expectKey = false;
          }
          this.inString = true;
          break;
        case OPEN_BRACE:
        case OPEN_BRACKET:
          if (this.awaitingRecordsValue && this.depth === 1 && c === OPEN_BRACKET) {
            // `{"Records": [` -- the top-level object is a container, not a record: drop it and
            // capture each element of the array instead.
            this.resetCapture();
            partStart = -1;
            this.recordDepth = 2;
            this.containerDepth = 2;
          } else if (this.depth === 0 && c === OPEN_BRACKET) {
            this.recordDepth = 1;
            this.containerDepth = 1;
          } else if (this.depth === this.recordDepth && !this.capturing) {
            this.beginCapture(i, this.depth === 0 && c === OPEN_BRACE, false);
            partStart = i;
          }
          this.awaitingRecordsValue = false;
          this.depth++;
          if (this.depth === 1 && this.captureTopObject) this.expectKey = true;
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          if (this.depth === 0) {
            out.push(this.problemAt('unexpected closing bracket outside any record', i));
            break;
          }
          this.depth--;
          if (this.depth === this.containerDepth - 1) {
            // The container closed: what follows (rest of the object, next value) is not records.
            this.containerDepth = -1;
            this.recordDepth = 0;
            if (this.depth === 0) this.firstValueDone = true;
          } else if (this.capturing && !this.captureScalar && this.depth === this.recordDepth) {
            this.finishCapture(chunk, partStart, i + 1, out);
            partStart = -1;
          }
          break;
        case COLON:
          if (this.depth === 1 && this.captureTopObject && this.sawRecordsKey) this.awaitingRecordsValue = true;
          this.sawRecordsKey = false;
          break;
        case COMMA:
          if (this.depth === 1 && this.captureTopObject) this.expectKey = true;
          this.awaitingRecordsValue = false;
          break;
        default:
          if (this.depth === this.recordDepth && !this.capturing) {
            if (this.depth === 0) {
              // Stray text between top-level values: report it and skip the rest of its line.
              const end = chunk.indexOf(NEWLINE, i);
              const stop = end === -1 ? len : end;
              out.push(this.problemAt('text outside any JSON record', i, chunk.subarray(i, Math.min(stop, i + 300)).toString('utf8')));
              i = stop - 1;
              break;
            }
            this.beginCapture(i, false, true);
            partStart = i;
          } else if (this.depth === 1 && this.captureTopObject) {
            this.awaitingRecordsValue = false;
          }
          break;
      }
      if (c !== SPACE && c !== TAB && c !== RETURN && c !== NEWLINE) {
        this.prev2 = this.prev1;
        this.prev1 = c;
        this.lineBlank = false;
      }
    }
    if (this.capturing && partStart !== -1) this.appendPart(chunk.subarray(partStart, len));
  }

  /**
   * A record in a pretty-printed container whose brackets do not balance would otherwise
   * swallow every record after it. When a line starts with `{` at the indentation the
   * container's records start at, right after a `},` line, while the current record is still
   * open, the current record is malformed: report it and start the next record here.
   */
  private resyncAt(chunk: Buffer, partStart: number, i: number, out: ScanItem[]): boolean {
    const column = this.chunkBase + i - this.lineStartAbs;
    if (column !== this.recordIndent || this.prev1 !== COMMA || this.prev2 !== CLOSE_BRACE) return false;
    if (partStart !== -1) this.appendPart(chunk.subarray(partStart, i));
    this.records += 1;
    const text = this.oversize ? '' : Buffer.concat(this.captureParts).toString('utf8').trimEnd();
    out.push({
      kind: 'problem',
      problem: {
        reason: `malformed record: its brackets do not balance (the next record starts on line ${this.line})`,
        index: this.records,
        line: this.captureLine,
        byteOffset: this.captureStart,
        ...(text ? { excerpt: excerpt(text) } : {}),
      },
    });
    this.resetCapture();
    this.depth = this.recordDepth;
    return true;
  }

  private beginCapture(at: number, topObject: boolean, scalar: boolean): void {
    if (this.recordIndent === -1 && this.recordDepth > 0 && this.lineBlank) this.recordIndent = this.chunkBase + at - this.lineStartAbs;
    this.capturing = true;
    this.captureParts = [];
    this.captureBytes = 0;
    this.captureStart = this.chunkBase + at;
    this.captureLine = this.line;
    this.captureHadNewline = false;
    this.captureTopObject = topObject;
    this.captureScalar = scalar;
    this.oversize = false;
    this.expectKey = false;
    this.sawRecordsKey = false;
  }

  private appendPart(part: Buffer): void {
    if (this.oversize) return;
    this.captureBytes += part.length;
    if (this.captureBytes > this.maxRecordBytes) {
      this.oversize = true;
      this.captureParts = [];
      return;
    }
    // Copy: the stream may reuse the chunk's memory once we return.
    this.captureParts.push(Buffer.from(part));
  }

  private finishCapture(chunk: Buffer, partStart: number, endExclusive: number, out: ScanItem[]): void {
    if (partStart !== -1) {
      // The last part need not be copied: it is decoded right now.
      const last = chunk.subarray(partStart, endExclusive);
      this.captureBytes += last.length;
      if (this.captureBytes > this.maxRecordBytes) this.oversize = true;
      else this.captureParts.push(last);
    }
    this.records += 1;
    const position = { index: this.records, line: this.captureLine, byteOffset: this.captureStart };
    if (this.oversize) {
      out.push({ kind: 'problem', problem: { ...position, reason: `record larger than ${formatMiB(this.maxRecordBytes)}, skipped` } });
    } else {
      const bytes = this.captureParts.length === 1 ? this.captureParts[0]! : Buffer.concat(this.captureParts);
      out.push({ kind: 'record', record: { text: bytes.toString('utf8'), ...position } });
    }
    if (!this.firstValueDone && this.depth === 0) {
      this.firstValueDone = true;
      this.firstValueOneLineObject = this.captureTopObject && !this.captureHadNewline;
    }
    this.resetCapture();
  }

  private resetCapture(): void {
    this.capturing = false;
    this.captureParts = [];
    this.captureBytes = 0;
    this.captureTopObject = false;
    this.captureScalar = false;
    this.oversize = false;
    this.expectKey = false;
    this.keyMatch = -1;
    this.sawRecordsKey = false;
    this.awaitingRecordsValue = false;
  }

  /**
   * A first record that was one object on one line makes the file JSON Lines: from the next line
   * on, records are split by newline, so a malformed line costs only itself.
   */
  private mayBecomeLines(): boolean {
    return this.firstValueDone && this.firstValueOneLineObject && this.depth === 0 && !this.capturing;
  }

  private scanLines(chunk: Buffer, from: number, out: ScanItem[]): void {
    let start = from;
    if (this.lineBytes === 0) this.lineStart = this.chunkBase + start;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) {
        if (start < chunk.length) this.keepLinePart(chunk.subarray(start));
        return;
      }
      if (this.lineBytes > 0) {
        this.keepLinePart(chunk.subarray(start, nl));
        if (this.lineBytes > this.maxRecordBytes) this.emitOversizeLine(out);
        else this.emitLine(Buffer.concat(this.lineParts), out);
      } else if (nl - start > this.maxRecordBytes) {
        this.emitOversizeLine(out);
      } else {
        this.emitLine(chunk.subarray(start, nl), out);
      }
      this.lineParts = [];
      this.lineBytes = 0;
      this.line++;
      start = nl + 1;
      this.lineStart = this.chunkBase + start;
    }
  }

  private keepLinePart(part: Buffer): void {
    this.lineBytes += part.length;
    if (this.lineBytes <= this.maxRecordBytes) this.lineParts.push(Buffer.from(part));
    else this.lineParts = [];
  }

  private emitLine(buf: Buffer, out: ScanItem[]): void {
    const text = buf.toString('utf8').trim();
    if (text.length === 0) return;
    this.records += 1;
    out.push({ kind: 'record', record: { text, index: this.records, line: this.line, byteOffset: this.lineStart } });
  }

  private emitOversizeLine(out: ScanItem[]): void {
    this.records += 1;
    out.push({
      kind: 'problem',
      problem: { reason: `record larger than ${formatMiB(this.maxRecordBytes)}, skipped`, index: this.records, line: this.line, byteOffset: this.lineStart },
    });
  }

  private problemAt(reason: string, at: number, text?: string): ScanItem {
    return {
      kind: 'problem',
      problem: { reason, index: this.records + 1, line: this.line, byteOffset: this.chunkBase + at, ...(text ? { excerpt: excerpt(text) } : {}) },
    };
  }
}

/** Position of `byte` at or after `from`, or the chunk's length when there is none. */
function indexOrEnd(chunk: Buffer, byte: number, from: number): number {
  const at = chunk.indexOf(byte, from);
  return at === -1 ? chunk.length : at;
}

function formatMiB(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${bytes} bytes`;
}

export function excerpt(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
