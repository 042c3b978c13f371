import { describe, expect, it } from 'vitest';
import { cidrTexts } from '../../graph/investigations/search';

describe('cidrTexts (a CIDR block as the index prefixes or addresses that make it up)', () => {
  it('uses one prefix when the mask ends on an octet, one per value of the next octet otherwise', () => {
    expect(cidrTexts('10.0.0.0', 8)).toEqual({ prefixes: ['10.'], addresses: [] });
    expect(cidrTexts('10.1.2.0', 24)).toEqual({ prefixes: ['10.1.2.'], addresses: [] });
    expect(cidrTexts('10.0.20.0', 20).prefixes).toEqual(Array.from({ length: 16 }, (_, i) => `10.0.${16 + i}.`));
    expect(cidrTexts('192.168.1.0', 23)).toEqual({ prefixes: ['192.168.0.', '192.168.1.'], addresses: [] });
  });

  it('lists the addresses past /24, and every first octet for /0 (never an empty prefix, which would match IPv6)', () => {
    expect(cidrTexts('203.0.113.66', 30)).toEqual({ prefixes: [], addresses: ['203.0.113.64', '203.0.113.65', '203.0.113.66', '203.0.113.67'] });
    expect(cidrTexts('203.0.113.66', 32)).toEqual({ prefixes: [], addresses: ['203.0.113.66'] });
    const all = cidrTexts('0.0.0.0', 0).prefixes;
    expect(all).toHaveLength(256);
    expect(all).not.toContain('');
    expect(all[255]).toBe('255.');
  });
});
