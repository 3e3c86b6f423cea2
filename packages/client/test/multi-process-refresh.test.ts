import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenSet, TokenStore } from '../src/index.js';
import { FileTokenStore } from '../src/stores/file-store.js';
import { RedisTokenStore } from '../src/stores/redis-store.js';
import { pgAdapter, SqlTokenStore } from '../src/stores/sql-store.js';
import { buildClient } from './support/build.js';
import { type FakePlatform, startFakePlatform } from './support/fake-platform.js';
import { connectRedis, createScratchDatabase, REDIS_URL, redisPrefix } from './support/services.js';
import { runWorkers, type WorkerConfig, type WorkerResult } from './support/workers.js';

/**
 * The refresh must be single-flight across processes, not only within one: 4 OS processes with 10
 * client instances each call getAccessToken at once on an expired token. The platform rotates
 * refresh tokens and kills the grant on reuse, so any second refresh would fail calls and log the
 * user out.
 */

const PROCESSES = 4;
const CALLS_PER_PROCESS = 10;
const USER_KEY = 'user-42';

let platform: FakePlatform;

beforeAll(async () => {
  await buildClient();
  // Slow enough that every process is waiting on the lock while the one refresh is in flight.
  platform = await startFakePlatform({ refreshDelayMs: 250 });
}, 120_000);
afterAll(async () => {
  await platform?.close();
});

/** Seeds an access token that expired a moment ago, with its live refresh token. */
async function seedExpired(store: TokenStore): Promise<TokenSet> {
  const issued = platform.issue();
  const tokens: TokenSet = {
    accessToken: issued.access_token,
    tokenType: 'bearer',
    refreshToken: issued.refresh_token ?? '',
    expiresAt: Date.now() - 1,
    scope: 'boards:read boards:write',
    userId: issued.user_id,
    teamId: issued.team_id,
    obtainedAt: Date.now() - 3_600_000,
  };
  await store.setTokens(USER_KEY, tokens);
  return tokens;
}

/** Runs the workers against the fake platform. */
function run(store: Omit<WorkerConfig, 'clientId' | 'clientSecret' | 'userKey' | 'calls' | 'baseUrl'>) {
  return runWorkers(PROCESSES, {
    ...store,
    baseUrl: platform.url,
    clientId: platform.clientId,
    clientSecret: platform.clientSecret,
    userKey: USER_KEY,
    calls: CALLS_PER_PROCESS,
  });
}

function expectOneRefresh(
  results: WorkerResult[],
  refreshesBefore: number,
  stored: TokenSet | undefined,
  seeded: TokenSet,
) {
  expect(results).toHaveLength(PROCESSES * CALLS_PER_PROCESS);
  expect(results.filter((r) => !r.ok)).toEqual([]);
  const tokens = new Set(results.map((r) => (r.ok ? r.token : '')));
  expect(tokens.size).toBe(1);
  expect(platform.refreshRequests - refreshesBefore).toBe(1);
  expect(stored?.accessToken).toBe([...tokens][0]);
  expect(stored?.accessToken).not.toBe(seeded.accessToken);
  expect(stored?.refreshToken).not.toBe(seeded.refreshToken);
}

describe(`${PROCESSES} processes × ${CALLS_PER_PROCESS} concurrent getAccessToken at expiry`, () => {
  it('Redis store: exactly one refresh, every call succeeds', async () => {
    const redis = connectRedis();
    const { prefix, cleanup } = redisPrefix();
    try {
      const store = new RedisTokenStore({ redis, keyPrefix: prefix });
      const seeded = await seedExpired(store);
      const before = platform.refreshRequests;
      const results = await run({ store: 'redis', redisUrl: REDIS_URL, keyPrefix: prefix });
      expectOneRefresh(results, before, await store.getTokens(USER_KEY), seeded);
    } finally {
      await cleanup(redis);
      redis.disconnect();
    }
  }, 60_000);

  it('SQL store on PostgreSQL: exactly one refresh, every call succeeds', async () => {
    const scratch = await createScratchDatabase();
    const pool = new pg.Pool({ connectionString: scratch.url, max: 2 });
    try {
      const store = new SqlTokenStore({ adapter: pgAdapter(pool) });
      await store.migrate();
      const seeded = await seedExpired(store);
      const before = platform.refreshRequests;
      const results = await run({ store: 'postgres', postgresUrl: scratch.url });
      expectOneRefresh(results, before, await store.getTokens(USER_KEY), seeded);
    } finally {
      await pool.end();
      await scratch.drop();
    }
  }, 60_000);

  it('file store: exactly one refresh, every call succeeds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gb-multi-process-'));
    try {
      const filePath = join(dir, 'tokens.json');
      const store = new FileTokenStore({ path: filePath });
      const seeded = await seedExpired(store);
      const before = platform.refreshRequests;
      const results = await run({ store: 'file', filePath });
      expectOneRefresh(results, before, await store.getTokens(USER_KEY), seeded);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('control: without the store lock, the same load refreshes more than once and logs the user out', async () => {
    const redis = connectRedis();
    const { prefix, cleanup } = redisPrefix();
    try {
      const store = new RedisTokenStore({ redis, keyPrefix: prefix });
      await seedExpired(store);
      const before = platform.refreshRequests;
      const results = await run({ store: 'redis', redisUrl: REDIS_URL, keyPrefix: prefix, noLock: true });
      expect(platform.refreshRequests - before).toBeGreaterThan(1);
      expect(results.some((r) => !r.ok)).toBe(true);
    } finally {
      await cleanup(redis);
      redis.disconnect();
    }
  }, 60_000);
});
