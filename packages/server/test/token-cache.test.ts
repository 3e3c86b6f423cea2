import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../src/domain/services.js';
import { systemClock } from '../src/lib/clock.js';
import { createRepositories } from '../src/storage/repositories/index.js';
import { createTokenCache } from '../src/storage/token-cache.js';
import { REDIRECT_URI, type Seed, seed, startTestApp, type TestApp, testConfig } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { DIALECTS } from './helpers/dialects.js';
import { type ServerProcess, startServerProcess } from './helpers/server-process.js';

// docs/security.md "Revocation": the validated-token cache (storage/token-cache.ts) never makes a
// revocation slow — at once in the process that revoked and on one SQLite file, within one second on
// PostgreSQL.

/** How long a revocation may take to reach another process on PostgreSQL (docs/security.md). */
const POSTGRES_BOUND_MS = 1000;

describe.each(DIALECTS)('the token cache in one process on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t?.close());

  async function validated(): Promise<{ access_token: string; refresh_token?: string }> {
    const tokens = await t.services.tokens.issue(t.seed.expiringApp, {
      userId: t.seed.alice.id,
      teamId: t.seed.teamId,
      scopes: ['boards:read'],
    });
    // Twice on each route: the second answer comes from the cache.
    for (let i = 0; i < 2; i++) {
      expect(await status(tokens.access_token, '/v1/oauth-token')).toBe(200);
      expect(await status(tokens.access_token, '/v2/boards')).toBe(200);
    }
    return tokens;
  }

  async function status(token: string, url: string): Promise<number> {
    return (await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })).statusCode;
  }

  async function refused(token: string) {
    expect(await status(token, '/v1/oauth-token')).toBe(401);
    expect(await status(token, '/v2/boards')).toBe(401);
  }

  it('refuses a token on the next request after it is revoked', async () => {
    const { access_token } = await validated();
    const revoke = await t.app.inject({
      method: 'POST',
      url: '/oauth/revoke',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        token: access_token,
        client_id: t.seed.expiringApp.id,
        client_secret: t.seed.expiringSecret,
      }).toString(),
    });
    expect(revoke.statusCode).toBe(200);
    await refused(access_token);
  });

  it('refuses the old access token on the next request after a rotation, and the new one after a reuse', async () => {
    const first = await validated();
    const rotate = (refreshToken: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          client_id: t.seed.expiringApp.id,
          client_secret: t.seed.expiringSecret,
        }).toString(),
      });
    const next = (await rotate(first.refresh_token!)).json() as { access_token: string };
    await refused(first.access_token);
    expect(await status(next.access_token, '/v1/oauth-token')).toBe(200);
    expect(await status(next.access_token, '/v1/oauth-token')).toBe(200);
    t.clock.advance(61_000); // past the reuse grace window: the old refresh token is now a stolen one
    expect((await rotate(first.refresh_token!)).statusCode).toBe(400);
    await refused(next.access_token);
  });

  it("refuses a user's tokens on the next request after the user takes the authorization back", async () => {
    const { access_token } = await validated();
    await t.services.tokens.revokeGrant({
      userId: t.seed.alice.id,
      appId: t.seed.expiringApp.id,
      teamId: t.seed.teamId,
    });
    await refused(access_token);
  });

  it('judges expiry against the clock on every use', async () => {
    const { access_token } = await validated();
    t.clock.advance(t.config.accessTokenTtlSeconds * 1000 + 1000);
    expect(await status(access_token, '/v1/oauth-token')).toBe(401);
  });
  it('refuses the tokens on the next request after the app is uninstalled, and after it is deleted', async () => {
    const installed = await validated();
    await t.services.installs.uninstall(t.seed.expiringApp.id, t.seed.teamId, null);
    await refused(installed.access_token);
    const forever = await t.services.tokens.issue(t.seed.nonExpiringApp, {
      userId: t.seed.alice.id,
      teamId: t.seed.teamId,
      scopes: ['boards:read'],
    });
    expect(await status(forever.access_token, '/v1/oauth-token')).toBe(200);
    expect(await status(forever.access_token, '/v1/oauth-token')).toBe(200);
    await t.services.apps.remove(t.seed.nonExpiringApp.id, null);
    expect(await status(forever.access_token, '/v1/oauth-token')).toBe(401);
  });

  it('authenticates a client with its new secret on the next request after a rotation', async () => {
    // The client authenticates, then the made-up refresh token is refused: 400 means the secret worked.
    const answer = async (secret: string) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/v1/oauth/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: 'gbr_made-up',
            client_id: t.seed.expiringApp.id,
            client_secret: secret,
          }).toString(),
        })
      ).statusCode;
    for (let i = 0; i < 2; i++) expect(await answer(t.seed.expiringSecret)).toBe(400);
    const rotated = await t.services.apps.rotateSecret(t.seed.expiringApp.id, null);
    expect(await answer(rotated)).toBe(400);
    await t.services.apps.remove(t.seed.expiringApp.id, null);
    expect(await answer(rotated)).toBe(401);
  });
});

describe.each(DIALECTS)('the token cache in two server processes on one %s database', (dialect) => {
  let db: TestDatabase;
  let services: Services;
  let data: Seed;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    const config = testConfig({ DATABASE_URL: db.url });
    services = createServices({ config, repos: createRepositories(db.database.db), clock: systemClock });
    data = await seed(services);
    const servers = await Promise.all([0, 1].map(() => startServerProcess({ DATABASE_URL: db.url })));
    a = servers[0]!;
    b = servers[1]!;
  });
  afterAll(async () => {
    await Promise.all([a, b].map((s) => s?.stop()));
    await db?.drop();
  });

  const client = () => ({ client_id: data.expiringApp.id, client_secret: data.expiringSecret });

  async function post(server: ServerProcess, path: string, params: Record<string, string>) {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...client(), ...params }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  }

  async function status(server: ServerProcess, token: string, path = '/v1/oauth-token'): Promise<number> {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    return response.status;
  }

  /** A fresh pair from a code exchanged on A, validated (and so cached) by both processes. */
  async function cachedPair(): Promise<{ access_token: string; refresh_token: string }> {
    const code = await services.authorization.issueCode(
      { app: data.expiringApp, redirectUri: REDIRECT_URI, scopes: ['boards:read'], codeChallenge: undefined },
      data.alice.id,
      data.teamId,
    );
    const { body } = await post(a, '/v1/oauth/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
    });
    for (const server of [a, b, a, b]) {
      expect(await status(server, body.access_token!)).toBe(200);
      expect(await status(server, body.access_token!, '/v2/boards')).toBe(200);
    }
    return { access_token: body.access_token!, refresh_token: body.refresh_token! };
  }

  /**
   * SQLite: the other process refuses the token on its very next request. PostgreSQL: it refuses it
   * on a request sent within the bound; polled, since the notification arrives on its own.
   */
  async function refusedIn(server: ServerProcess, token: string, revokedAt: number) {
    if (dialect === 'sqlite') {
      expect(await status(server, token)).toBe(401);
      expect(await status(server, token, '/v2/boards')).toBe(401);
      return;
    }
    let last = 200;
    while (Date.now() - revokedAt <= POSTGRES_BOUND_MS) {
      last = await status(server, token);
      if (last === 401) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(last).toBe(401);
    expect(await status(server, token, '/v2/boards')).toBe(401);
  }

  it('a token revoked in one process is refused by the other', async () => {
    const pair = await cachedPair();
    expect((await post(a, '/oauth/revoke', { token: pair.refresh_token })).status).toBe(200);
    await refusedIn(b, pair.access_token, Date.now());
    expect(await status(a, pair.access_token)).toBe(401);
  });

  it('a rotation in one process ends the old access token in the other', async () => {
    const pair = await cachedPair();
    const rotated = await post(a, '/v1/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: pair.refresh_token,
    });
    expect(rotated.status).toBe(200);
    await refusedIn(b, pair.access_token, Date.now());
    expect(await status(b, rotated.body.access_token!)).toBe(200);
  });

  it('a refresh-token reuse detected in one process ends the family in the other', async () => {
    const pair = await cachedPair();
    const rotated = await post(a, '/v1/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: pair.refresh_token,
    });
    for (const server of [a, b, a, b]) expect(await status(server, rotated.body.access_token!)).toBe(200);
    // The test servers keep the default grace window: a reuse is a reuse once the successor was used.
    const next = await post(a, '/v1/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: rotated.body.refresh_token!,
    });
    expect(next.status).toBe(200);
    for (const server of [a, b, a, b]) expect(await status(server, next.body.access_token!)).toBe(200);
    expect(
      (await post(b, '/v1/oauth/token', { grant_type: 'refresh_token', refresh_token: pair.refresh_token })).status,
    ).toBe(400);
    await refusedIn(a, next.body.access_token!, Date.now());
  });

  it('an uninstall by another process (the CLI, the console) is refused by both', async () => {
    const pair = await cachedPair();
    await services.installs.uninstall(data.expiringApp.id, data.teamId, null);
    const revokedAt = Date.now();
    await refusedIn(a, pair.access_token, revokedAt);
    await refusedIn(b, pair.access_token, revokedAt);
  });
  it("an app's new secret works, and a removed app is refused, in both processes", async () => {
    const { app, clientSecret } = await services.apps.create({
      name: 'Short-lived client',
      teamId: data.teamId,
      createdBy: data.alice.id,
      redirectUris: [REDIRECT_URI],
      scopes: ['boards:read'],
      expiring: true,
    });
    // The client authenticates, then the made-up refresh token is refused: 400 while the app is
    // known with that secret, 401 once it is not.
    const answer = async (server: ServerProcess, secret: string) => {
      const response = await fetch(`${server.url}/v1/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: 'gbr_made-up',
          client_id: app.id,
          client_secret: secret,
        }),
      });
      await response.arrayBuffer();
      return response.status;
    };
    const becomes = async (server: ServerProcess, secret: string, expected: number, changedAt: number) => {
      let last = await answer(server, secret);
      while (dialect === 'postgres' && last !== expected && Date.now() - changedAt <= POSTGRES_BOUND_MS) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        last = await answer(server, secret);
      }
      expect(last).toBe(expected);
    };
    for (const server of [a, b, a, b]) expect(await answer(server, clientSecret!)).toBe(400);
    const rotated = await services.apps.rotateSecret(app.id, null);
    const rotatedAt = Date.now();
    for (const server of [a, b]) await becomes(server, rotated, 400, rotatedAt);
    await services.apps.remove(app.id, null);
    const removedAt = Date.now();
    for (const server of [a, b]) await becomes(server, rotated, 401, removedAt);
  });
});

describe('the token cache as a bounded LRU', () => {
  it('holds at most its size, keeps the entries in use and drops the least recently used', () => {
    const cache = createTokenCache(100);
    const store = (key: string) => cache.set(cache.ticket(), key, `family-${key}`, { key });
    for (let i = 0; i < 100; i++) store(`k${i}`);
    // k0 is used between every insertion, k1 once early on, the others never again.
    expect(cache.get('k1')).toEqual({ key: 'k1' });
    for (let i = 100; i < 1000; i++) {
      expect(cache.get('k0')).toEqual({ key: 'k0' });
      store(`k${i}`);
    }
    expect(cache.get('k0')).toEqual({ key: 'k0' });
    for (const gone of ['k1', 'k2', 'k99', 'k900']) expect(cache.get(gone)).toBeUndefined();
    const kept = Array.from({ length: 1000 }, (_, i) => `k${i}`).filter((key) => cache.get(key) !== undefined);
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept).toContain('k999');
  });

  it('forgets a family at once, and a read that started before is not stored', () => {
    const cache = createTokenCache(10);
    cache.set(cache.ticket(), 'a', 'family-1', 1);
    cache.set(cache.ticket(), 'b', 'family-2', 2);
    const ticket = cache.ticket();
    cache.evictFamily('family-1');
    cache.set(ticket, 'c', 'family-1', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 2, undefined]);
  });
});
