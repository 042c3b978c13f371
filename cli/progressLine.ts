/**
 * One line of progress on stderr. On a terminal it redraws in place (at most 10 times a
 * second); in a log or CI it prints a plain line at most every `plainIntervalMs`, so long runs
 * show they are alive without flooding the log.
 */
export class ProgressLine {
  private lastDraw = 0;
  private drawn = false;
  private readonly tty: boolean;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly options: { enabled?: boolean; plainIntervalMs?: number } = {},
  ) {
    this.tty = Boolean(stream.isTTY) && process.env.TERM !== 'dumb';
    // In a log, the first line comes after one interval: short runs print only their summary.
    if (!this.tty) this.lastDraw = Date.now();
  }

  update(text: string, force = false): void {
    if (this.options.enabled === false) return;
    const now = Date.now();
    const interval = this.tty ? 100 : (this.options.plainIntervalMs ?? 5000);
    if (!force && now - this.lastDraw < interval) return;
    this.lastDraw = now;
    if (this.tty) {
      const width = this.stream.columns || 120;
      this.stream.write(`\r\x1b[2K${text.length > width - 1 ? text.slice(0, width - 2) + '…' : text}`);
      this.drawn = true;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  /** Clears the progress line (on a terminal) and prints a final line, if any. */
  done(text?: string): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
    if (text && this.options.enabled !== false) this.stream.write(`${text}\n`);
  }
}
