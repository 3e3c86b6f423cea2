import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s256 } from '../src/lib/pkce.js';
import { tokenKey } from '../src/lib/tokens.js';
import { PASSWORD, REDIRECT_URI, startTestApp, type TestApp } from './helpers/app.js';
import { BrowserSession, consentFields } from './helpers/browser-session.js';
import { DIALECTS } from './helpers/dialects.js';
import { tokenRequest } from './helpers/oauth.js';

const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

describe.each(DIALECTS)('GET/POST /oauth/authorize on %s', (dialect) => {
  let t: TestApp;
  let alice: BrowserSession;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    alice = new BrowserSession(t.app);
    expect((await alice.signIn(t.seed.alice.email, PASSWORD)).statusCode).toBe(303);
  });
  afterAll(() => t?.close());

  function authorizeUrl(params: Record<string, string> = {}) {
    return `/oauth/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: t.seed.expiringApp.id,
      redirect_uri: REDIRECT_URI,
      state: 'st-123',
      ...params,
    })}`;
  }

  function redirectParams(location: string | undefined) {
    expect(location).toBeDefined();
    const url = new URL(location!);
    expect(`${url.origin}${url.pathname}`).toBe(REDIRECT_URI);
    return Object.fromEntries(url.searchParams);
  }

  async function consent(url: string, decision: 'allow' | 'deny', overrides: Record<string, string> = {}) {
    const page = await alice.get(url);
    expect(page.statusCode).toBe(200);
    return alice.post('/oauth/authorize', { ...consentFields(page.body), decision, ...overrides });
  }

  it('sends a signed-out user to sign in and back', async () => {
    const stranger = new BrowserSession(t.app);
    const response = await stranger.get(authorizeUrl());
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/signin?return_to=${encodeURIComponent(authorizeUrl())}`);
  });

  it('shows the consent page with the security headers', async () => {
    const page = await alice.get(authorizeUrl({ team_id: t.seed.teamId }));
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['content-security-policy']).toContain("form-action 'self' https://app.example");
    expect(page.body).toContain('Install &amp; authorize Expiring');
    expect(page.body).toMatch(/<select id="team_id" name="team_id" required[ >]/);
    expect(page.body).toContain(`<option value="${t.seed.teamId}" selected>Design</option>`);
    expect(page.body).toContain('>Allow</button>');
    expect(page.body).toContain('>Cancel</button>');
  });

  it('redirects with code, state, client_id, team_id and iss after Allow, with 303', async () => {
    const response = await consent(authorizeUrl(), 'allow');
    expect(response.statusCode).toBe(303);
    const params = redirectParams(response.headers.location as string);
    expect(Object.keys(params)).toEqual(['code', 'state', 'client_id', 'team_id', 'iss']);
    expect(params).toMatchObject({
      state: 'st-123',
      client_id: t.seed.expiringApp.id,
      team_id: t.seed.teamId,
      iss: t.config.publicUrl,
    });
    const exchange = await tokenRequest(t.app, {
      grant_type: 'authorization_code',
      client_id: t.seed.expiringApp.id,
      client_secret: t.seed.expiringSecret,
      code: params.code!,
      redirect_uri: REDIRECT_URI,
    });
    expect(exchange.json()).toMatchObject({ user_id: t.seed.alice.id, team_id: t.seed.teamId });
    const installs = await t.repos.installations.list(t.seed.teamId);
    expect(installs.find((i) => i.appId === t.seed.expiringApp.id)).toMatchObject({ installedBy: t.seed.alice.id });
  });

  it('treats empty team_id= and state= as absent, as the official Node client sends them', async () => {
    const response = await consent(authorizeUrl({ team_id: '', state: '' }), 'allow');
    const params = redirectParams(response.headers.location as string);
    expect(params.state).toBeUndefined();
    expect(params.code).toMatch(/^gbc_/);
  });

  it('redirects with access_denied and state after Cancel', async () => {
    const response = await consent(authorizeUrl(), 'deny');
    expect(response.statusCode).toBe(303);
    expect(redirectParams(response.headers.location as string)).toEqual({
      error: 'access_denied',
      error_description: 'The user denied the request.',
      state: 'st-123',
      iss: t.config.publicUrl,
    });
  });

  it('grants a requested subset of the app scopes, and refuses scopes beyond them', async () => {
    const narrow = await consent(authorizeUrl({ scope: 'boards:read' }), 'allow');
    const code = redirectParams(narrow.headers.location as string).code!;
    const row = await t.db.database.db
      .selectFrom('authorization_codes')
      .select('scopes')
      .where('digest', '=', tokenKey(code))
      .executeTakeFirstOrThrow();
    expect(row.scopes).toBe('boards:read');
    const wide = await alice.get(authorizeUrl({ scope: 'boards:read identity:read' }));
    expect(redirectParams(wide.headers.location as string)).toMatchObject({ error: 'invalid_scope', state: 'st-123' });
  });

  it('shows an error page, never a redirect, for an unknown client or unregistered redirect URI', async () => {
    for (const params of [
      { client_id: '999' },
      { client_id: 'abc' },
      { redirect_uri: 'https://evil.example/callback' },
      { redirect_uri: `${REDIRECT_URI}/` },
      { redirect_uri: '' },
    ]) {
      const response = await alice.get(authorizeUrl(params));
      expect(response.statusCode).toBe(400);
      expect(response.headers.location).toBeUndefined();
      expect(response.headers['content-type']).toContain('text/html');
    }
    const repeated = await alice.get(`${authorizeUrl()}&redirect_uri=${encodeURIComponent('https://evil.example/')}`);
    expect(repeated.statusCode).toBe(400);
    expect(repeated.headers.location).toBeUndefined();
  });

  it('accepts any port on a registered loopback IP redirect URI (RFC 8252 §7.3), and nothing else', async () => {
    const ok = await consent(authorizeUrl({ redirect_uri: 'http://127.0.0.1:53123/native' }), 'allow');
    expect(ok.headers.location).toMatch(/^http:\/\/127\.0\.0\.1:53123\/native\?code=gbc_/);
    const otherPath = await alice.get(authorizeUrl({ redirect_uri: 'http://127.0.0.1:53123/other' }));
    expect(otherPath.statusCode).toBe(400);
  });

  it('redirects request errors with the error and state once the client is verified', async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ response_type: 'token' }, 'unsupported_response_type', "Only response_type 'code' is supported."],
      [{ response_type: '' }, 'invalid_request', "Missing required parameter 'response_type'."],
      [
        { code_challenge: s256(VERIFIER), code_challenge_method: 'plain' },
        'invalid_request',
        "code_challenge_method must be 'S256'.",
      ],
      [{ code_challenge: s256(VERIFIER) }, 'invalid_request', "code_challenge_method must be 'S256'."],
      [{ code_challenge_method: 'S256' }, 'invalid_request', 'code_challenge_method was sent without code_challenge.'],
      [
        { code_challenge: 'short', code_challenge_method: 'S256' },
        'invalid_request',
        'code_challenge is not a valid S256 challenge.',
      ],
      [{ scope: 'boards:read  boards:write' }, 'invalid_scope', 'The scope parameter is malformed.'],
    ];
    for (const [params, error, description] of cases) {
      const response = await alice.get(authorizeUrl(params));
      expect(response.statusCode).toBe(303);
      expect(redirectParams(response.headers.location as string)).toEqual({
        error,
        error_description: description,
        state: 'st-123',
        iss: t.config.publicUrl,
      });
    }
  });

  it('signs the user in before redirecting even an error (RFC 9700 §4.11.2)', async () => {
    const stranger = new BrowserSession(t.app);
    const response = await stranger.get(authorizeUrl({ response_type: 'token' }));
    expect(response.headers.location).toMatch(/^\/signin\?return_to=/);
  });

  it('requires PKCE for a public app and binds the code to the challenge', async () => {
    const missing = await alice.get(authorizeUrl({ client_id: t.seed.publicApp.id }));
    expect(redirectParams(missing.headers.location as string)).toMatchObject({
      error: 'invalid_request',
      error_description: 'This app is public: PKCE (code_challenge with S256) is required.',
    });
    const allowed = await consent(
      authorizeUrl({ client_id: t.seed.publicApp.id, code_challenge: s256(VERIFIER), code_challenge_method: 'S256' }),
      'allow',
    );
    const code = redirectParams(allowed.headers.location as string).code!;
    const exchange = await tokenRequest(t.app, {
      grant_type: 'authorization_code',
      client_id: t.seed.publicApp.id,
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: VERIFIER,
    });
    expect(exchange.statusCode).toBe(200);
  });

  it('refuses a consent POST without the session CSRF token', async () => {
    const page = await alice.get(authorizeUrl());
    const response = await alice.post('/oauth/authorize', {
      ...consentFields(page.body),
      csrf: 'forged',
      decision: 'allow',
    });
    expect(response.statusCode).toBe(403);
    expect(response.headers.location).toBeUndefined();
  });

  it('re-validates the posted request: a tampered redirect URI is not trusted', async () => {
    const page = await alice.get(authorizeUrl());
    const response = await alice.post('/oauth/authorize', {
      ...consentFields(page.body),
      redirect_uri: 'https://evil.example/',
      decision: 'allow',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers.location).toBeUndefined();
  });

  it('refuses to install into a team the user is not a member of, or where only admins install', async () => {
    const page = await alice.get(authorizeUrl());
    const foreign = await alice.post('/oauth/authorize', {
      ...consentFields(page.body),
      team_id: t.seed.otherTeamId,
      decision: 'allow',
    });
    expect(foreign.statusCode).toBe(403);
    await t.db.database.db
      .updateTable('teams')
      .set({ installs_admin_only: 1 })
      .where('id', '=', t.seed.teamId)
      .execute();
    // An app no admin has installed in Design yet: a member there cannot be the one to install it.
    const { app: fresh } = await t.services.apps.create({
      name: 'Not yet installed',
      teamId: t.seed.teamId,
      createdBy: t.seed.alice.id,
      redirectUris: [REDIRECT_URI],
      scopes: ['boards:read'],
      expiring: true,
    });
    const bob = new BrowserSession(t.app);
    await bob.signIn(t.seed.bob.email, PASSWORD);
    const bobPage = await bob.get(authorizeUrl({ client_id: fresh.id }));
    expect(bobPage.body).toMatch(
      new RegExp(`<option value="${t.seed.teamId}" disabled>Design \\(only team admins can install apps\\)`),
    );
    const refused = await bob.post('/oauth/authorize', {
      ...consentFields(bobPage.body),
      team_id: t.seed.teamId,
      decision: 'allow',
    });
    expect(refused.statusCode).toBe(403);
    await t.db.database.db
      .updateTable('teams')
      .set({ installs_admin_only: 0 })
      .where('id', '=', t.seed.teamId)
      .execute();
  });

  it('escapes hostile app names on the consent page', async () => {
    const { app } = await t.services.apps.create({
      name: '<script>alert(1)</script>"',
      teamId: t.seed.teamId,
      createdBy: t.seed.alice.id,
      redirectUris: [REDIRECT_URI],
      scopes: ['boards:read'],
      expiring: true,
    });
    const page = await alice.get(authorizeUrl({ client_id: app.id }));
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;');
  });
});

describe.each(DIALECTS)('sign-in on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t?.close());

  it('issues a new session id at sign-in (no fixation) and ends it at sign-out', async () => {
    const browser = new BrowserSession(t.app);
    await browser.signIn(t.seed.alice.email, PASSWORD);
    const first = browser.cookie('gb_session');
    expect(first).toMatch(/^gbx_/);
    await browser.signIn(t.seed.alice.email, PASSWORD);
    const second = browser.cookie('gb_session');
    expect(second).not.toBe(first);
    const replay = await t.app.inject({ method: 'GET', url: '/', headers: { cookie: `gb_session=${first}` } });
    expect(replay.headers.location).toMatch(/^\/signin/);
  });

  it('refuses a wrong password and a sign-in without the CSRF cookie', async () => {
    const browser = new BrowserSession(t.app);
    const page = await browser.get('/signin');
    const wrong = await browser.post('/signin', {
      csrf: /name="csrf" value="([^"]+)"/.exec(page.body)![1]!,
      email: t.seed.alice.email,
      password: 'nope',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('Wrong email or password.');
    const forged = await t.app.inject({
      method: 'POST',
      url: '/signin',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ csrf: 'x'.repeat(32), email: t.seed.alice.email, password: PASSWORD }).toString(),
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.cookies.find((c) => c.name === 'gb_session')).toBeUndefined();
  });

  it('never redirects off-site after sign-in', async () => {
    const browser = new BrowserSession(t.app);
    const page = await browser.get('/signin');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
    for (const target of ['https://evil.example/', '//evil.example/', '/\\evil.example']) {
      const response = await browser.post('/signin', {
        csrf,
        email: t.seed.alice.email,
        password: PASSWORD,
        return_to: target,
      });
      expect(response.headers.location).toBe('/');
    }
  });
});
