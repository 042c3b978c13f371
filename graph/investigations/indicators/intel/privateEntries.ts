import { normalizeIp } from '../../../../ingest/common/ip';
import type { IntelEntry } from './readIntel';

/**
 * Private and reserved IPv4 blocks, as ingest marks addresses private (ingest/common/ip.ts): RFC
 * 1918, loopback, link-local, CGNAT (used inside AWS) and "this network".
 */
const PRIVATE_V4: readonly (readonly [base: number, prefix: number])[] = [
  [v4(10, 0, 0, 0), 8],
  [v4(127, 0, 0, 0), 8],
  [v4(0, 0, 0, 0), 8],
  [v4(172, 16, 0, 0), 12],
  [v4(192, 168, 0, 0), 16],
  [v4(169, 254, 0, 0), 16],
  [v4(100, 64, 0, 0), 10],
];

function v4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

/**
 * Whether an entry names private or reserved space, whole or in part (192.0.0.0/8 holds
 * 192.168.0.0/16). A feed that lists them flags a VPC's own traffic in every investigation:
 * almost always a mistake in the feed, sometimes on purpose (a list of compromised hosts
 * inside), so the import says so rather than deciding.
 */
export function isPrivateEntry(entry: IntelEntry): boolean {
  const [address = '', bits] = entry.indicator.split('/');
  const ip = normalizeIp(address);
  if (!ip) return false;
  if (ip.isPrivate) return true;
  if (ip.version === 6 || bits === undefined) return false;
  const prefix = Number(bits);
  const [a = 0, b = 0, c = 0, d = 0] = ip.ip.split('.').map(Number);
  const start = v4(a, b, c, d);
  const end = start + 2 ** (32 - prefix) - 1;
  return PRIVATE_V4.some(([base, p]) => base <= end && start <= base + 2 ** (32 - p) - 1);
}
