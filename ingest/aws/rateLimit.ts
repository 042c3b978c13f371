import { setTimeout as sleep } from 'node:timers/promises';

/**
 * At most `perSecond` calls a second, spaced evenly: LookupEvents allows 2 a second per account
 * and region, and going over only earns throttling errors and backoff.
 */
export class RateLimit {
  private next = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly wait: (ms: number) => Promise<unknown> = sleep,
  ) {}

  async take(): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.perSecond;
    if (at > now) await this.wait(at - now);
  }
}
