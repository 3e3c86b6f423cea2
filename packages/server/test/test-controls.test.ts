import {
  ApiError,
  GrantboardClient,
  MemoryTokenStore,
  ReauthorizationRequired,
  TokenRequestFailed,
  type TokenSet,
} from '@grantboard/client';
import { Miro } from '@mirohq/miro-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { createRepositories } from '../src/storage/repositories/index.js';
import { cliJson, runCli } from './helpers/cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { DIALECTS } from './helpers/dialects.js';
import { routeMiroClientTo } from './helpers/miro-route.js';
import { type ServerProcess, startServerProcess } from './helpers/server-process.js';

const CLIENT_ID = '3458764500000000001';
const CLIENT_SECRET = `gbs_${'A'.repeat(43)}`;
const REDIRECT = 'http://127.0.0.1:9/callback';

interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  scope: string;
  user_id: string;
  team_id: string;
}

// Each test runs the CLI as a separate process against the database a `grantboard serve` process uses.
describe.each(DIALECTS)('test controls through the CLI and a running server on %s', { timeout: 120_000 }, (dialect) => {
  let db: TestDatabase;
  let server: ServerProcess;
  let env: Record<string, string>;
  let user: string;
  let team: string;

  const cli = <T = Record<string, string>>(...args: string[]) => cliJson<T>(args, env);
  const issue = () => cli<Tokens>('tokens', 'issue', '--app', CLIENT_ID, '--user', user, '--team', team);
  const context = (token: string) =>
    fetch(`${server.url}/v1/oauth-token`, { headers: { authorization: `Bearer ${token}` } });
  const refresh = (token: string) =>
    fetch(`${server.url}/v1/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      }),
    });
  /** Grantboard's client SDK holding the issued tokens, as an app's token store would after its callback. */
  async function sdkWith(tokens: Tokens) {
    const store = new MemoryTokenStore();
    const set: TokenSet = {
      accessToken: tokens.access_token,
      tokenType: 'bearer',
      refreshToken: tokens.refresh_token,
      expiresAt: Date.now() + tokens.expires_in * 1000,
      scope: tokens.scope,
      userId: tokens.user_id,
      teamId: tokens.team_id,
      obtainedAt: Date.now(),
    };
    await store.setTokens('u', set);
    const client = new GrantboardClient({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: REDIRECT,
      store,
      authBaseUrl: server.url,
      apiBaseUrl: server.url,
      allowInsecureHttp: true,
    });
    return { client, store };
  }

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    env = { DATABASE_URL: db.url, GRANTBOARD_TEST_CONTROLS: 'on' };
    user = cli<{ id: string }>(
      'users',
      'create',
      '--email',
      'dev@example.com',
      '--password',
      'long enough',
      '--name',
      'Dev',
    ).id;
    team = cli<{ id: string }>('teams', 'create', '--name', 'Design').id;
    cli('teams', 'add-member', '--team', team, '--user', user, '--role', 'admin');
    cli(
      ...['apps', 'create', '--name', 'Reporter', '--team', team, '--redirect-uri', REDIRECT],
      ...[
        '--scopes',
        'boards:read boards:write',
        '--expiring',
        '--client-id',
        CLIENT_ID,
        '--client-secret',
        CLIENT_SECRET,
      ],
    );
    server = await startServerProcess(env);
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('issues the records the code flow writes, one family, audited as issued for tests', async () => {
    const tokens = issue();
    expect(tokens).toMatchObject({
      token_type: 'bearer',
      access_token: expect.stringMatching(/^gba_/),
      refresh_token: expect.stringMatching(/^gbr_/),
      expires_in: expect.any(Number),
      scope: 'boards:read boards:write',
      user_id: user,
      team_id: team,
    });
    expect(tokens.expires_in).toBeGreaterThan(3500);
    const info = await context(tokens.access_token);
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ user: { id: user }, team: { id: team }, type: 'oAuthToken' });
    // Narrower scopes, and refusals in the CLI's error shape.
    expect(
      cli('tokens', 'issue', '--app', CLIENT_ID, '--user', user, '--team', team, '--scopes', 'boards:read'),
    ).toMatchObject({ scope: 'boards:read' });
    const wider = runCli(
      ['tokens', 'issue', '--app', CLIENT_ID, '--user', user, '--team', team, '--scopes', 'identity:read', '--json'],
      env,
    );
    expect(wider.code).toBe(1);
    expect(JSON.parse(wider.stderr)).toEqual({
      error: { code: 'invalid', field: 'scopes', message: `App ${CLIENT_ID} is not registered for: identity:read.` },
    });
    const events = await createRepositories(db.database.db).audit.list({ type: 'tokens_issued_for_test' });
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[0]).toMatchObject({ app_id: CLIENT_ID, user_id: user, team_id: team });
  });

  it('issues a code that the official @mirohq/miro-api client exchanges with its own code', async () => {
    const issued = cli<{ code: string; redirectUri: string; callbackUrl: string }>(
      'codes',
      'issue',
      '--app',
      CLIENT_ID,
      '--user',
      user,
      '--team',
      team,
    );
    expect(issued).toMatchObject({ code: expect.stringMatching(/^gbc_/), redirectUri: REDIRECT });
    expect(new URL(issued.callbackUrl).searchParams.get('code')).toBe(issued.code);
    const route = routeMiroClientTo(server.url);
    try {
      const states = new Map<string, unknown>();
      const miro = new Miro({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUrl: REDIRECT,
        storage: {
          get: async (id) => states.get(String(id)) as never,
          set: async (id, s) => void states.set(String(id), s),
        },
      });
      await miro.exchangeCodeForAccessToken('m', issued.code);
      expect((await miro.as('m').tokenInfo()).user.id).toBe(user);
      // Single use, as any code: a second exchange is refused.
      await expect(miro.exchangeCodeForAccessToken('m2', issued.code)).rejects.toThrow();
    } finally {
      route.restore();
    }
  });

  it('expire an access token now: the API says tokenExpired and the client SDK refreshes', async () => {
    const tokens = issue();
    cli('controls', 'expire-access', '--token', tokens.access_token);
    const expired = await context(tokens.access_token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ code: 'tokenExpired' });
    const { client, store } = await sdkWith(tokens);
    expect((await client.tokenContext('u')).user.id).toBe(user);
    expect((await store.getTokens('u'))?.refreshToken).not.toBe(tokens.refresh_token);
  });

  it('expire or revoke a refresh token: the client SDK reports that reauthorization is needed', async () => {
    for (const control of ['expire-refresh', 'revoke-refresh']) {
      const tokens = issue();
      cli('controls', 'expire-access', '--token', tokens.access_token);
      cli('controls', control, '--token', tokens.refresh_token);
      const { client, store } = await sdkWith(tokens);
      const failure = await client.tokenContext('u').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ReauthorizationRequired);
      expect(await store.getTokens('u')).toBeUndefined();
    }
  });

  it('a forced invalid_grant: the next N token requests fail, in any process, then the grant works again', async () => {
    const tokens = issue();
    cli('controls', 'fail-token', '--app', CLIENT_ID, '--count', '1', '--error', 'invalid_grant');
    cli('controls', 'expire-access', '--token', tokens.access_token);
    const { client } = await sdkWith(tokens);
    expect(await client.tokenContext('u').catch((error: unknown) => error)).toBeInstanceOf(ReauthorizationRequired);
    // The fault is spent: the refresh token itself was never touched.
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
  });

  it('a forced 503 carries Retry-After; exactly N of many parallel requests fail, and the client retries', async () => {
    cli(
      'controls',
      'fail-token',
      '--app',
      CLIENT_ID,
      '--count',
      '3',
      '--error',
      'temporarily_unavailable',
      '--retry-after',
      '7',
    );
    const pairs = Array.from({ length: 8 }, () => issue());
    const answers = await Promise.all(pairs.map((p) => refresh(p.refresh_token)));
    const failed = answers.filter((a) => a.status === 503);
    expect(failed).toHaveLength(3);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
    expect(failed[0]!.headers.get('retry-after')).toBe('7');
    expect(await failed[0]!.json()).toMatchObject({ error: 'temporarily_unavailable', status: 503 });

    // The client SDK sends the refresh again after the Retry-After, up to its unavailableRetries (2).
    const retried = issue();
    cli('controls', 'fail-token', '--app', CLIENT_ID, '--count', '1', '--error', 'temporarily_unavailable');
    cli('controls', 'expire-access', '--token', retried.access_token);
    expect((await (await sdkWith(retried)).client.tokenContext('u')).user.id).toBe(user);

    const tokens = issue();
    cli('controls', 'fail-token', '--app', CLIENT_ID, '--count', '3', '--error', 'temporarily_unavailable');
    cli('controls', 'expire-access', '--token', tokens.access_token);
    const { client, store } = await sdkWith(tokens);
    const first = await client.tokenContext('u').catch((error: unknown) => error);
    expect(first).toBeInstanceOf(TokenRequestFailed);
    expect(first).toMatchObject({ status: 503, retryAfter: 1 });
    // A retryable failure keeps the tokens; a later call refreshes.
    expect((await store.getTokens('u'))?.refreshToken).toBe(tokens.refresh_token);
    expect((await client.tokenContext('u')).user.id).toBe(user);
  });

  it('a forced delay holds the token response back, then answers it', async () => {
    const tokens = issue();
    cli('controls', 'fail-token', '--app', CLIENT_ID, '--count', '1', '--error', 'delay', '--delay-ms', '300');
    const started = performance.now();
    const response = await refresh(tokens.refresh_token);
    expect(response.status).toBe(200);
    // Not a timing claim about the server: a lower bound the delay itself guarantees.
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('429 for a user and app: REST API answers tooManyRequests with Retry-After, for both clients, until lifted', async () => {
    const tokens = issue();
    cli('controls', 'rate-limit', '--app', CLIENT_ID, '--user', user, '--seconds', '120');
    const raw = await fetch(`${server.url}/v2/boards`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(100);
    expect(await raw.json()).toMatchObject({ status: 429, code: 'tooManyRequests', type: 'error' });
    const { client } = await sdkWith(tokens);
    const refused = await client
      .as('u')
      .listBoards()
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(429);
    expect((refused as ApiError).retryAfter).toBeGreaterThan(100);

    const route = routeMiroClientTo(server.url);
    try {
      const miro = new Miro({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUrl: REDIRECT,
        storage: {
          get: async () => ({ userId: user, accessToken: tokens.access_token }) as never,
          set: async () => {},
        },
      });
      const boards = async () => {
        for await (const board of miro.as('m').getAllBoards()) return board;
      };
      const error = (await boards().catch((e: unknown) => e)) as { response: { status: number; headers: Headers } };
      expect(error.response.status).toBe(429);
      expect(Number(error.response.headers.get('retry-after'))).toBeGreaterThan(100);
    } finally {
      route.restore();
    }
    cli('controls', 'rate-limit', '--app', CLIENT_ID, '--user', user, '--seconds', '0');
    expect((await client.as('u').listBoards()).data).toEqual(expect.any(Array));
  });

  it('uninstall: 401 at once for every token of the app in the team; reinstall lets new tokens work', async () => {
    const tokens = issue();
    expect((await context(tokens.access_token)).status).toBe(200);
    cli('controls', 'uninstall', '--app', CLIENT_ID, '--team', team);
    const gone = await context(tokens.access_token);
    expect(gone.status).toBe(401);
    expect(await gone.json()).toMatchObject({ code: 'tokenInvalid' });
    expect((await refresh(tokens.refresh_token)).status).toBe(400);
    cli('controls', 'reinstall', '--app', CLIENT_ID, '--team', team, '--user', user);
    expect((await context(issue().access_token)).status).toBe(200);
  });

  it("advance one app's clock: its tokens age as if the time had passed", async () => {
    const tokens = issue();
    cli('controls', 'advance-clock', '--app', CLIENT_ID, '--seconds', '3500');
    expect((await context(tokens.access_token)).status).toBe(200);
    cli('controls', 'advance-clock', '--app', CLIENT_ID, '--seconds', '200');
    expect(await (await context(tokens.access_token)).json()).toMatchObject({ code: 'tokenExpired' });
    const fresh = await refresh(tokens.refresh_token);
    expect(fresh.status).toBe(200);
    // Sixty days on, the refresh token is dead too.
    const next = (await fresh.json()) as Tokens;
    cli('controls', 'advance-clock', '--app', CLIENT_ID, '--seconds', String(60 * 24 * 3600));
    expect(await (await refresh(next.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('every use of a control is in the audit log', async () => {
    const events = await createRepositories(db.database.db).audit.list({ type: 'test_control_used' });
    const controls = new Set(events.map((e) => JSON.parse(e.detail).control));
    expect([...controls].sort()).toEqual([
      'advance_clock',
      'expire_access_token',
      'expire_refresh_token',
      'fail_token_requests',
      'rate_limit',
      'reinstall',
      'revoke_refresh_token',
      'uninstall',
    ]);
  });
});

describe.each(DIALECTS)('test controls off on %s', { timeout: 60_000 }, (dialect) => {
  it('refuses every control with not_found, and the server is untouched, when off or in production', async () => {
    const db = await createTestDatabase(dialect);
    try {
      for (const extra of [{}, { NODE_ENV: 'production', GRANTBOARD_TEST_CONTROLS: 'on' }]) {
        const result = runCli(
          ['controls', 'fail-token', '--app', CLIENT_ID, '--count', '1', '--error', 'invalid_grant', '--json'],
          { DATABASE_URL: db.url, ...extra },
        );
        expect(result.code).toBe(1);
        expect(JSON.parse(result.stderr.split('\n').find((l) => l.startsWith('{'))!).error).toMatchObject({
          code: 'not_found',
          message: expect.stringContaining('Test controls are off'),
        });
      }
    } finally {
      await db.drop();
    }
  });
});

describe('GRANTBOARD_TEST_CONTROLS', () => {
  const load = (env: Record<string, string>) => {
    const warnings: string[] = [];
    const config = loadConfig({ GRANTBOARD_SECRET_KEY: '1'.repeat(64), DATABASE_URL: 'sqlite::memory:', ...env }, (m) =>
      warnings.push(m),
    );
    return { on: config.testControls, warnings: warnings.filter((w) => w.includes('TEST_CONTROLS')) };
  };
  it('is off by default, on when asked, off in production unless forced, with a warning either way', () => {
    expect(load({})).toEqual({ on: false, warnings: [] });
    expect(load({ GRANTBOARD_TEST_CONTROLS: 'on' })).toEqual({ on: true, warnings: [] });
    expect(load({ GRANTBOARD_TEST_CONTROLS: 'on', NODE_ENV: 'production' })).toMatchObject({
      on: false,
      warnings: [expect.stringContaining('ignored')],
    });
    expect(load({ GRANTBOARD_TEST_CONTROLS: 'force', NODE_ENV: 'production' })).toMatchObject({
      on: true,
      warnings: [expect.stringContaining('force')],
    });
    expect(() => load({ GRANTBOARD_TEST_CONTROLS: 'yes' })).toThrow("must be 'off', 'on' or 'force'");
  });
});
