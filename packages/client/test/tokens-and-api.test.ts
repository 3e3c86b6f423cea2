import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ApiError,
  GrantboardClient,
  type GrantboardClientOptions,
  InvalidResponse,
  MemoryTokenStore,
  ReauthorizationRequired,
  RefreshLockTimeout,
  TokenRequestFailed,
  type TokenSet,
} from '../src/index.js';
import { type FakePlatform, startFakePlatform } from './support/fake-platform.js';

let platform: FakePlatform;
let store: MemoryTokenStore;

beforeAll(async () => {
  platform = await startFakePlatform();
});
afterAll(async () => {
  await platform.close();
});
beforeEach(() => {
  store = new MemoryTokenStore();
  platform.expiresIn = 3600;
  platform.refreshDelayMs = 0;
});

function client(overrides: Partial<GrantboardClientOptions> = {}) {
  return new GrantboardClient({
    clientId: platform.clientId,
    clientSecret: platform.clientSecret ?? 'x',
    redirectUri: 'http://127.0.0.1:3000/callback',
    authBaseUrl: platform.url,
    apiBaseUrl: platform.url,
    store,
    ...overrides,
  });
}

/** Stores a freshly issued token set for `userKey`, with the expiry the client should believe. */
async function seed(userKey: string, expiresAt: number | undefined): Promise<TokenSet> {
  const issued = platform.issue();
  const tokens: TokenSet = {
    accessToken: issued.access_token,
    tokenType: 'bearer',
    scope: 'boards:read boards:write',
    userId: issued.user_id,
    teamId: issued.team_id,
    // Issued an hour before it expires, like the platform's tokens.
    obtainedAt: expiresAt === undefined ? Date.now() : expiresAt - 3_600_000,
  };
  if (issued.refresh_token !== undefined) tokens.refreshToken = issued.refresh_token;
  if (expiresAt !== undefined) tokens.expiresAt = expiresAt;
  await store.setTokens(userKey, tokens);
  return tokens;
}

describe('getAccessToken', () => {
  it('returns the stored token while it is valid, without calling the token endpoint', async () => {
    const seeded = await seed('alice', Date.now() + 3_600_000);
    const before = platform.refreshRequests;
    expect(await client().getAccessToken('alice')).toBe(seeded.accessToken);
    expect(platform.refreshRequests).toBe(before);
  });

  it('refreshes within the skew before expiry, rotates and stores the new set', async () => {
    const seeded = await seed('alice', Date.now() + 30_000); // inside the 60 s skew
    const before = platform.refreshRequests;
    const token = await client().getAccessToken('alice');
    expect(token).not.toBe(seeded.accessToken);
    expect(platform.refreshRequests).toBe(before + 1);
    const stored = await store.getTokens('alice');
    expect(stored?.accessToken).toBe(token);
    expect(stored?.refreshToken).not.toBe(seeded.refreshToken);
    expect(stored?.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
    const form = new URLSearchParams(platform.requests.findLast((r) => r.path === '/v1/oauth/token')?.body);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: seeded.refreshToken,
      client_id: platform.clientId,
      client_secret: platform.clientSecret,
    });
  });

  it('does not refresh again and again when tokens live shorter than twice the skew', async () => {
    await seed('alice', Date.now() - 1);
    platform.expiresIn = 30; // the skew is 60 s
    const before = platform.refreshRequests;
    const c = client();
    const first = await c.getAccessToken('alice');
    expect(await c.getAccessToken('alice')).toBe(first);
    expect(await client().getAccessToken('alice')).toBe(first);
    expect(platform.refreshRequests).toBe(before + 1);
  });

  it('makes one refresh for many concurrent callers in one process', async () => {
    await seed('alice', Date.now() - 1);
    platform.refreshDelayMs = 50;
    const before = platform.refreshRequests;
    const c = client();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => c.getAccessToken('alice')));
    expect(platform.refreshRequests).toBe(before + 1);
    expect(new Set(tokens).size).toBe(1);
  });

  it('makes one refresh for concurrent callers on separate clients sharing a store', async () => {
    await seed('alice', Date.now() - 1);
    platform.refreshDelayMs = 50;
    const before = platform.refreshRequests;
    const tokens = await Promise.all(Array.from({ length: 8 }, () => client().getAccessToken('alice')));
    expect(platform.refreshRequests).toBe(before + 1);
    expect(new Set(tokens).size).toBe(1);
  });

  it('takes over the lock of a crashed refresher once it expires', async () => {
    await seed('alice', Date.now() - 1);
    await store.tryAcquireLock('refresh:alice', 300); // held by a process that died
    const startedAt = Date.now();
    const before = platform.refreshRequests;
    await expect(client().getAccessToken('alice')).resolves.toMatch(/^at-/);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(250);
    expect(platform.refreshRequests).toBe(before + 1);
  });

  it('gives up with RefreshLockTimeout when the lock stays held and the token has expired', async () => {
    await seed('alice', Date.now() - 1);
    await store.tryAcquireLock('refresh:alice', 60_000);
    const error = await client({ lockWaitMs: 200 })
      .getAccessToken('alice')
      .catch((e) => e);
    expect(error).toBeInstanceOf(RefreshLockTimeout);
    expect(await store.getTokens('alice')).toBeDefined();
  });

  it('raises ReauthorizationRequired on invalid_grant and clears the store', async () => {
    await seed('alice', Date.now() - 1);
    platform.revokeAll();
    const error = await client()
      .getAccessToken('alice')
      .catch((e) => e);
    expect(error).toBeInstanceOf(ReauthorizationRequired);
    expect(error).toMatchObject({ code: 'reauthorization_required', reason: 'invalid_grant', userKey: 'alice' });
    expect(await store.getTokens('alice')).toBeUndefined();
  });

  it('raises ReauthorizationRequired (expired) for an expired token without a refresh token', async () => {
    const seeded = await seed('alice', Date.now() - 1);
    delete seeded.refreshToken;
    await store.setTokens('alice', seeded);
    await expect(client().getAccessToken('alice')).rejects.toMatchObject({ reason: 'expired' });
    expect(await store.getTokens('alice')).toBeUndefined();
  });

  it('raises ReauthorizationRequired when nothing is stored', async () => {
    await expect(client().getAccessToken('nobody')).rejects.toMatchObject({ reason: 'no_tokens' });
  });

  it('keeps the tokens when the token endpoint fails for another reason', async () => {
    await seed('alice', Date.now() - 1);
    const error = await client({ clientSecret: 'rotated-away' })
      .getAccessToken('alice')
      .catch((e) => e);
    expect(error).toBeInstanceOf(TokenRequestFailed);
    expect(await store.getTokens('alice')).toBeDefined();
  });

  it('keeps using a token that has not expired yet when the early refresh fails for a passing reason', async () => {
    const seeded = await seed('alice', Date.now() + 30_000); // inside the skew, not expired
    const c = client({ apiBaseUrl: 'http://127.0.0.1:9' });
    expect(await c.getAccessToken('alice')).toBe(seeded.accessToken);
    expect(await store.getTokens('alice')).toEqual(seeded);
  });

  it('refuses a lock TTL that a slow token request could outlive', () => {
    expect(() => client({ lockTtlMs: 10_000, timeoutMs: 15_000 })).toThrow(TypeError);
  });

  it('raises TokenRequestFailed with status 0 when the server cannot be reached', async () => {
    await seed('alice', Date.now() - 1);
    const c = client({ apiBaseUrl: 'http://127.0.0.1:9' });
    await expect(c.getAccessToken('alice')).rejects.toMatchObject({ code: 'token_request_failed', status: 0 });
  });
});

describe('fetchApi and the REST helper', () => {
  it('retries once with a refreshed token after a 401 on an expired token', async () => {
    const seeded = await seed('alice', Date.now() + 3_600_000); // the client believes it is valid
    platform.expireAccessTokens(); // the server does not
    const before = platform.refreshRequests;
    const context = await client().tokenContext('alice');
    expect(context.user.id).toBe('3458764511111111111');
    expect(platform.refreshRequests).toBe(before + 1);
    const calls = platform.requests.filter((r) => r.path === '/v1/oauth-token').slice(-2);
    expect(calls.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${seeded.accessToken}`,
      `Bearer ${(await store.getTokens('alice'))?.accessToken}`,
    ]);
  });

  it('raises ReauthorizationRequired after a second 401 and clears the store', async () => {
    platform.expiresIn = undefined; // non-expiring: nothing to refresh with
    await seed('alice', undefined);
    platform.revokeAll();
    const error = await client()
      .as('alice')
      .listBoards()
      .catch((e) => e);
    expect(error).toBeInstanceOf(ReauthorizationRequired);
    expect(await store.getTokens('alice')).toBeUndefined();
  });

  it('raises ReauthorizationRequired when a fresh token is refused again', async () => {
    await seed('alice', Date.now() + 3_600_000);
    platform.expireAccessTokens();
    platform.expiresIn = 0; // the refreshed token is born expired on the server
    const error = await client({ refreshSkewSeconds: 0 })
      .fetchApi('alice', '/v2/boards')
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'reauthorization_required', reason: 'unauthorized' });
    expect(await store.getTokens('alice')).toBeUndefined();
  });

  it('calls boards, sticky notes and items with percent-encoded ids', async () => {
    await seed('alice', Date.now() + 3_600_000);
    const api = client().as('alice');
    const page = await api.listBoards({ limit: 5 });
    expect(page.data[0]?.id).toBe('uXjVOD6LSME=');
    expect(platform.requests.at(-1)?.path).toBe('/v2/boards?limit=5');
    const board = await api.createBoard({ name: 'Plan' });
    expect(board).toMatchObject({ id: 'uXjVNew=', name: 'Plan' });
    const note = await api.createStickyNote('uXjVOD6LSME=', { data: { content: 'Hello' } });
    expect(note).toMatchObject({ type: 'sticky_note', data: { content: 'Hello' } });
    expect(platform.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v2/boards/uXjVOD6LSME%3D/sticky_notes',
      body: '{"data":{"content":"Hello"}}',
    });
    expect(platform.requests.at(-1)?.headers['content-type']).toBe('application/json');
    const items = await api.listItems('uXjVOD6LSME=', { type: 'sticky_note' });
    expect(items.data).toHaveLength(1);
    expect(platform.requests.at(-1)?.path).toBe('/v2/boards/uXjVOD6LSME%3D/items?type=sticky_note');
    await expect(api.deleteItem('uXjVOD6LSME=', 'a/b')).resolves.toBeUndefined();
    expect(platform.requests.at(-1)?.path).toBe('/v2/boards/uXjVOD6LSME%3D/items/a%2Fb');
  });

  it('walks every page: boards by offset, items by cursor', async () => {
    await seed('alice', Date.now() + 3_600_000);
    const saved = { boards: platform.boards, items: platform.items };
    platform.boards = Array.from({ length: 7 }, (_, i) => ({
      id: `b${i}`,
      type: 'board',
      name: `B${i}`,
      description: '',
    }));
    platform.items = Array.from({ length: 23 }, (_, i) => ({ id: `i${i}`, type: 'sticky_note', data: {} }));
    try {
      const api = client().as('alice');
      const boards = [];
      for await (const board of api.allBoards({ limit: 3 })) boards.push(board.id);
      expect(boards).toEqual(platform.boards.map((b) => b.id));
      const items = [];
      for await (const item of api.allItems('b0', { limit: 10 })) items.push(item.id);
      expect(items).toEqual(platform.items.map((i) => i.id));
      expect(platform.requests.filter((r) => r.path.startsWith('/v2/boards/b0/items')).map((r) => r.path)).toEqual([
        '/v2/boards/b0/items?limit=10',
        '/v2/boards/b0/items?limit=10&cursor=10',
        '/v2/boards/b0/items?limit=10&cursor=20',
      ]);
    } finally {
      Object.assign(platform, saved);
    }
  });

  it('raises ApiError with the envelope fields and Retry-After', async () => {
    await seed('alice', Date.now() + 3_600_000);
    const api = client().as('alice');
    const notFound = await api.getBoard('missing').catch((e) => e);
    expect(notFound).toBeInstanceOf(ApiError);
    expect(notFound).toMatchObject({ code: 'api_error', status: 404, apiCode: 'notFound', message: 'Not found' });
    const limited = await client()
      .requestJson('alice', 'GET', '/v2/limited')
      .catch((e) => e);
    expect(limited).toMatchObject({ status: 429, apiCode: 'tooManyRequests', retryAfter: 7 });
  });

  it('raises InvalidResponse for a success that is not JSON', async () => {
    await seed('alice', Date.now() + 3_600_000);
    await expect(client().requestJson('alice', 'GET', '/v2/not-json')).rejects.toBeInstanceOf(InvalidResponse);
  });

  it('only takes paths, so the bearer token cannot leave the API origin', async () => {
    await seed('alice', Date.now() + 3_600_000);
    await expect(client().fetchApi('alice', 'https://evil.example/v2/boards')).rejects.toThrow(TypeError);
    await expect(client().fetchApi('alice', '//evil.example/v2/boards')).rejects.toThrow(TypeError);
  });
});

describe('revoke', () => {
  it('revokes through /v2/oauth/revoke and deletes the stored tokens', async () => {
    const seeded = await seed('alice', Date.now() + 3_600_000);
    await client().revoke('alice');
    const call = platform.requests.at(-1);
    expect(call?.path).toBe('/v2/oauth/revoke');
    expect(JSON.parse(call?.body ?? '')).toEqual({
      accessToken: seeded.accessToken,
      clientId: platform.clientId,
      clientSecret: platform.clientSecret,
    });
    expect(await store.getTokens('alice')).toBeUndefined();
    await store.setTokens('alice', seeded);
    await expect(client().getTokenSet('alice')).resolves.toBeDefined();
    await expect(client().tokenContext('alice')).rejects.toBeInstanceOf(ReauthorizationRequired);
  });

  it('is a no-op when nothing is stored, and tolerates 404', async () => {
    await expect(client().revoke('nobody')).resolves.toBeUndefined();
    await seed('alice', Date.now() + 3_600_000);
    platform.revokeAll();
    await expect(client().revoke('alice')).resolves.toBeUndefined();
    expect(await store.getTokens('alice')).toBeUndefined();
  });
});
