import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressLine } from '../../cli/progressLine';

/** A stand-in for stderr that records what is written. */
function stream(tty: boolean, columns = 40) {
  const written: string[] = [];
  return { written, stream: { isTTY: tty, columns, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream };
}

describe('the progress line', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2026, 10, 29, 12));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
  });

  it('redraws in place on a terminal, at most ten times a second, cut to the width', () => {
    vi.stubEnv('TERM', 'xterm-256color');
    const { written, stream: out } = stream(true, 40);
    const line = new ProgressLine(out);
    line.update('cloudtrail ██░░ 10% 1.0 MB/10.0 MB 9,000 events/s ETA 0:09');
    line.update('skipped: too soon after the last');
    vi.advanceTimersByTime(150);
    line.update('cloudtrail ████ 40%');
    expect(written).toHaveLength(2);
    expect(written[0]!.startsWith('\r\x1b[2K')).toBe(true);
    expect(written[0]!.length).toBeLessThanOrEqual('\r\x1b[2K'.length + 39);
    expect(written[0]!.endsWith('…')).toBe(true);
    expect(written[1]).toBe('\r\x1b[2Kcloudtrail ████ 40%');
    line.done('loaded 10 files');
    expect(written.slice(2)).toEqual(['\r\x1b[2K', 'loaded 10 files\n']);
  });

  it('prints plain lines in a log, one per interval, the first after one interval', () => {
    const { written, stream: out } = stream(false);
    const line = new ProgressLine(out, { plainIntervalMs: 5000 });
    line.update('read 1,000 events');
    vi.advanceTimersByTime(5001);
    line.update('read 50,000 events');
    line.update('read 50,001 events');
    vi.advanceTimersByTime(5001);
    line.update('read 90,000 events');
    line.done('done: 100,000 events');
    expect(written).toEqual(['read 50,000 events\n', 'read 90,000 events\n', 'done: 100,000 events\n']);
  });

  it('prints nothing when disabled (--quiet, --json), not even the final line', () => {
    const { written, stream: out } = stream(true);
    const line = new ProgressLine(out, { enabled: false });
    line.update('x', true);
    line.done('y');
    expect(written).toEqual([]);
  });
});
