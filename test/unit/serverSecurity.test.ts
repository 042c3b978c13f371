import { describe, expect, it } from 'vitest';
import { isApiPath, isLoopback } from '../../server/security';

describe('what the server treats as the API and as loopback', () => {
  it('sees an API path in any letter case', () => {
    for (const path of ['/api', '/api/health', '/API/health', '/Api/export/timeline']) expect(isApiPath(path), path).toBe(true);
    for (const path of ['/', '/apis', '/assets/api.js', '/investigate/api']) expect(isApiPath(path), path).toBe(false);
  });

  it('takes only loopback addresses as loopback, not names that start like one', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '10.0.0.1', '127.example.com', '127.0.0.1.nip.io', '::']) expect(isLoopback(host), host).toBe(false);
  });
});
