import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../src/config/config.js';
import { REDIRECT_URI, startTestApp, type TestApp, testConfig } from './helpers/app.js';
import { consentFields } from './helpers/browser-session.js';
import { DIALECTS } from './helpers/dialects.js';
import { type Lie, startHostileProvider } from './helpers/hostile-provider.js';
import { tokenRequest } from './helpers/oauth.js';
import { startUpstreamProvider } from './helpers/upstream-provider.js';
import { type Browser, browser, csrfOf } from './helpers/web.js';

/** Grantboard's origin in these tests (the default PUBLIC_URL); its pages are reached through inject(). */
const GRANTBOARD = 'http://localhost:3000';
const CLIENT = { clientId: 'grantboard', clientSecret: 'grantboard-at-the-upstream-0123456789' };
/** Teams the mapping names before they exist: created by the test with these ids. */
const ENGINEERING = '3458764513820540001';
const OPERATIONS = '3458764513820540002';

type Upstream = Awaited<ReturnType<typeof startUpstreamProvider>>;
type Hostile = Awaited<ReturnType<typeof startHostileProvider>>;

function providersSetting(upstream: Upstream, hostile: Hostile) {
  return JSON.stringify([
    {
      id: 'corp',
      name: 'Acme SSO',
      issuer: upstream.issuer,
      ...CLIENT,
      scopes: ['openid', 'email', 'profile', 'groups'],
      linkByEmail: true,
      teams: [
        { group: 'eng', teamId: ENGINEERING, role: 'member' },
        { group: 'eng-leads', teamId: ENGINEERING, role: 'admin' },
        { group: 'ops', teamId: OPERATIONS },
      ],
    },
    { id: 'hostile', name: 'Hostile IdP', issuer: hostile.issuer, ...CLIENT },
  ]);
}

/** The sign-in page's "Continue with …" link for a provider, as the browser would follow it. */
function continueLink(page: string, name: string): string {
  const match = new RegExp(`<a class="button[^"]*" href="([^"]+)">Continue with ${name}</a>`).exec(page);
  if (!match?.[1]) throw new Error(`no 'Continue with ${name}' on the page`);
  return match[1].replaceAll('&amp;', '&');
}

describe.each(DIALECTS)('sign-in through an upstream OpenID provider on %s', (dialect) => {
  let t: TestApp;
  let upstream: Upstream;
  let hostile: Hostile;

  /** Leaves Grantboard for the provider; returns the provider's authorization URL. */
  async function leave(b: Browser, providerId: string, returnTo?: string): Promise<string> {
    const started = await b.get(
      `/signin/upstream/${providerId}${returnTo ? `?return_to=${encodeURIComponent(returnTo)}` : ''}`,
    );
    expect(started.statusCode).toBe(303);
    return started.headers.location as string;
  }

  /** A whole sign-in at `corp` as `account`: Grantboard's answer to the provider's redirect. */
  async function signInAtCorp(account: string, b = browser(t.app), returnTo?: string) {
    const callback = await upstream.loginAt(await leave(b, 'corp', returnTo), account, GRANTBOARD);
    return { b, callback, answer: await b.get(`${callback.pathname}${callback.search}`) };
  }

  async function signInAtHostile(lie: Lie, b = browser(t.app)) {
    hostile.state.lie = lie;
    const authorize = await fetch(await leave(b, 'hostile'), { redirect: 'manual' });
    const callback = new URL(authorize.headers.get('location')!);
    return { b, answer: await b.get(`${callback.pathname}${callback.search}`) };
  }

  async function identitiesOf(userId: string) {
    return t.db.database.db.selectFrom('user_identities').selectAll().where('user_id', '=', userId).execute();
  }

  async function auditTypes() {
    return (await t.repos.audit.list()).map((e) => e.type);
  }

  beforeAll(async () => {
    upstream = await startUpstreamProvider({
      ...CLIENT,
      redirectUris: [`${GRANTBOARD}/signin/upstream/corp/callback`],
    });
    hostile = await startHostileProvider(CLIENT);
    upstream.accounts.set('ada', {
      email: 'Ada@Corp.Example',
      email_verified: true,
      name: 'Ada Upstream',
      groups: ['eng', 'ops'],
    });
    upstream.accounts.set('alice-at-corp', { email: 'alice@example.com', email_verified: true, name: 'Alice' });
    upstream.accounts.set('bob-unverified', { email: 'bob@example.com', email_verified: false, name: 'Not Bob' });
    t = await startTestApp(dialect, { GRANTBOARD_OIDC_PROVIDERS: providersSetting(upstream, hostile) });
    for (const [id, name] of [
      [ENGINEERING, 'Engineering'],
      [OPERATIONS, 'Operations'],
    ] as const) {
      await t.repos.teams.create({ id, organization_id: t.seed.orgId, name, installs_admin_only: 0, created_at: 0 });
    }
  });
  afterAll(async () => {
    await t?.close();
    await upstream?.close();
    await hostile?.close();
  });

  it('offers each provider on the sign-in page, beside the password form', async () => {
    const page = await browser(t.app).get('/signin?return_to=%2Fapps');
    expect(page.statusCode).toBe(200);
    expect(continueLink(page.body, 'Acme SSO')).toBe('/signin/upstream/corp?return_to=%2Fapps');
    expect(continueLink(page.body, 'Hostile IdP')).toBe('/signin/upstream/hostile?return_to=%2Fapps');
    expect(page.body).toContain('name="password"');
  });

  it('sends the browser to the provider with PKCE (S256), state and nonce, and a flow cookie', async () => {
    const b = browser(t.app);
    const location = new URL(await leave(b, 'corp'));
    expect(`${location.origin}${location.pathname}`).toBe(`${upstream.issuer}/auth`);
    const params = location.searchParams;
    expect(params.get('client_id')).toBe(CLIENT.clientId);
    expect(params.get('redirect_uri')).toBe(`${GRANTBOARD}/signin/upstream/corp/callback`);
    expect(params.get('response_type')).toBe('code');
    expect(params.get('scope')).toBe('openid email profile groups');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The secrets live sealed in the cookie: none of them appears in it.
    const flow = b.jar.cookies.get('gb_upstream_flow');
    expect(flow).toMatch(/^v1\./);
    expect(flow).not.toContain(params.get('state'));
  });

  it('creates the user on a first sign-in, without a password, with teams from the groups claim', async () => {
    const { b, answer } = await signInAtCorp('ada');
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe('/');
    expect(b.jar.cookies.has('gb_session')).toBe(true);
    expect(b.jar.cookies.has('gb_upstream_flow')).toBe(false);
    const user = await t.repos.users.findByEmail('ada@corp.example');
    expect(user).toMatchObject({ name: 'Ada Upstream', password_hash: null });
    expect(await identitiesOf(user!.id)).toEqual([
      expect.objectContaining({ issuer: upstream.issuer, subject: 'ada', provider_id: 'corp' }),
    ]);
    expect(await t.repos.teams.role(ENGINEERING, user!.id)).toBe('member');
    expect(await t.repos.teams.role(OPERATIONS, user!.id)).toBe('member');
    expect(await t.repos.teams.role(t.seed.teamId, user!.id)).toBeUndefined();
    // Signed in: the home page lists the teams the groups gave.
    const home = await b.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Engineering');
    expect(await auditTypes()).toEqual(
      expect.arrayContaining(['upstream_account_linked', 'upstream_sign_in', 'team_membership_from_upstream']),
    );
    // No password opens the account.
    const form = await browser(t.app).get('/signin');
    const b2 = browser(t.app);
    const tried = await b2.post('/signin', {
      csrf: csrfOf((await b2.get('/signin')).body),
      return_to: '/',
      email: 'ada@corp.example',
      password: '',
    });
    expect(form.statusCode).toBe(200);
    expect(tried.statusCode).toBe(401);
  });

  it('signs the same upstream account in as the same user again, updating roles from the groups', async () => {
    const before = await t.repos.users.findByEmail('ada@corp.example');
    upstream.accounts.set('ada', { ...upstream.accounts.get('ada'), groups: ['eng', 'eng-leads'] });
    const { b, answer } = await signInAtCorp('ada');
    expect(answer.statusCode).toBe(303);
    const users = (await t.repos.users.list()).filter((u) => u.email === 'ada@corp.example');
    expect(users.map((u) => u.id)).toEqual([before!.id]);
    expect(await identitiesOf(before!.id)).toHaveLength(1);
    // eng-leads maps to admin; no longer in ops, the membership stays for the team admins to decide.
    expect(await t.repos.teams.role(ENGINEERING, before!.id)).toBe('admin');
    expect(await t.repos.teams.role(OPERATIONS, before!.id)).toBe('member');
    // Now an admin of Engineering, Ada reads in its audit log where the roles came from.
    const log = await b.get(`/teams/${ENGINEERING}/audit`);
    expect(log.statusCode).toBe(200);
    expect(log.body).toContain('Membership from provider groups');
    expect(log.body).toContain('is an admin through group eng-leads of Acme SSO.');
    const rows = await t.repos.audit.list({ teamId: ENGINEERING, type: 'team_membership_from_upstream' });
    expect(rows.map((r) => JSON.parse(r.detail).role).sort()).toEqual(['admin', 'member']);
  });

  it('creates one user when two first sign-ins of the same account arrive at once', async () => {
    upstream.accounts.set('grace', { email: 'grace@corp.example', email_verified: true, name: 'Grace' });
    const browsers = [browser(t.app), browser(t.app), browser(t.app)];
    const callbacks: URL[] = [];
    for (const b of browsers) callbacks.push(await upstream.loginAt(await leave(b, 'corp'), 'grace', GRANTBOARD));
    const answers = await Promise.all(
      browsers.map((b, i) => b.get(`${callbacks[i]!.pathname}${callbacks[i]!.search}`)),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([303, 303, 303]);
    const graces = (await t.repos.users.list()).filter((u) => u.email === 'grace@corp.example');
    expect(graces).toHaveLength(1);
    expect(await identitiesOf(graces[0]!.id)).toHaveLength(1);
    for (const b of browsers) expect((await b.get('/')).body).toContain('Grace');
  });

  it('links a first sign-in to an existing account when the provider says the email is verified', async () => {
    const { answer } = await signInAtCorp('alice-at-corp');
    expect(answer.statusCode).toBe(303);
    expect(await identitiesOf(t.seed.alice.id)).toEqual([
      expect.objectContaining({ issuer: upstream.issuer, subject: 'alice-at-corp' }),
    ]);
    const linked = await t.repos.audit.list({ type: 'upstream_account_linked' });
    expect(linked.filter((e) => e.user_id === t.seed.alice.id).map((e) => JSON.parse(e.detail).via)).toEqual([
      'verified_email',
    ]);
    // Alice keeps her password.
    expect((await t.repos.users.findById(t.seed.alice.id))?.password_hash).toMatch(/^scrypt\$/);
  });

  it('does not link by an unverified email, and signs nobody in', async () => {
    const { b, answer } = await signInAtCorp('bob-unverified');
    expect(answer.statusCode).toBe(401);
    expect(answer.body).toContain('An account with the email bob@example.com already exists');
    expect(b.jar.cookies.has('gb_session')).toBe(false);
    expect(await identitiesOf(t.seed.bob.id)).toEqual([]);
    const refused = await t.repos.audit.list({ type: 'upstream_sign_in_refused' });
    expect(refused.map((e) => JSON.parse(e.detail).reason)).toContain('email_in_use');
  });

  it('does not link by a verified email when the provider is not allowed to', async () => {
    hostile.state.account = { sub: 'eve-claims-bob', email: 'bob@example.com', email_verified: true, name: 'Eve' };
    const { b, answer } = await signInAtHostile('honest');
    expect(answer.statusCode).toBe(401);
    expect(b.jar.cookies.has('gb_session')).toBe(false);
    expect(await identitiesOf(t.seed.bob.id)).toEqual([]);
  });

  it('accepts an honest id token from the second provider (the hostile one telling the truth)', async () => {
    hostile.state.account = { sub: 'hostile-honest', email: 'honest@hostile.example', email_verified: true };
    const { answer } = await signInAtHostile('honest');
    expect(answer.statusCode).toBe(303);
    const user = await t.repos.users.findByEmail('honest@hostile.example');
    expect(user?.name).toBe('honest');
    // Nonce and PKCE went out; the provider checked the verifier against the challenge.
    expect(hostile.state.lastAuthorization?.get('nonce')).toBeTruthy();
  });

  it('never stores claims no column can hold: a NUL in the name falls back, one in sub is refused (no 500)', async () => {
    hostile.state.account = { sub: 'odd-name', email: 'odd@hostile.example', email_verified: true, name: 'Od\u0000d' };
    const named = await signInAtHostile('honest');
    expect(named.answer.statusCode).toBe(303);
    expect((await t.repos.users.findByEmail('odd@hostile.example'))?.name).toBe('odd');
    hostile.state.account = { sub: 'odd\u0000sub', email: 'odd-sub@hostile.example', email_verified: true };
    const refused = await signInAtHostile('honest');
    expect(refused.answer.statusCode).toBe(401);
    expect(await t.repos.users.findByEmail('odd-sub@hostile.example')).toBeUndefined();
  });

  it.each<[Lie, string]>([
    ['wrong-nonce', 'an id token for another authorization request'],
    ['wrong-iss', 'an id token from another issuer'],
    ['wrong-aud', 'an id token for another client'],
    ['expired', 'an expired id token'],
    ['foreign-key', 'an id token signed with a key not in the JWKS'],
    ['tampered-payload', 'an id token changed after signing'],
    ['alg-none', 'an unsigned id token'],
  ])('refuses %s (%s), and creates no one', async (lie) => {
    const sub = `victim-${lie}`;
    hostile.state.account = { sub, email: `${sub}@hostile.example`, email_verified: true };
    const { b, answer } = await signInAtHostile(lie);
    expect(answer.statusCode).toBe(401);
    expect(answer.body).toContain('failed a security check');
    expect(b.jar.cookies.has('gb_session')).toBe(false);
    expect(await t.repos.users.findByEmail(`${sub}@hostile.example`)).toBeUndefined();
    expect(await t.repos.users.findByEmail('someone-else-entirely@hostile.example')).toBeUndefined();
  });

  it('refuses a callback whose state is not the one the browser sent', async () => {
    const b = browser(t.app);
    const callback = await upstream.loginAt(await leave(b, 'corp'), 'ada', GRANTBOARD);
    callback.searchParams.set('state', 'attacker-chosen-state-value-0123456789abcdef');
    const answer = await b.get(`${callback.pathname}${callback.search}`);
    expect(answer.statusCode).toBe(401);
    expect(b.jar.cookies.has('gb_session')).toBe(false);
  });

  it('refuses a callback with a wrong RFC 9207 iss (a mix-up)', async () => {
    const b = browser(t.app);
    const callback = await upstream.loginAt(await leave(b, 'corp'), 'ada', GRANTBOARD);
    expect(callback.searchParams.get('iss')).toBe(upstream.issuer);
    callback.searchParams.set('iss', hostile.issuer);
    const answer = await b.get(`${callback.pathname}${callback.search}`);
    expect(answer.statusCode).toBe(401);
    expect(b.jar.cookies.has('gb_session')).toBe(false);
  });

  it('refuses a callback in a browser that did not start the sign-in (login CSRF), and a replayed one', async () => {
    const victim = browser(t.app);
    const attacker = browser(t.app);
    const callback = await upstream.loginAt(await leave(attacker, 'corp'), 'ada', GRANTBOARD);
    const planted = await victim.get(`${callback.pathname}${callback.search}`);
    expect(planted.statusCode).toBe(400);
    expect(planted.body).toContain('expired or was started in another browser');
    expect(victim.jar.cookies.has('gb_session')).toBe(false);
    // The attacker's own browser: the code works once; the flow cookie is gone after.
    expect((await attacker.get(`${callback.pathname}${callback.search}`)).statusCode).toBe(303);
    expect((await browser(t.app, attacker.jar).get(`${callback.pathname}${callback.search}`)).statusCode).toBe(400);
  });

  it('answers an unknown provider with a 404 page, and the provider’s refusal with the sign-in page', async () => {
    expect((await browser(t.app).get('/signin/upstream/nobody')).statusCode).toBe(404);
    expect((await browser(t.app).get('/signin/upstream/nobody/callback?code=x&state=y')).statusCode).toBe(404);
    const b = browser(t.app);
    const location = new URL(await leave(b, 'corp', '/apps'));
    const denied = await b.get(
      `/signin/upstream/corp/callback?error=access_denied&state=${location.searchParams.get('state')}&iss=${encodeURIComponent(upstream.issuer)}`,
    );
    expect(denied.statusCode).toBe(401);
    expect(denied.body).toContain('cancelled at the provider');
    // The sign-in page shown instead keeps the way back.
    expect(continueLink(denied.body, 'Acme SSO')).toBe('/signin/upstream/corp?return_to=%2Fapps');
  });

  it('returns to the consent page it was asked for; the federated user authorizes an app and gets tokens', async () => {
    const app = t.seed.expiringApp;
    const b = browser(t.app);
    const authorize = `/oauth/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: app.id,
      redirect_uri: REDIRECT_URI,
      state: 'app-state-1',
      team_id: ENGINEERING,
    })}`;
    const toSignIn = await b.get(authorize);
    expect(toSignIn.statusCode).toBe(303);
    const signInPage = await b.get(toSignIn.headers.location as string);
    const start = continueLink(signInPage.body, 'Acme SSO');
    const started = await b.get(start);
    const callback = await upstream.loginAt(started.headers.location as string, 'ada', GRANTBOARD);
    const back = await b.get(`${callback.pathname}${callback.search}`);
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toBe(authorize);
    const consent = await b.get(authorize);
    expect(consent.statusCode).toBe(200);
    expect(consent.body).toContain('name="decision" value="allow"');
    const decided = await b.post('/oauth/authorize', { ...consentFields(consent.body), decision: 'allow' });
    expect(decided.statusCode).toBe(303);
    const redirect = new URL(decided.headers.location as string);
    expect(redirect.searchParams.get('state')).toBe('app-state-1');
    const tokens = await tokenRequest(t.app, {
      grant_type: 'authorization_code',
      client_id: app.id,
      client_secret: t.seed.expiringSecret,
      code: redirect.searchParams.get('code')!,
      redirect_uri: REDIRECT_URI,
    });
    expect(tokens.statusCode).toBe(200);
    const ada = await t.repos.users.findByEmail('ada@corp.example');
    expect(tokens.json()).toMatchObject({ user_id: ada!.id, team_id: ENGINEERING });
  });
});

describe.each(DIALECTS)('local passwords switched off on %s', (dialect) => {
  let t: TestApp;
  let hostile: Hostile;
  beforeAll(async () => {
    hostile = await startHostileProvider(CLIENT);
    t = await startTestApp(dialect, {
      GRANTBOARD_LOCAL_PASSWORDS: 'off',
      GRANTBOARD_OIDC_PROVIDERS: JSON.stringify([{ id: 'corp', name: 'Acme SSO', issuer: hostile.issuer, ...CLIENT }]),
    });
  });
  afterAll(async () => {
    await t?.close();
    await hostile?.close();
  });

  it('offers only the providers, and refuses a password sign-in even with the right password', async () => {
    const b = browser(t.app);
    const page = await b.get('/signin');
    expect(page.body).toContain('Continue with Acme SSO');
    expect(page.body).not.toContain('name="password"');
    const tried = await b.post('/signin', {
      csrf: b.jar.cookies.get('gb_csrf')!,
      return_to: '/',
      email: t.seed.alice.email,
      password: 'correct horse battery',
    });
    expect(tried.statusCode).toBe(403);
    expect(tried.body).toContain('switched off');
    expect(b.jar.cookies.has('gb_session')).toBe(false);
  });

  async function signInThroughProvider(sub: string) {
    hostile.state.account = { sub, email: `${sub}@hostile.example`, email_verified: true, name: sub };
    const b = browser(t.app);
    const started = await b.get('/signin/upstream/corp');
    const authorize = await fetch(started.headers.location as string, { redirect: 'manual' });
    const callback = new URL(authorize.headers.get('location')!);
    const answer = await b.get(`${callback.pathname}${callback.search}`);
    return { status: answer.statusCode, signedIn: b.jar.cookies.has('gb_session') };
  }

  it('still signs in through the provider', async () => {
    expect(await signInThroughProvider('only-way-in')).toEqual({ status: 303, signedIn: true });
  });

  it('follows the provider’s key rotation: an announced key, and an unannounced one once the cached keys are a minute old', async () => {
    // Only Date is faked, so the cache ages without waiting; the provider's tokens use the same clock.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      let now = Date.now();
      const later = (seconds: number) => {
        now += seconds * 1000;
        vi.setSystemTime(now);
      };
      // The JWKS was read at the first sign-in. The provider announces its next key well ahead;
      // the relying party reads the key set again once its copy is five minutes old.
      await hostile.announceKey();
      later(301);
      const beforeAnnounced = hostile.state.jwksFetches;
      expect(await signInThroughProvider('before-rotation')).toEqual({ status: 303, signedIn: true });
      expect(hostile.state.jwksFetches).toBe(beforeAnnounced + 1);
      // The provider signs with the announced key: accepted at once, with no new fetch.
      hostile.retireKey();
      expect(await signInThroughProvider('after-announced-rotation')).toEqual({ status: 303, signedIn: true });
      expect(hostile.state.jwksFetches).toBe(beforeAnnounced + 1);
      // An unannounced key: refused while the cached JWKS is fresh (a token with an unknown kid
      // does not make the relying party hammer the provider), accepted once the copy is a minute old.
      await hostile.rotateKeys();
      expect(await signInThroughProvider('too-soon')).toEqual({ status: 401, signedIn: false });
      later(61);
      expect(await signInThroughProvider('unannounced-rotation')).toEqual({ status: 303, signedIn: true });
      expect(hostile.state.jwksFetches).toBe(beforeAnnounced + 2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('upstream provider settings', () => {
  const provider = { id: 'corp', issuer: 'https://idp.example', clientId: 'gb' };
  const load = (providers: unknown, extra: Record<string, string> = {}) =>
    testConfig({ GRANTBOARD_OIDC_PROVIDERS: JSON.stringify(providers), ...extra });

  it('reads a provider with its defaults', () => {
    expect(load([provider]).upstreamProviders).toEqual([
      {
        id: 'corp',
        name: 'corp',
        issuer: 'https://idp.example',
        clientId: 'gb',
        clientSecret: undefined,
        scopes: ['openid', 'email', 'profile'],
        claims: { name: 'name', email: 'email', groups: 'groups' },
        teams: [],
        linkByEmail: false,
        insecureIssuer: false,
      },
    ]);
    expect(testConfig().upstreamProviders).toEqual([]);
    expect(testConfig().localPasswords).toBe(true);
  });

  it.each<[string, unknown, string]>([
    ['not JSON', undefined, 'GRANTBOARD_OIDC_PROVIDERS must be JSON'],
    ['not an array', { id: 'x' }, 'must be a JSON array'],
    [
      'an unknown setting',
      [{ ...provider, linkByMail: true }],
      "GRANTBOARD_OIDC_PROVIDERS[0] has no setting 'linkByMail'",
    ],
    ['no client id', [{ id: 'corp', issuer: 'https://idp.example' }], "'clientId' must be a non-empty string"],
    ['a bad id', [{ ...provider, id: 'Corp/1' }], "'id' must be 1 to 32 lowercase letters"],
    ['an id twice', [provider, provider], "'id' 'corp' is used twice"],
    ['an http issuer elsewhere', [{ ...provider, issuer: 'http://idp.example' }], "'issuer' must be an https URL"],
    [
      'a bad role',
      [{ ...provider, teams: [{ group: 'g', teamId: '1', role: 'owner' }] }],
      "'role' must be 'member' or 'admin'",
    ],
    ['a bad claim setting', [{ ...provider, claims: { mail: 'email' } }], "'claims' has no setting 'mail'"],
    ['linkByEmail not a boolean', [{ ...provider, linkByEmail: 'yes' }], "'linkByEmail' must be true or false"],
  ])('refuses %s with a sentence naming the setting', (_, providers, message) => {
    const raw = providers === undefined ? '[{' : JSON.stringify(providers);
    expect(() => testConfig({ GRANTBOARD_OIDC_PROVIDERS: raw })).toThrow(ConfigError);
    expect(() => testConfig({ GRANTBOARD_OIDC_PROVIDERS: raw })).toThrow(message);
  });

  it('allows an http issuer on this machine outside production only', () => {
    expect(load([{ ...provider, issuer: 'http://127.0.0.1:4000' }]).upstreamProviders[0]?.insecureIssuer).toBe(true);
    expect(() =>
      load([{ ...provider, issuer: 'http://127.0.0.1:4000' }], {
        NODE_ENV: 'production',
        PUBLIC_URL: 'https://gb.example',
      }),
    ).toThrow("'issuer' must be an https URL");
  });

  it('reads the providers from the config file as a JSON value', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gb-config-')), 'config.json');
    writeFileSync(file, JSON.stringify({ GRANTBOARD_OIDC_PROVIDERS: [provider], GRANTBOARD_LOCAL_PASSWORDS: 'off' }));
    const config = testConfig({ GRANTBOARD_CONFIG: file });
    expect(config.upstreamProviders.map((p) => p.issuer)).toEqual(['https://idp.example']);
    expect(config.localPasswords).toBe(false);
  });

  it('refuses switching passwords off with no provider to sign in with', () => {
    expect(() => testConfig({ GRANTBOARD_LOCAL_PASSWORDS: 'off' })).toThrow('nobody could sign in');
    expect(() => testConfig({ GRANTBOARD_LOCAL_PASSWORDS: 'no' })).toThrow("must be one of on, off, not 'no'");
    expect(load([provider], { GRANTBOARD_LOCAL_PASSWORDS: 'off' }).localPasswords).toBe(false);
  });
});
