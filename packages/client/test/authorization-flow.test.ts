import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthorizationDenied,
  AuthorizationFailed,
  GrantboardClient,
  type GrantboardClientOptions,
  InvalidCallback,
  InvalidResponse,
  IssuerMismatch,
  MemoryTokenStore,
  StateMismatch,
  TokenRequestFailed,
} from '../src/index.js';
import { type FakePlatform, startFakePlatform } from './support/fake-platform.js';

const REDIRECT_URI = 'http://127.0.0.1:3000/oauth/callback';

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
  platform.tokenResponseOverride = undefined;
});

function client(overrides: Partial<GrantboardClientOptions> = {}) {
  return new GrantboardClient({
    clientId: platform.clientId,
    clientSecret: platform.clientSecret ?? '',
    redirectUri: REDIRECT_URI,
    authBaseUrl: platform.url,
    apiBaseUrl: platform.url,
    store,
    ...overrides,
  });
}

/** The callback URL with one parameter replaced (or removed with `null`). */
function tamper(callbackUrl: string, name: string, value: string | null): string {
  const url = new URL(callbackUrl);
  if (value === null) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  return url.href;
}

describe('createAuthorizationRequest', () => {
  it('builds the authorization URL with state and PKCE S256', async () => {
    const request = await client().createAuthorizationRequest({
      userKey: 'u1',
      teamId: '3458764522222222222',
      scopes: ['boards:read'],
    });
    const url = new URL(request.url);
    expect(url.origin + url.pathname).toBe(`${platform.url}/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: platform.clientId,
      redirect_uri: REDIRECT_URI,
      state: request.state,
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
      team_id: '3458764522222222222',
      scope: 'boards:read',
    });
    expect(request.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(request.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('uses a new state and verifier each time', async () => {
    const c = client();
    const [a, b] = await Promise.all([c.createAuthorizationRequest(), c.createAuthorizationRequest()]);
    expect(a.state).not.toBe(b.state);
    expect(a.codeVerifier).not.toBe(b.codeVerifier);
  });

  it('defaults to Miro and keeps a path prefix of the base URLs', async () => {
    const miro = new GrantboardClient({ clientId: '1', clientSecret: 's', redirectUri: REDIRECT_URI, store });
    expect((await miro.createAuthorizationRequest()).url).toMatch(/^https:\/\/miro\.com\/oauth\/authorize\?/);
    expect(miro.issuer).toBe('https://miro.com');
    const prefixed = client({ authBaseUrl: 'https://auth.example/grantboard/' });
    expect((await prefixed.createAuthorizationRequest()).url).toMatch(
      /^https:\/\/auth\.example\/grantboard\/oauth\/authorize\?/,
    );
  });

  it('sends the redirect URI exactly as configured (servers compare it character by character)', async () => {
    const c = client({ redirectUri: 'http://127.0.0.1:3000' });
    const request = await c.createAuthorizationRequest({ userKey: 'u' });
    expect(new URL(request.url).searchParams.get('redirect_uri')).toBe('http://127.0.0.1:3000');
    await c.handleCallback(platform.approve(request.url).callbackUrl);
    const form = new URLSearchParams(platform.requests.findLast((r) => r.path === '/v1/oauth/token')?.body);
    expect(form.get('redirect_uri')).toBe('http://127.0.0.1:3000');
  });

  it('refuses plain http base URLs outside loopback', () => {
    expect(() => client({ apiBaseUrl: 'http://grantboard.example' })).toThrow(TypeError);
    expect(() => client({ apiBaseUrl: 'http://grantboard.example', allowInsecureHttp: true })).not.toThrow();
  });
});

describe('handleCallback', () => {
  it('exchanges the code with PKCE and stores the validated token set', async () => {
    const c = client();
    const request = await c.createAuthorizationRequest({ userKey: 'alice' });
    const { callbackUrl } = platform.approve(request.url);
    const result = await c.handleCallback(callbackUrl);
    expect(result.userKey).toBe('alice');
    expect(result.tokens).toMatchObject({
      tokenType: 'bearer',
      userId: '3458764511111111111',
      teamId: '3458764522222222222',
      scope: 'boards:read boards:write',
      accessToken: expect.stringMatching(/^at-/),
      refreshToken: expect.stringMatching(/^rt-/),
    });
    expect(await store.getTokens('alice')).toEqual(result.tokens);

    const exchange = platform.requests.findLast((r) => r.path === '/v1/oauth/token');
    expect(exchange?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(exchange?.body);
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(form.get('code_verifier')).toBe(request.codeVerifier);
    expect(form.get('client_secret')).toBe(platform.clientSecret);
  });

  it('accepts a path-and-query callback and a user key given at callback time', async () => {
    const c = client();
    const request = await c.createAuthorizationRequest();
    const { callbackUrl } = platform.approve(request.url);
    const url = new URL(callbackUrl);
    const result = await c.handleCallback(url.pathname + url.search, 'bob');
    expect(result.userKey).toBe('bob');
  });

  it('rejects a callback whose state was never issued', async () => {
    const c = client();
    const request = await c.createAuthorizationRequest({ userKey: 'alice' });
    const { callbackUrl } = platform.approve(request.url);
    const before = platform.codeExchanges;
    await expect(c.handleCallback(tamper(callbackUrl, 'state', 'forged'))).rejects.toBeInstanceOf(StateMismatch);
    await expect(c.handleCallback(tamper(callbackUrl, 'state', null))).rejects.toBeInstanceOf(StateMismatch);
    expect(platform.codeExchanges).toBe(before);
  });

  it('accepts a state once only', async () => {
    const c = client();
    const request = await c.createAuthorizationRequest({ userKey: 'alice' });
    const { callbackUrl } = platform.approve(request.url);
    await c.handleCallback(callbackUrl);
    const exchanges = platform.codeExchanges;
    await expect(c.handleCallback(callbackUrl)).rejects.toMatchObject({ code: 'state_mismatch' });
    expect(platform.codeExchanges).toBe(exchanges);
  });

  it('rejects a state issued for another user key', async () => {
    const c = client();
    const request = await c.createAuthorizationRequest({ userKey: 'alice' });
    const { callbackUrl } = platform.approve(request.url);
    await expect(c.handleCallback(callbackUrl, 'mallory')).rejects.toBeInstanceOf(StateMismatch);
    expect(await store.getTokens('mallory')).toBeUndefined();
  });

  it('rejects an expired state', async () => {
    let now = Date.now();
    const c = client({ clock: { now: () => now } });
    const request = await c.createAuthorizationRequest({ userKey: 'alice' });
    const { callbackUrl } = platform.approve(request.url);
    now += 601_000;
    await expect(c.handleCallback(callbackUrl)).rejects.toBeInstanceOf(StateMismatch);
  });

  it('rejects an iss that is not the expected issuer (mix-up), before exchanging', async () => {
    const c = client();
    const request = await c.createAuthorizationRequest({ userKey: 'alice' });
    const { callbackUrl } = platform.approve(request.url);
    const before = platform.codeExchanges;
    const error = await c.handleCallback(tamper(callbackUrl, 'iss', 'https://evil.example')).catch((e) => e);
    expect(error).toBeInstanceOf(IssuerMismatch);
    expect(error).toMatchObject({ code: 'issuer_mismatch', expected: platform.url, received: 'https://evil.example' });
    expect(platform.codeExchanges).toBe(before);
    expect(await store.getTokens('alice')).toBeUndefined();
  });

  it('checks iss on error responses too', async () => {
    const c = client();
    const request = await c.createAuthorizationRequest({ userKey: 'alice' });
    const denied = `${REDIRECT_URI}?error=access_denied&state=${request.state}&iss=https%3A%2F%2Fevil.example`;
    await expect(c.handleCallback(denied)).rejects.toBeInstanceOf(IssuerMismatch);
  });

  it('accepts a missing iss unless required', async () => {
    const lenient = client();
    const r1 = await lenient.createAuthorizationRequest({ userKey: 'a' });
    await expect(
      lenient.handleCallback(tamper(platform.approve(r1.url).callbackUrl, 'iss', null)),
    ).resolves.toBeDefined();
    const strict = client({ requireIssuer: true });
    const r2 = await strict.createAuthorizationRequest({ userKey: 'b' });
    await expect(
      strict.handleCallback(tamper(platform.approve(r2.url).callbackUrl, 'iss', null)),
    ).rejects.toMatchObject({
      code: 'issuer_mismatch',
      received: undefined,
    });
  });

  it('surfaces access_denied as AuthorizationDenied and other errors as AuthorizationFailed', async () => {
    const c = client();
    const r1 = await c.createAuthorizationRequest({ userKey: 'alice' });
    const denied = await c
      .handleCallback(`${REDIRECT_URI}?error=access_denied&error_description=The+user+said+no&state=${r1.state}`)
      .catch((e) => e);
    expect(denied).toBeInstanceOf(AuthorizationDenied);
    expect(denied).toMatchObject({
      code: 'authorization_denied',
      details: { error: 'access_denied', errorDescription: 'The user said no' },
    });
    const r2 = await c.createAuthorizationRequest({ userKey: 'alice' });
    const failed = await c.handleCallback(`${REDIRECT_URI}?error=invalid_scope&state=${r2.state}`).catch((e) => e);
    expect(failed).toBeInstanceOf(AuthorizationFailed);
    expect(failed.details.error).toBe('invalid_scope');
  });

  it('rejects repeated parameters, a missing code and another app client_id', async () => {
    const c = client();
    const r1 = await c.createAuthorizationRequest({ userKey: 'alice' });
    const { callbackUrl } = platform.approve(r1.url);
    await expect(c.handleCallback(`${callbackUrl}&code=second`)).rejects.toBeInstanceOf(InvalidCallback);
    const r2 = await c.createAuthorizationRequest({ userKey: 'alice' });
    await expect(c.handleCallback(`${REDIRECT_URI}?state=${r2.state}`)).rejects.toBeInstanceOf(InvalidCallback);
    const r3 = await c.createAuthorizationRequest({ userKey: 'alice' });
    const other = tamper(platform.approve(r3.url).callbackUrl, 'client_id', '999');
    await expect(c.handleCallback(other)).rejects.toBeInstanceOf(InvalidCallback);
  });

  it('raises TokenRequestFailed when the code is refused, with the OAuth error', async () => {
    const c = client();
    const request = await c.createAuthorizationRequest({ userKey: 'alice' });
    const { callbackUrl } = platform.approve(request.url);
    const error = await c.handleCallback(tamper(callbackUrl, 'code', 'code-unknown')).catch((e) => e);
    expect(error).toBeInstanceOf(TokenRequestFailed);
    expect(error).toMatchObject({ status: 400, details: { error: 'invalid_grant' } });
  });

  it('raises TokenRequestFailed for wrong client credentials', async () => {
    const c = client({ clientSecret: 'wrong' });
    const request = await c.createAuthorizationRequest({ userKey: 'alice' });
    const error = await c.handleCallback(platform.approve(request.url).callbackUrl).catch((e) => e);
    expect(error).toMatchObject({ code: 'token_request_failed', status: 401, details: { error: 'invalid_client' } });
  });

  it.each([
    ['no access_token', { token_type: 'bearer', user_id: '1', team_id: '2' }],
    ['a non-bearer token_type', { access_token: 'a', token_type: 'mac', user_id: '1', team_id: '2' }],
    [
      'a numeric team_id',
      { access_token: 'a', token_type: 'bearer', user_id: '1', team_id: Number('3074457358607431473') },
    ],
    ['no user_id', { access_token: 'a', token_type: 'bearer', team_id: '2' }],
    [
      'a string expires_in',
      { access_token: 'a', token_type: 'bearer', user_id: '1', team_id: '2', expires_in: '3600' },
    ],
    ['not an object', ['access_token']],
  ])('rejects a token response with %s', async (_, body) => {
    platform.tokenResponseOverride = body;
    const c = client();
    const request = await c.createAuthorizationRequest({ userKey: 'alice' });
    await expect(c.handleCallback(platform.approve(request.url).callbackUrl)).rejects.toBeInstanceOf(InvalidResponse);
    expect(await store.getTokens('alice')).toBeUndefined();
  });

  it('accepts token_type in any case (RFC 6749 §5.1)', async () => {
    platform.tokenResponseOverride = { access_token: 'a', token_type: 'Bearer', user_id: '1', team_id: '2' };
    const c = client();
    const request = await c.createAuthorizationRequest({ userKey: 'alice' });
    const { tokens } = await c.handleCallback(platform.approve(request.url).callbackUrl);
    expect(tokens).toMatchObject({ tokenType: 'bearer', scope: '' });
    expect(tokens).not.toHaveProperty('expiresAt');
  });
});
