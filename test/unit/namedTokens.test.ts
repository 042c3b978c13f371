import { describe, expect, it } from 'vitest';
import { namedTokensFrom } from '../../server/security';
import { accessFromEnv } from '../../server/start';

describe('named tokens (TRAILHOUND_TOKENS): who signs a change to a case', () => {
  it('reads name=token pairs, separated by commas or spaces', () => {
    expect(namedTokensFrom('alice=0123456789abcdef0123, bob.smith@ir=fedcba9876543210fedc')).toEqual({ alice: '0123456789abcdef0123', 'bob.smith@ir': 'fedcba9876543210fedc' });
    expect(namedTokensFrom(undefined)).toEqual({});
    expect(namedTokensFrom('')).toEqual({});
  });

  it('refuses what would make the log ambiguous or the token guessable, naming the entry but never the token', () => {
    for (const bad of ['alice', '=0123456789abcdef0123', 'alice=short', 'al ice=0123456789abcdef0123', 'a<b>=0123456789abcdef0123', `${'x'.repeat(65)}=0123456789abcdef0123`]) {
      expect(() => namedTokensFrom(bad), bad).toThrow(/TRAILHOUND_TOKENS/);
    }
    expect(() => namedTokensFrom('alice=0123456789abcdef0123,bob=0123456789abcdef0123')).toThrow(/bob has the same token/);
    for (const leaky of ['alice=secret-short', 'just-a-bare-token-0123456789']) {
      expect(() => namedTokensFrom(`bob=0123456789abcdef0123,${leaky}`)).toThrow('entry 2 is not name=token');
      try {
        namedTokensFrom(leaky);
      } catch (error) {
        expect((error as Error).message).not.toMatch(/secret|bare/);
      }
    }
  });

  it('takes TRAILHOUND_USER for changes made without a named token, and refuses a shared token beside named ones', () => {
    expect(accessFromEnv({ TRAILHOUND_TOKEN: 'shared-0123456789abcdef', TRAILHOUND_USER: 'carol' })).toEqual({ token: 'shared-0123456789abcdef', user: 'carol' });
    expect(accessFromEnv({ TRAILHOUND_TOKENS: 'alice=0123456789abcdef0123', TRAILHOUND_USER: 'carol' })).toEqual({ namedTokens: { alice: '0123456789abcdef0123' }, user: 'carol' });
    expect(() => accessFromEnv({ TRAILHOUND_TOKEN: 'shared-0123456789abcdef', TRAILHOUND_TOKENS: 'alice=0123456789abcdef0123' })).toThrow(/both set/);
  });
});
