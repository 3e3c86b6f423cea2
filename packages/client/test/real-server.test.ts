import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthorizationDenied,
  GrantboardClient,
  type GrantboardClientOptions,
  IssuerMismatch,
  MemoryTokenStore,
  ReauthorizationRequired,
  StateMismatch,
  type TokenStore,
} from '../src/index.js';
import { RedisTokenStore } from '../src/stores/redis-store.js';
import { pgAdapter, SqlTokenStore } from '../src/stores/sql-store.js';
import { authorizeAsUser } from './support/browser.js';
import { buildPackages } from './support/build.js';
import { type CountingProxy, startCountingProxy } from './support/counting-proxy.js';
import { type GrantboardServer, startGrantboard } from './support/grantboard-server.js';
import { connectRedis, createScratchDatabase, REDIS_URL, redisPrefix } from './support/services.js';
import { runWorkers } from './support/workers.js';

/**
 * The client against the real Grantboard server (`grantboard serve` on a temporary SQLite database),
 * driven through its sign-in and consent pages like a user would. The API base URL goes through a
 * counting proxy so the tests see every refresh request the clients send.
 */

const REDIRECT_URI = 'http://127.0.0.1:4000/oauth/callback';
const USER = { email: 'ada@example.com', password: 'correct horse battery staple', name: 'Ada' };

let server: GrantboardServer;
let proxy: CountingProxy;
let app: { clientId: string; clientSecret: string; teamId: string };
let userId: string;
let store: MemoryTokenStore;

beforeAll(async () => {
  await buildPackages(['packages/server', 'packages/client']);
  server = await startGrantboard();
  proxy = await startCountingProxy(server.url);
  const user = await server.cli<{ id: string }>(
    'users',
    'create',
    '--email',
    USER.email,
    '--password',
    USER.password,
    '--name',
    USER.name,
  );
  userId = user.id;
  const team = await server.cli<{ id: string }>('teams', 'create', '--name', 'Product');
  await server.cli('teams', 'add-member', '--team', team.id, '--user', user.id, '--role', 'admin');
  const created = await server.cli<{ clientId: string; clientSecret: string }>(
    'apps',
    'create',
    '--name',
    'Sticky Sync',
    '--team',
    team.id,
    '--redirect-uri',
    REDIRECT_URI,
    '--scopes',
    'boards:read boards:write',
    '--expiring',
  );
  app = { clientId: created.clientId, clientSecret: created.clientSecret, teamId: team.id };
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

beforeEach(() => {
  store = new MemoryTokenStore();
});

function client(overrides: Partial<GrantboardClientOptions> = {}) {
  return new GrantboardClient({
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    redirectUri: REDIRECT_URI,
    authBaseUrl: server.url,
    apiBaseUrl: proxy.url,
    requireIssuer: true,
    store,
    ...overrides,
  });
}

/** Runs the whole authorization flow for `userKey` and returns the client's result. */
async function connect(c: GrantboardClient, userKey: string) {
  const request = await c.createAuthorizationRequest({ userKey });
  const callbackUrl = await authorizeAsUser(request.url, USER);
  return c.handleCallback(callbackUrl);
}

/** Makes the stored access token look expired to the client (the server still accepts it). */
async function expireForClient(s: TokenStore, userKey: string) {
  const tokens = await s.getTokens(userKey);
  if (!tokens) throw new Error('nothing stored');
  await s.setTokens(userKey, { ...tokens, expiresAt: Date.now() - 1 });
  return tokens;
}

describe('authorization against the real server', () => {
  it('signs in, consents, exchanges the code with PKCE and uses the token', async () => {
    const c = client();
    const request = await c.createAuthorizationRequest({ userKey: 'ada' });
    const callbackUrl = await authorizeAsUser(request.url, USER);
    const callback = new URL(callbackUrl);
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('iss')).toBe(server.url);
    const { tokens } = await c.handleCallback(callbackUrl);
    expect(tokens).toMatchObject({ userId, teamId: app.teamId, tokenType: 'bearer' });
    expect(tokens.refreshToken).toBeDefined();
    expect(tokens.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
    expect(tokens.scope.split(' ').sort()).toEqual(['boards:read', 'boards:write']);
    const context = await c.tokenContext('ada');
    expect(context.user.id).toBe(userId);
    expect(context.team.id).toBe(app.teamId);
  });

  it('surfaces "Cancel" on the consent page as AuthorizationDenied', async () => {
    const c = client();
    const request = await c.createAuthorizationRequest({ userKey: 'ada' });
    const callbackUrl = await authorizeAsUser(request.url, USER, 'deny');
    expect(new URL(callbackUrl).searchParams.get('error')).toBe('access_denied');
    await expect(c.handleCallback(callbackUrl)).rejects.toBeInstanceOf(AuthorizationDenied);
    expect(await store.getTokens('ada')).toBeUndefined();
  });

  it('rejects a callback with a state it did not issue', async () => {
    const c = client();
    const request = await c.createAuthorizationRequest({ userKey: 'ada' });
    const callback = new URL(await authorizeAsUser(request.url, USER));
    callback.searchParams.set('state', 'attacker-state');
    await expect(c.handleCallback(callback.href)).rejects.toBeInstanceOf(StateMismatch);
    // A client that never started a request (login CSRF) refuses it as well.
    await expect(client({ store: new MemoryTokenStore() }).handleCallback(callback.href)).rejects.toBeInstanceOf(
      StateMismatch,
    );
  });

  it('rejects a callback whose iss is another server (mix-up)', async () => {
    const c = client({ issuer: 'https://other-authorization-server.example' });
    const request = await c.createAuthorizationRequest({ userKey: 'ada' });
    const callbackUrl = await authorizeAsUser(request.url, USER);
    await expect(c.handleCallback(callbackUrl)).rejects.toBeInstanceOf(IssuerMismatch);
    expect(await store.getTokens('ada')).toBeUndefined();
  });
});

describe('tokens against the real server', () => {
  it('retries a 401 on a server-expired access token once, with one refresh, and succeeds', async () => {
    const c = client();
    await connect(c, 'ada');
    const before = await store.getTokens('ada');
    // Expire the access token on the server only: the client still believes it valid.
    const db = new Database(server.databasePath);
    try {
      db.prepare('UPDATE access_tokens SET expires_at = ? WHERE expires_at IS NOT NULL').run(Date.now() - 1000);
    } finally {
      db.close();
    }
    const refreshes = proxy.refreshRequests;
    const context = await c.tokenContext('ada');
    expect(context.user.id).toBe(userId);
    expect(proxy.refreshRequests - refreshes).toBe(1);
    const after = await store.getTokens('ada');
    expect(after?.accessToken).not.toBe(before?.accessToken);
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
  });

  it('raises ReauthorizationRequired once the app is uninstalled, and clears the store', async () => {
    const c = client();
    await connect(c, 'ada');
    await server.cli('installs', 'remove', '--app', app.clientId, '--team', app.teamId);
    const error = await c.tokenContext('ada').catch((e) => e);
    expect(error).toBeInstanceOf(ReauthorizationRequired);
    expect(error.reason).toBe('invalid_grant');
    expect(await store.getTokens('ada')).toBeUndefined();
  });

  it('revokes: the old access token stops working and the store is cleared', async () => {
    const c = client();
    const { tokens } = await connect(c, 'ada');
    await c.revoke('ada');
    expect(await store.getTokens('ada')).toBeUndefined();
    const probe = await fetch(`${server.url}/v1/oauth-token`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(probe.status).toBe(401);
  });
});

describe('a public app (no client secret) against the real server', () => {
  it('connects with PKCE alone, refreshes, and revokes through RFC 7009', async () => {
    const created = await server.cli<{ clientId: string; clientSecret?: string; public: boolean }>(
      'apps',
      'create',
      '--name',
      'Desktop Sync',
      '--team',
      app.teamId,
      '--redirect-uri',
      REDIRECT_URI,
      '--scopes',
      'boards:read',
      '--expiring',
      '--public',
    );
    expect(created).toMatchObject({ public: true });
    expect(created.clientSecret).toBeUndefined();
    const c = new GrantboardClient({
      clientId: created.clientId,
      redirectUri: REDIRECT_URI,
      authBaseUrl: server.url,
      apiBaseUrl: proxy.url,
      requireIssuer: true,
      store,
    });
    const { tokens } = await connect(c, 'ada');
    expect(tokens.scope).toBe('boards:read');
    await expireForClient(store, 'ada');
    const refreshed = await c.getTokenSet('ada');
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    await c.revoke('ada');
    expect(await store.getTokens('ada')).toBeUndefined();
    const probe = await fetch(`${server.url}/v1/oauth-token`, {
      headers: { authorization: `Bearer ${refreshed.accessToken}` },
    });
    expect(probe.status).toBe(401);
  });
});

describe('4 processes × 10 concurrent getAccessToken at expiry, against the real server', () => {
  const PROCESSES = 4;
  const CALLS = 10;

  async function assertSingleRefresh(shared: TokenStore, storeConfig: Parameters<typeof runWorkers>[1]) {
    const c = client({ store: shared });
    await connect(c, 'ada');
    const seeded = await expireForClient(shared, 'ada');
    const refreshes = proxy.refreshRequests;
    const results = await runWorkers(PROCESSES, storeConfig);
    expect(results).toHaveLength(PROCESSES * CALLS);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(new Set(results.map((r) => (r.ok ? r.token : ''))).size).toBe(1);
    expect(proxy.refreshRequests - refreshes).toBe(1);
    const stored = await shared.getTokens('ada');
    expect(stored?.accessToken).not.toBe(seeded.accessToken);
    expect(results[0]).toEqual({ ok: true, token: stored?.accessToken });
    // The one refreshed token is live on the server.
    expect((await c.tokenContext('ada')).user.id).toBe(userId);
  }

  const common = () => ({
    authBaseUrl: server.url,
    apiBaseUrl: proxy.url,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    userKey: 'ada',
    calls: CALLS,
  });

  it('with the Redis store', async () => {
    const redis = connectRedis();
    const { prefix, cleanup } = redisPrefix();
    try {
      await assertSingleRefresh(new RedisTokenStore({ redis, keyPrefix: prefix }), {
        ...common(),
        store: 'redis',
        redisUrl: REDIS_URL,
        keyPrefix: prefix,
      });
    } finally {
      await cleanup(redis);
      redis.disconnect();
    }
  }, 60_000);

  it('with the SQL store on PostgreSQL', async () => {
    const scratch = await createScratchDatabase();
    const pool = new pg.Pool({ connectionString: scratch.url, max: 2 });
    try {
      await assertSingleRefresh(new SqlTokenStore({ adapter: pgAdapter(pool) }), {
        ...common(),
        store: 'postgres',
        postgresUrl: scratch.url,
      });
    } finally {
      await pool.end();
      await scratch.drop();
    }
  }, 60_000);
});
