import {
  ApiError,
  GrantboardClient,
  MemoryTokenStore,
  ReauthorizationRequired,
  TokenRequestFailed,
} from '@grantboard/client';
import { type Fixtures, type Grantboard, GrantboardAdminError, startGrantboard } from '@grantboard/testing';
import { Miro } from '@mirohq/miro-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeMiroClientTo } from './miro-route.js';

const CLIENT_ID = '3458764500000000077';
const CLIENT_SECRET = `gbs_${'T'.repeat(43)}`;
const REDIRECT = 'http://127.0.0.1:9/callback';

const FIXTURES: Fixtures = {
  users: [{ email: 'dev@example.com', password: 'long enough', name: 'Dev' }],
  teams: [{ name: 'Design', members: [{ email: 'dev@example.com', role: 'admin' }] }],
  apps: [
    {
      name: 'Reporter',
      team: 'Design',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      expiring: true,
      redirectUris: [REDIRECT],
      scopes: ['boards:read', 'boards:write'],
      installations: [{ team: 'Design', by: 'dev@example.com' }],
    },
  ],
};

interface MiroState {
  userId: string;
  accessToken: string;
  refreshToken?: string;
  tokenExpiresAt?: string;
}

let gb: Grantboard;
let route: { restore(): void };

beforeAll(async () => {
  gb = await startGrantboard({ fixtures: FIXTURES });
  route = routeMiroClientTo(gb.url);
});
afterAll(async () => {
  route?.restore();
  await gb?.stop();
});

/** Grantboard's client SDK holding tokens issued for the fixtures' user, as after its callback. */
async function sdk(options: { unavailableRetries?: number } = {}) {
  const tokens = await gb.issueToken({ app: 'Reporter', user: 'dev@example.com' });
  const store = new MemoryTokenStore();
  await store.setTokens('u', {
    accessToken: tokens.access_token,
    tokenType: 'bearer',
    refreshToken: tokens.refresh_token!,
    expiresAt: Date.now() + tokens.expires_in! * 1000,
    scope: tokens.scope,
    userId: tokens.user_id,
    teamId: tokens.team_id,
    obtainedAt: Date.now(),
  });
  const client = new GrantboardClient({
    clientId: gb.app('Reporter').clientId,
    clientSecret: gb.app('Reporter').clientSecret!,
    redirectUri: REDIRECT,
    store,
    authBaseUrl: gb.url,
    apiBaseUrl: gb.url,
    ...options,
  });
  return { client, store, tokens };
}

/** The official client, connected through its own code exchange of a code the server issued. */
async function miro() {
  const states = new Map<string, MiroState>();
  const client = new Miro({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUrl: REDIRECT,
    storage: {
      get: async (id) => states.get(String(id)) as never,
      set: async (id, state) => void (state ? states.set(String(id), state as MiroState) : states.delete(String(id))),
    },
  });
  const { code } = await gb.issueCode({ app: 'Reporter', user: 'dev@example.com' });
  await client.exchangeCodeForAccessToken('m', code);
  return { client, state: () => states.get('m')!, states };
}

/** The official client's view of time passing: its stored expiry moves back as the server's clock moved on. */
function age(state: MiroState, seconds: number) {
  state.tokenExpiresAt = new Date(Date.parse(state.tokenExpiresAt!) - seconds * 1000).toISOString();
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('startGrantboard', () => {
  it('serves the fixtures with their fixed credentials, ids by name, and the admin API', async () => {
    expect(gb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(gb.apps.Reporter).toMatchObject({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUris: [REDIRECT],
    });
    expect(gb.users['dev@example.com']).toMatch(/^\d+$/);
    const { client } = await sdk();
    const context = await client.tokenContext('u');
    expect(context.user.id).toBe(gb.users['dev@example.com']);
    expect(context.team.id).toBe(gb.teams.Design);
    const metadata = await (await fetch(`${gb.url}/.well-known/oauth-authorization-server`)).json();
    expect(metadata).toMatchObject({ issuer: gb.url });
    const document = await gb.admin<{ openapi: string }>('GET', '/openapi.json');
    expect(document.openapi).toMatch(/^3\./);
  });

  it('reports an admin refusal with its code and field', async () => {
    const error = await failure(gb.issueToken({ app: 'Reporter', user: 'dev@example.com', scopes: ['identity:read'] }));
    expect(error).toBeInstanceOf(GrantboardAdminError);
    expect(error).toMatchObject({ status: 400, code: 'invalid', field: 'scopes' });
  });
});

describe('each control, driven through the client SDK and the official @mirohq/miro-api client', () => {
  it('expireAccessToken → 401 tokenExpired; the SDK refreshes and goes on', async () => {
    const { client, store, tokens } = await sdk();
    await gb.expireAccessToken(tokens.access_token);
    const raw = await fetch(`${gb.url}/v1/oauth-token`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toMatchObject({ code: 'tokenExpired' });
    expect((await client.as('u').listBoards()).data).toEqual(expect.any(Array));
    expect((await store.getTokens('u'))?.refreshToken).not.toBe(tokens.refresh_token);
  });

  it('advanceClock → the tokens age; the official client refreshes once its expiry has passed', async () => {
    const m = await miro();
    const before = m.state().refreshToken;
    await gb.advanceClock('Reporter', 3600);
    const expired = (await failure(m.client.as('m').tokenInfo())) as { statusCode: number };
    expect(expired.statusCode).toBe(401);
    age(m.state(), 3600);
    expect((await m.client.as('m').tokenInfo()).user.id).toBe(gb.users['dev@example.com']);
    expect(m.state().refreshToken).not.toBe(before);
  });

  it('failNextRefresh invalid_grant → the SDK reports ReauthorizationRequired; the official client a 400', async () => {
    const { client, store, tokens } = await sdk();
    await gb.expireAccessToken(tokens.access_token);
    await gb.failNextRefresh('Reporter', { error: 'invalid_grant' });
    const error = await failure(client.tokenContext('u'));
    expect(error).toBeInstanceOf(ReauthorizationRequired);
    expect((error as ReauthorizationRequired).reason).toBe('invalid_grant');
    expect(await store.getTokens('u')).toBeUndefined();

    const m = await miro();
    age(m.state(), 3600);
    await gb.failNextRefresh('Reporter', { error: 'invalid_grant' });
    expect(await failure(m.client.as('m').tokenInfo())).toMatchObject({ statusCode: 400 });
  });

  it('revokeRefreshToken / expireRefreshToken → the SDK reports ReauthorizationRequired', async () => {
    for (const end of ['revokeRefreshToken', 'expireRefreshToken'] as const) {
      const { client, tokens } = await sdk();
      await gb.expireAccessToken(tokens.access_token);
      await gb[end](tokens.refresh_token!);
      expect(await failure(client.tokenContext('u'))).toBeInstanceOf(ReauthorizationRequired);
    }
  });

  it('failNextRefresh 503 → the SDK retries after Retry-After and refreshes; beyond its retries it keeps the tokens', async () => {
    const { client, store, tokens } = await sdk();
    await gb.expireAccessToken(tokens.access_token);
    await gb.failNextRefresh('Reporter', { error: 'temporarily_unavailable', retryAfterSeconds: 1 }, 2);
    const started = performance.now();
    expect((await client.tokenContext('u')).user.id).toBe(gb.users['dev@example.com']);
    // Not a timing claim about the server: the two waits the Retry-After asked for are a lower bound.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1990);
    expect((await store.getTokens('u'))?.refreshToken).not.toBe(tokens.refresh_token);

    const second = await sdk({ unavailableRetries: 1 });
    await gb.expireAccessToken(second.tokens.access_token);
    await gb.failNextRefresh('Reporter', { error: 'temporarily_unavailable', retryAfterSeconds: 1 }, 2);
    const refused = await failure(second.client.tokenContext('u'));
    expect(refused).toBeInstanceOf(TokenRequestFailed);
    expect(refused).toMatchObject({ status: 503, retryAfter: 1 });
    expect((await second.store.getTokens('u'))?.refreshToken).toBe(second.tokens.refresh_token);
    expect((await second.client.tokenContext('u')).user.id).toBe(gb.users['dev@example.com']);

    // A wait longer than the client accepts is raised at once, with the server's Retry-After.
    const third = await sdk();
    await gb.expireAccessToken(third.tokens.access_token);
    await gb.failNextRefresh('Reporter', { error: 'temporarily_unavailable', retryAfterSeconds: 60 });
    expect(await failure(third.client.tokenContext('u'))).toMatchObject({ status: 503, retryAfter: 60 });

    // The official client has no retry: the app sees the 503 and its Retry-After.
    const m = await miro();
    age(m.state(), 3600);
    await gb.failNextRefresh('Reporter', { error: 'temporarily_unavailable', retryAfterSeconds: 7 });
    const error = (await failure(m.client.as('m').tokenInfo())) as { statusCode: number; response: Response };
    expect(error.statusCode).toBe(503);
    expect(error.response.headers.get('retry-after')).toBe('7');
  });

  it('rateLimit → 429 with a Retry-After that, once waited, is enough', async () => {
    const { client } = await sdk();
    await gb.rateLimit('Reporter', 'dev@example.com', 1);
    const refused = (await failure(client.as('u').listBoards())) as ApiError;
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 429, apiCode: 'tooManyRequests' });
    expect(refused.retryAfter).toBeGreaterThanOrEqual(1);

    const m = await miro();
    const error = (await failure(m.client.as('m').getBoard('none'))) as { statusCode: number; response: Response };
    expect(error.statusCode).toBe(429);
    expect(Number(error.response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    await new Promise((resolve) => setTimeout(resolve, refused.retryAfter! * 1000));
    expect((await client.as('u').listBoards()).data).toEqual(expect.any(Array));
  });

  it('uninstall → 401 at once for both clients; the SDK reports ReauthorizationRequired; reinstall lets new tokens work', async () => {
    const { client, store } = await sdk();
    const m = await miro();
    await gb.uninstall('Reporter');
    expect(await failure(m.client.as('m').tokenInfo())).toMatchObject({ statusCode: 401 });
    const error = await failure(client.tokenContext('u'));
    expect(error).toBeInstanceOf(ReauthorizationRequired);
    expect(await store.getTokens('u')).toBeUndefined();
    await gb.reinstall('Reporter', 'dev@example.com');
    expect((await (await sdk()).client.tokenContext('u')).team.id).toBe(gb.teams.Design);
  });
});
