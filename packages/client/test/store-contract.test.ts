import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PendingAuthorization, TokenSet, TokenStore } from '../src/index.js';
import { type StoreBacking, storeFixtures } from './support/store-fixtures.js';

const tokens = (overrides: Partial<TokenSet> = {}): TokenSet => ({
  accessToken: 'at-1',
  tokenType: 'bearer',
  refreshToken: 'rt-1',
  expiresAt: Date.now() + 3_600_000,
  scope: 'boards:read boards:write',
  userId: '3458764511111111111',
  teamId: '3458764522222222222',
  obtainedAt: Date.now(),
  ...overrides,
});

const pending = (ttlMs = 60_000): PendingAuthorization => ({
  codeVerifier: 'v'.repeat(43),
  redirectUri: 'https://app.example/callback',
  userKey: 'user-1',
  createdAt: Date.now(),
  expiresAt: Date.now() + ttlMs,
});

let counter = 0;
const unique = (label: string) => `${label}-${process.pid}-${++counter}`;

describe.each(storeFixtures)('TokenStore contract: $name', (fixture) => {
  let backing: StoreBacking;
  let store: TokenStore;
  let other: TokenStore;

  beforeAll(async () => {
    backing = await fixture.setup();
    store = backing.open();
    other = backing.open();
  });
  afterAll(async () => {
    await backing?.close();
  });

  describe('token sets', () => {
    it('returns undefined for an unknown user key', async () => {
      expect(await store.getTokens(unique('nobody'))).toBeUndefined();
    });

    it('round-trips a token set, optional fields included or not', async () => {
      const full = tokens();
      const bare = tokens({ accessToken: 'at-bare' });
      delete bare.refreshToken;
      delete bare.expiresAt;
      const [a, b] = [unique('full'), unique('bare')];
      await store.setTokens(a, full);
      await store.setTokens(b, bare);
      expect(await other.getTokens(a)).toEqual(full);
      expect(await other.getTokens(b)).toEqual(bare);
      expect(await other.getTokens(b)).not.toHaveProperty('refreshToken');
    });

    it('replaces, deletes, and keeps user keys apart (odd characters included)', async () => {
      const [a, b] = [`${unique('user')}:a/ü%20 *`, `${unique('user')}:b`];
      await store.setTokens(a, tokens({ accessToken: 'first' }));
      await store.setTokens(b, tokens({ accessToken: 'other' }));
      await store.setTokens(a, tokens({ accessToken: 'second' }));
      expect((await other.getTokens(a))?.accessToken).toBe('second');
      await other.deleteTokens(a);
      expect(await store.getTokens(a)).toBeUndefined();
      expect((await store.getTokens(b))?.accessToken).toBe('other');
      await store.deleteTokens(a); // deleting nothing is fine
    });
  });

  describe('pending authorizations', () => {
    it('gives a pending request back once, to one taker', async () => {
      const state = unique('state');
      const value = pending();
      await store.putPendingAuthorization(state, value);
      expect(await other.takePendingAuthorization(state)).toEqual(value);
      expect(await store.takePendingAuthorization(state)).toBeUndefined();
      expect(await other.takePendingAuthorization(state)).toBeUndefined();
    });

    it('lets exactly one of many concurrent takers have it', async () => {
      const state = unique('race');
      await store.putPendingAuthorization(state, pending());
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => (i % 2 ? store : other).takePendingAuthorization(state)),
      );
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    });

    it('does not return an expired request', async () => {
      const state = unique('expired');
      await store.putPendingAuthorization(state, pending(40));
      await sleep(80);
      expect(await store.takePendingAuthorization(state)).toBeUndefined();
    });

    it('keeps pending requests and token sets apart', async () => {
      const key = unique('same-id');
      await store.putPendingAuthorization(key, pending());
      expect(await store.getTokens(key)).toBeUndefined();
      await store.setTokens(key, tokens());
      expect(await store.takePendingAuthorization(key)).toBeDefined();
      expect(await store.getTokens(key)).toBeDefined();
    });
  });

  describe('locks', () => {
    it('is exclusive until released, and can be taken again after', async () => {
      const name = unique('lock');
      const lease = await store.tryAcquireLock(name, 10_000);
      expect(lease).toBeDefined();
      expect(await other.tryAcquireLock(name, 10_000)).toBeUndefined();
      expect(await store.tryAcquireLock(name, 10_000)).toBeUndefined();
      expect(await store.tryAcquireLock(unique('another-lock'), 10_000)).toBeDefined();
      await store.releaseLock(lease!);
      const next = await other.tryAcquireLock(name, 10_000);
      expect(next).toBeDefined();
      await other.releaseLock(next!);
    });

    it('is not released by someone who does not hold it', async () => {
      const name = unique('lock');
      const lease = await store.tryAcquireLock(name, 10_000);
      await other.releaseLock({ name, owner: 'forged-owner' });
      expect(await other.tryAcquireLock(name, 10_000)).toBeUndefined();
      await store.releaseLock(lease!);
    });

    it('expires after its TTL, and the late holder cannot release the new one', async () => {
      const name = unique('ttl');
      const takenAt = Date.now();
      // Long enough that the contender always comes while the lease is alive, even on a loaded machine.
      const stale = await store.tryAcquireLock(name, 1_500);
      expect(stale).toBeDefined();
      expect(await other.tryAcquireLock(name, 1_500)).toBeUndefined();
      await sleep(Math.max(0, takenAt + 1_600 - Date.now()));
      const fresh = await other.tryAcquireLock(name, 10_000);
      expect(fresh).toBeDefined();
      await store.releaseLock(stale!); // the crashed-and-back holder
      expect(await store.tryAcquireLock(name, 10_000)).toBeUndefined();
      await other.releaseLock(fresh!);
    });

    it('gives a lock to exactly one of many concurrent acquirers', async () => {
      const name = unique('contended');
      const leases = await Promise.all(
        Array.from({ length: 16 }, (_, i) => (i % 2 ? store : other).tryAcquireLock(name, 10_000)),
      );
      expect(leases.filter((l) => l !== undefined)).toHaveLength(1);
    });

    it('serialises read-modify-write sections of concurrent holders', async () => {
      const name = unique('counter');
      const key = unique('counter-user');
      await store.setTokens(key, tokens({ accessToken: '0' }));
      const worker = async (s: TokenStore) => {
        for (let done = 0; done < 5; ) {
          const lease = await s.tryAcquireLock(name, 5_000);
          if (!lease) {
            await sleep(2 + Math.random() * 5);
            continue;
          }
          const current = Number((await s.getTokens(key))?.accessToken);
          await sleep(1);
          await s.setTokens(key, tokens({ accessToken: String(current + 1) }));
          await s.releaseLock(lease);
          done++;
        }
      };
      await Promise.all([worker(store), worker(other), worker(store), worker(other)]);
      expect((await store.getTokens(key))?.accessToken).toBe('20');
    });
  });
});
