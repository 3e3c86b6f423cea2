import { describe, expect, it } from 'vitest';
import { computeCodeChallenge, createPkcePair } from '../src/index.js';

describe('PKCE (RFC 7636)', () => {
  it('computes the S256 challenge of the RFC 7636 Appendix B example', async () => {
    expect(await computeCodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes 256-bit verifiers from the unreserved alphabet, different every time', async () => {
    const pairs = await Promise.all(Array.from({ length: 50 }, () => createPkcePair()));
    for (const pair of pairs) {
      expect(pair.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(pair.codeChallenge).toBe(await computeCodeChallenge(pair.codeVerifier));
      expect(pair.codeChallengeMethod).toBe('S256');
    }
    expect(new Set(pairs.map((p) => p.codeVerifier)).size).toBe(50);
  });

  it('refuses verifiers outside 43..128 unreserved characters (§4.1)', async () => {
    await expect(computeCodeChallenge('short')).rejects.toThrow(TypeError);
    await expect(computeCodeChallenge('a'.repeat(129))).rejects.toThrow(TypeError);
    await expect(computeCodeChallenge(`${'a'.repeat(42)}+`)).rejects.toThrow(TypeError);
  });
});
