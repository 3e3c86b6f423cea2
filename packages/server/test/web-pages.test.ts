import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { openDatabase } from '../src/storage/database.js';
import { PASSWORD, REDIRECT_URI, startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { type Browser, browser, csrfOf, sessionCsrf, signIn } from './helpers/web.js';

const HOSTILE_NAME = '<script>alert("name")</script>';
const HOSTILE_URI = 'https://evil.example/cb?x="><script>alert(1)</script>';

function authorizeUrl(params: Record<string, string>): string {
  return `/oauth/authorize?${new URLSearchParams({ response_type: 'code', ...params })}`;
}

describe.each(DIALECTS)('web pages on %s', (dialect) => {
  let t: TestApp;
  let alice: Browser;
  beforeAll(async () => {
    // A low per-address limit keeps the throttling tests short (each attempt costs a password hash).
    t = await startTestApp(dialect, { SIGNIN_MAX_FAILURES_PER_ADDRESS: '10' });
    alice = await signIn(t.app, t.seed.alice.email);
  });
  afterAll(() => t?.close());

  const consentFor = (b: Browser, extra: Record<string, string> = {}) =>
    b.get(authorizeUrl({ client_id: t.seed.expiringApp.id, redirect_uri: REDIRECT_URI, state: 's1', ...extra }));

  describe('security headers', () => {
    it('forbid framing, caching and referrers and allow no script on every page', async () => {
      const pages = [
        await browser(t.app).get('/signin'),
        await consentFor(alice),
        await alice.get('/apps'),
        await alice.get(`/apps/${t.seed.expiringApp.id}`),
        await alice.get(`/teams/${t.seed.teamId}/apps`),
        await alice.get(`/teams/${t.seed.teamId}/audit`),
        await alice.get('/profile/apps'),
        await alice.get(authorizeUrl({ client_id: '1', redirect_uri: REDIRECT_URI })),
      ];
      for (const response of pages) {
        expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(response.headers['cache-control']).toBe('no-store');
        expect(response.headers['x-frame-options']).toBe('DENY');
        expect(response.headers['referrer-policy']).toBe('no-referrer');
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        const csp = String(response.headers['content-security-policy']);
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("default-src 'none'");
        expect(csp).not.toContain('script-src');
        expect(response.body).not.toMatch(/<script|\son\w+=/i);
      }
    });

    it('lets the consent form lead only to this server and the redirect URI origin', async () => {
      const csp = String((await consentFor(alice)).headers['content-security-policy']);
      expect(csp).toContain("form-action 'self' https://app.example;");
    });
  });

  describe('CSRF', () => {
    it('refuses a sign-in without the double-submit token', async () => {
      const b = browser(t.app);
      await b.get('/signin');
      const response = await b.post('/signin', { csrf: 'x'.repeat(32), email: t.seed.alice.email, password: PASSWORD });
      expect(response.statusCode).toBe(403);
      expect(String(response.headers['set-cookie'] ?? '')).not.toMatch(/gb_session=gbx_/);
    });

    it('refuses a consent decision with a wrong token and does not redirect', async () => {
      const response = await alice.post('/oauth/authorize', {
        csrf: 'forged',
        response_type: 'code',
        client_id: t.seed.expiringApp.id,
        redirect_uri: REDIRECT_URI,
        team_id: t.seed.teamId,
        decision: 'allow',
      });
      expect(response.statusCode).toBe(403);
      expect(response.headers.location).toBeUndefined();
    });

    it('refuses console, team and profile forms without the session token', async () => {
      const before = (await t.repos.apps.list()).length;
      const forged = { csrf: 'forged' };
      const responses = [
        await alice.post('/apps', {
          ...forged,
          name: 'Forged',
          team_id: t.seed.teamId,
          redirect_uris: REDIRECT_URI,
          scopes: 'boards:read',
        }),
        await alice.post(`/apps/${t.seed.expiringApp.id}/secret`, forged),
        await alice.post(`/apps/${t.seed.expiringApp.id}/secret/rotate`, {}),
        await alice.post(`/apps/${t.seed.expiringApp.id}/delete`, forged),
        await alice.post(`/teams/${t.seed.teamId}/settings`, { ...forged, installs_admin_only: '1' }),
        await alice.post('/profile/apps/revoke', { ...forged, app_id: t.seed.expiringApp.id, team_id: t.seed.teamId }),
      ];
      for (const response of responses) {
        expect(response.statusCode).toBe(403);
        expect(response.body).toContain('This form has expired');
      }
      expect((await t.repos.apps.list()).length).toBe(before);
      expect(await t.repos.apps.findById(t.seed.expiringApp.id)).toBeDefined();
      expect((await t.repos.teams.findById(t.seed.teamId))?.installs_admin_only).toBe(0);
    });

    it('refuses an uninstall without the session token and leaves the app installed', async () => {
      await t.services.installs.install(t.seed.nonExpiringApp, t.seed.teamId, t.seed.alice.id, ['boards:read']);
      const response = await alice.post(`/teams/${t.seed.teamId}/apps/${t.seed.nonExpiringApp.id}/uninstall`, {});
      expect(response.statusCode).toBe(403);
      expect(await t.repos.installations.find(t.seed.nonExpiringApp.id, t.seed.teamId)).toBeDefined();
    });

    it('keeps the session when sign-out is posted without the token', async () => {
      const b = await signIn(t.app, t.seed.alice.email);
      await b.post('/signout', { csrf: 'forged' });
      expect((await b.get('/')).statusCode).toBe(200);
      await b.post('/signout', { csrf: await sessionCsrf(b) });
      expect((await b.get('/')).statusCode).toBe(303);
    });
  });

  describe('escaping', () => {
    it('escapes a hostile app name and redirect URI on every page that shows them', async () => {
      const { app, clientSecret } = await t.services.apps.create({
        name: HOSTILE_NAME,
        teamId: t.seed.teamId,
        createdBy: t.seed.alice.id,
        redirectUris: [HOSTILE_URI],
        scopes: ['boards:read'],
        expiring: true,
      });
      expect(clientSecret).toBeDefined();
      await t.services.installs.install(app, t.seed.teamId, t.seed.alice.id, ['boards:read']);
      await t.services.tokens.issue(app, { userId: t.seed.alice.id, teamId: t.seed.teamId, scopes: ['boards:read'] });
      const pages = [
        await alice.get(authorizeUrl({ client_id: app.id, redirect_uri: HOSTILE_URI, state: '"><script>x</script>' })),
        await alice.get('/apps'),
        await alice.get(`/apps/${app.id}`),
        await alice.get(`/apps/${app.id}/delete`),
        await alice.get(`/teams/${t.seed.teamId}/apps`),
        await alice.get(`/teams/${t.seed.teamId}/apps/${app.id}/uninstall`),
        await alice.get(`/teams/${t.seed.teamId}/audit`),
        await alice.get('/profile/apps'),
      ];
      for (const response of pages) {
        expect(response.statusCode).toBe(200);
        expect(response.body).not.toContain('<script');
        expect(response.body).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
      }
      const consent = pages[0]!.body;
      expect(consent).toContain('value="https://evil.example/cb?x=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
      expect(consent).toContain('name="state" value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
      expect(pages[2]!.body).toContain(
        'https://evil.example/cb?x=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>',
      );
      await t.services.apps.remove(app.id, null);
    });
  });

  describe('sessions', () => {
    it('issues a new session id on sign-in and ends a planted one (session fixation)', async () => {
      const attacker = await signIn(t.app, t.seed.bob.email);
      const planted = attacker.jar.cookies.get('gb_session')!;
      const victim = browser(t.app);
      victim.jar.cookies.set('gb_session', planted);
      const form = await victim.get('/signin');
      const response = await victim.post('/signin', {
        csrf: csrfOf(form.body),
        return_to: '/',
        email: t.seed.alice.email,
        password: PASSWORD,
      });
      expect(response.statusCode).toBe(303);
      const issued = victim.jar.cookies.get('gb_session')!;
      expect(issued).toMatch(/^gbx_/);
      expect(issued).not.toBe(planted);
      expect((await victim.get('/')).body).toContain('Hello, Alice');
      // The planted id is no session at all now: its holder is signed out.
      expect((await attacker.get('/')).statusCode).toBe(303);
    });

    it('sets the session cookie HttpOnly and SameSite=Lax, without Secure over http', async () => {
      const b = browser(t.app);
      const form = await b.get('/signin');
      const response = await b.post('/signin', {
        csrf: csrfOf(form.body),
        email: t.seed.alice.email,
        password: PASSWORD,
      });
      const cookie = String(response.headers['set-cookie']);
      expect(cookie).toMatch(/^gb_session=gbx_[\w-]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/);
    });

    it('uses __Host- cookies with Secure when the public URL is https', async () => {
      const secure = await startTestApp(dialect, { PUBLIC_URL: 'https://grantboard.example' });
      try {
        const response = await secure.app.inject({ method: 'GET', url: '/signin' });
        expect(String(response.headers['set-cookie'])).toMatch(
          /^__Host-gb_csrf=[\w-]{32}; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
        );
      } finally {
        await secure.close();
      }
    });

    it('survives a restart: another server on the same database knows the session', async () => {
      const database = openDatabase(t.db.url);
      const second = await buildApp(t.config, { database, clock: t.clock });
      try {
        const response = await second.inject({ method: 'GET', url: '/', headers: { cookie: alice.jar.header() } });
        expect(response.statusCode).toBe(200);
        expect(response.body).toContain('Hello, Alice');
      } finally {
        await second.close();
        await database.close();
      }
    });

    it('returns only to a same-site path after sign-in (no open redirect)', async () => {
      for (const returnTo of ['https://evil.example/', '//evil.example/', '/\\evil.example']) {
        const b = browser(t.app);
        const form = await b.get(`/signin?return_to=${encodeURIComponent(returnTo)}`);
        const response = await b.post('/signin', {
          csrf: csrfOf(form.body),
          return_to: returnTo,
          email: t.seed.alice.email,
          password: PASSWORD,
        });
        expect(response.headers.location).toBe('/');
      }
    });
  });

  describe('sign-in throttling', () => {
    const attempt = (b: Browser, csrf: string, email: string, password: string, remoteAddress = '10.0.0.1') =>
      b.post('/signin', { csrf, email, password }, { remoteAddress });

    it('locks an account after five failures, even for the right password, until the window passes', async () => {
      const b = browser(t.app);
      const csrf = csrfOf((await b.get('/signin')).body);
      for (let i = 0; i < 5; i++) {
        expect((await attempt(b, csrf, 'bob@example.com', 'wrong', `10.1.0.${i}`)).statusCode).toBe(401);
      }
      const locked = await attempt(b, csrf, 'BOB@example.com', PASSWORD, '10.1.0.9');
      expect(locked.statusCode).toBe(429);
      expect(locked.headers['retry-after']).toBe('900');
      expect(locked.body).toContain(
        'Too many failed sign-in attempts for this account. For its safety, sign-in is paused: try again in 15 minutes.',
      );
      // Other accounts are not affected.
      expect((await attempt(b, csrf, t.seed.alice.email, PASSWORD, '10.1.0.9')).statusCode).toBe(303);
      t.clock.advance(15 * 60 * 1000);
      expect((await attempt(b, csrf, t.seed.bob.email, PASSWORD, '10.1.0.9')).statusCode).toBe(303);
    });

    it('refuses an address after ten failures across accounts; other addresses go on', async () => {
      const b = browser(t.app);
      const csrf = csrfOf((await b.get('/signin')).body);
      for (let i = 0; i < 10; i++) {
        expect((await attempt(b, csrf, `nobody${i}@example.com`, 'wrong', '10.2.0.1')).statusCode).toBe(401);
      }
      const refused = await attempt(b, csrf, t.seed.alice.email, PASSWORD, '10.2.0.1');
      expect(refused.statusCode).toBe(429);
      expect(refused.body).toContain(
        'Too many failed sign-in attempts from your network address. Try again in 15 minutes.',
      );
      expect((await attempt(b, csrf, t.seed.alice.email, PASSWORD, '10.2.0.2')).statusCode).toBe(303);
      t.clock.advance(15 * 60 * 1000);
    });

    it('forgets an account’s failures after a successful sign-in', async () => {
      const b = browser(t.app);
      const csrf = csrfOf((await b.get('/signin')).body);
      for (let i = 0; i < 4; i++) await attempt(b, csrf, t.seed.alice.email, 'wrong', '10.3.0.1');
      expect((await attempt(b, csrf, t.seed.alice.email, PASSWORD, '10.3.0.1')).statusCode).toBe(303);
      for (let i = 0; i < 4; i++) await attempt(b, csrf, t.seed.alice.email, 'wrong', '10.3.0.1');
      expect((await attempt(b, csrf, t.seed.alice.email, PASSWORD, '10.3.0.1')).statusCode).toBe(303);
    });

    it('counts failures in the database, so another server process sees them', async () => {
      const b = browser(t.app);
      const csrf = csrfOf((await b.get('/signin')).body);
      for (let i = 0; i < 5; i++) await attempt(b, csrf, 'carol@example.com', 'wrong', '10.4.0.1');
      const database = openDatabase(t.db.url);
      const second = await buildApp(t.config, { database, clock: t.clock });
      try {
        const other = browser(second);
        const otherCsrf = csrfOf((await other.get('/signin')).body);
        expect((await attempt(other, otherCsrf, 'carol@example.com', 'wrong', '10.4.0.2')).statusCode).toBe(429);
      } finally {
        await second.close();
        await database.close();
      }
    });
  });
});
