import { readFileSync } from 'node:fs';

/**
 * The resident memory of a process and everything it started, sampled from /proc: what a user's
 * machine gives the whole command (`trailhound` is a launcher and the worker it runs with a
 * bounded heap). Linux only; elsewhere it reports 0.
 */
export function watchTreeRss(rootPid: number, intervalMs = 100): { stop(): number } {
  let peak = 0;
  const sample = () => {
    let total = 0;
    for (const pid of tree(rootPid)) total += rssKb(pid);
    if (total > peak) peak = total;
  };
  const timer = setInterval(sample, intervalMs);
  sample();
  return {
    stop() {
      clearInterval(timer);
      return Math.round(peak / 1024);
    },
  };
}

function tree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      const children = readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8').trim();
      if (children) out.push(...children.split(/\s+/).map(Number));
    } catch {
      // Gone already.
    }
  }
  return out;
}

function rssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}
