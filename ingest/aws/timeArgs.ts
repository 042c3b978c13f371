import { TrailhoundError } from '../../graph/errors';

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * `--since` / `--until`: a duration back from now (`30m`, `12h`, `2d`, `1w`), an ISO 8601 time,
 * or (`--since` only) `last`: from the checkpoint of the previous pull. Returns epoch ms, or
 * 'last'.
 */
export function parseTimeArg(flag: string, text: string, now = Date.now()): number | 'last' {
  const value = text.trim();
  if (flag === '--since' && value === 'last') return 'last';
  const relative = /^(\d+)\s*([mhdw])$/.exec(value);
  if (relative) return now - Number(relative[1]) * UNITS[relative[2]!]!;
  const time = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && Number.isFinite(time)) return time;
  throw new TrailhoundError('BAD_OPTION', `${flag} "${text.slice(0, 60)}" is not a time.`, `Use a duration back from now (30m, 12h, 2d, 1w), an ISO time (2026-11-19T10:00:00Z)${flag === '--since' ? ', or "last" to continue from the previous pull' : ''}.`);
}
