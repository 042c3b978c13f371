import { isIPv4, isIPv6 } from 'node:net';

export interface NormalizedIp {
  readonly ip: string;
  readonly version: 4 | 6;
  readonly isPrivate: boolean;
}

/**
 * Normalises an address so the same host is one node whichever log named it: leading zeros
 * dropped (anonymised CloudTrail has "255.090.254.5"), IPv6 lower-case and compressed,
 * IPv4-mapped IPv6 as plain IPv4. Returns null for anything that is not an address
 * ("AWS Internal", "ec2.amazonaws.com", "-"). The answer may hold `text` itself (an address already
 * in its normal form): pass a flat string, not a slice of a larger one that must not stay alive.
 */
export function normalizeIp(text: string | null | undefined): NormalizedIp | null {
  if (!text) return null;
  const quad = dottedQuad(text);
  if (quad !== undefined) return quad;
  let value = text.trim();
  if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) {
    const octets = value.split('.').map(Number);
    if (octets.some((o) => o > 255)) return null;
    const ip = octets.join('.');
    return { ip, version: 4, isPrivate: isPrivateV4(octets) };
  }
  if (value.includes(':') && isIPv6(value)) {
    const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(value);
    if (mapped) return normalizeIp(mapped[1]);
    // A zone index (fe80::1%eth0) names an interface of the host that logged it, not part of
    // the address; node's isIPv6 accepts it, the URL parser that writes the canonical form does not.
    const zone = value.indexOf('%');
    const bare = zone === -1 ? value : value.slice(0, zone);
    if (!isIPv6(bare)) return null;
    const ip = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
    return { ip, version: 6, isPrivate: isPrivateV6(ip) };
  }
  return isIPv4(value) ? { ip: value, version: 4, isPrivate: isPrivateV4(value.split('.').map(Number)) } : null;
}

/**
 * The common case, an exact dotted quad ("203.0.113.7"), read in one pass with nothing
 * allocated but the answer (and the text rebuilt only when an octet has leading zeros): this
 * runs for nearly every CloudTrail event and flow record. undefined: not exactly that shape,
 * for the general path to decide.
 */
function dottedQuad(text: string): NormalizedIp | null | undefined {
  const length = text.length;
  if (length < 7 || length > 15) return undefined;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let first = 0;
  let second = 0;
  // Leading zeros, or an octet over 255: the general path's rule decides (rebuild or refuse).
  let general = false;
  for (let i = 0; i <= length; i++) {
    const c = i < length ? text.charCodeAt(i) : 46;
    if (c >= 48 && c <= 57) {
      if (digits === 3) return undefined;
      if (digits > 0 && octet === 0) general = true;
      octet = octet * 10 + (c - 48);
      digits += 1;
      continue;
    }
    if (c !== 46 || digits === 0) return undefined;
    if (dots === 0) first = octet;
    else if (dots === 1) second = octet;
    if (octet > 255) general = true;
    dots += 1;
    octet = 0;
    digits = 0;
  }
  if (dots !== 4) return undefined;
  if (!general) return { ip: text, version: 4, isPrivate: isPrivateV4([first, second]) };
  const octets = text.split('.').map(Number);
  if (octets.some((o) => o > 255)) return null;
  return { ip: octets.join('.'), version: 4, isPrivate: isPrivateV4(octets) };
}

/** RFC 1918, loopback, link-local, CGNAT (used inside AWS), unspecified. */
function isPrivateV4(o: number[]): boolean {
  const [a = 0, b = 0] = o;
  return (
    a === 10 ||
    a === 127 ||
    a === 0 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

/** Unique local (fc00::/7), link-local (fe80::/10), loopback, unspecified. */
function isPrivateV6(ip: string): boolean {
  return ip === '::1' || ip === '::' || /^f[cd]/.test(ip) || /^fe[89ab]/.test(ip);
}
