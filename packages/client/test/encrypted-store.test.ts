import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EncryptedTokenStore, MemoryTokenStore, type TokenSet } from '../src/index.js';

const tokens: TokenSet = {
  accessToken: 'at-secret-value',
  tokenType: 'bearer',
  refreshToken: 'rt-secret-value',
  expiresAt: 1_900_000_000_000,
  scope: 'boards:read',
  userId: '1',
  teamId: '2',
  obtainedAt: 1_800_000_000_000,
};

describe('EncryptedTokenStore', () => {
  it('stores no token or verifier in the clear, and reads them back', async () => {
    const inner = new MemoryTokenStore();
    const store = new EncryptedTokenStore({ store: inner, keys: [randomBytes(32)] });
    await store.setTokens('alice', tokens);
    const raw = await inner.getTokens('alice');
    expect(JSON.stringify(raw)).not.toContain('secret-value');
    expect(raw?.accessToken).toMatch(/^gbenc1\./);
    expect(raw).toMatchObject({ userId: '1', teamId: '2', expiresAt: tokens.expiresAt });
    expect(await store.getTokens('alice')).toEqual(tokens);

    const pending = {
      codeVerifier: 'v'.repeat(43),
      redirectUri: 'https://a/cb',
      createdAt: 1,
      expiresAt: Date.now() + 60_000,
    };
    await store.putPendingAuthorization('s1', pending);
    await inner.putPendingAuthorization('peek', (await inner.takePendingAuthorization('s1'))!);
    const peeked = await inner.takePendingAuthorization('peek');
    expect(peeked?.codeVerifier).not.toContain('vvvv');
    await inner.putPendingAuthorization('s1', peeked!);
    expect(await store.takePendingAuthorization('s1')).toEqual(pending);
  });

  it('does not decrypt a value copied to another user key, nor under another key', async () => {
    const inner = new MemoryTokenStore();
    const key = randomBytes(32).toString('base64url');
    const store = new EncryptedTokenStore({ store: inner, keys: [key] });
    await store.setTokens('alice', tokens);
    await inner.setTokens('mallory', (await inner.getTokens('alice'))!);
    expect(await store.getTokens('mallory')).toBeUndefined();
    const stranger = new EncryptedTokenStore({ store: inner, keys: [randomBytes(32)] });
    expect(await stranger.getTokens('alice')).toBeUndefined();
  });

  it('rotates keys: old entries stay readable, new ones use the new key', async () => {
    const inner = new MemoryTokenStore();
    const [oldKey, newKey] = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')];
    await new EncryptedTokenStore({ store: inner, keys: [oldKey] }).setTokens('alice', tokens);
    const rotated = new EncryptedTokenStore({ store: inner, keys: [newKey, oldKey] });
    expect(await rotated.getTokens('alice')).toEqual(tokens);
    await rotated.setTokens('alice', tokens);
    expect(await new EncryptedTokenStore({ store: inner, keys: [newKey] }).getTokens('alice')).toEqual(tokens);
  });

  it('refuses keys that are not 256 bits', () => {
    expect(() => new EncryptedTokenStore({ store: new MemoryTokenStore(), keys: ['short'] })).toThrow(TypeError);
    expect(() => new EncryptedTokenStore({ store: new MemoryTokenStore(), keys: [] })).toThrow(TypeError);
  });
});
