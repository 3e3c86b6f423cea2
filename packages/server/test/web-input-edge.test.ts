import { PATHS } from '@grantboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../src/web/json-scope.js';
import { ROUTES } from '../src/web/routes.js';
import { PASSWORD, REDIRECT_URI, startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { type Browser, browser, csrfOf, sessionCsrf, signIn } from './helpers/web.js';

/**
 * The web surface's edge (docs/security.md, "Sign-in and web input"): text no page can hold (a NUL,
 * which PostgreSQL refuses, a lone surrogate, an over-long query value) is a 400 in the surface's
 * error shape wherever it arrives, and forms take only the encoding browsers send.
 */
describe.each(DIALECTS)('web input edge on %s', (dialect) => {
  let t: TestApp;
  let alice: Browser;
  let csrf: string;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    alice = await signIn(t.app, t.seed.alice.email);
    csrf = await sessionCsrf(alice);
  });
  afterAll(() => t?.close());

  const expectTextRefused = (response: { statusCode: number; headers: Record<string, unknown>; body: string }) => {
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toMatch(/has (a NUL character|more than 4096 characters)/);
  };

  it('refuses a NUL in every form field that reaches the database, with the web error page', async () => {
    const anonymous = browser(t.app);
    const signInCsrf = csrfOf((await anonymous.get('/signin')).body);
    expectTextRefused(
      await anonymous.post('/signin', { csrf: signInCsrf, email: 'alice\u0000@example.com', password: PASSWORD }),
    );
    const app = t.seed.expiringApp.id;
    const forms: [string, Record<string, string | string[]>][] = [
      [
        PATHS.authorize,
        {
          response_type: 'code',
          client_id: app,
          redirect_uri: REDIRECT_URI,
          team_id: `${t.seed.teamId}\u0000`,
          decision: 'allow',
        },
      ],
      [
        ROUTES.apps,
        { name: 'Nul', team_id: `\u0000${t.seed.teamId}`, redirect_uris: REDIRECT_URI, scopes: ['boards:read'] },
      ],
      [
        `/apps/${app}`,
        {
          name: 'Expiring',
          redirect_uris: REDIRECT_URI,
          scopes: ['boards:read'],
          sdk_uri: 'https://sdk.example/\u0000',
        },
      ],
      [`/teams/${t.seed.teamId}/settings`, { installs_admin_only: '1\u0000' }],
      [ROUTES.profileRevoke, { app_id: `${app}\u0000`, team_id: t.seed.teamId }],
      [`/teams/${t.seed.teamId}/apps/${app}/uninstall`, { 'confirm\u0000': '1' }],
      [ROUTES.signOut, { return_to: '/\u0000' }],
    ];
    for (const [url, fields] of forms) {
      const response = await alice.post(url, { csrf, ...fields });
      expectTextRefused(response);
    }
    // Nothing was changed on the way: alice is still signed in, the app unchanged.
    expect((await alice.get('/')).statusCode).toBe(200);
    expect((await t.services.apps.find(app))?.sdkUri).toBeNull();
  });

  it('refuses a NUL in a path parameter or a query value, and an over-long query value', async () => {
    for (const url of [
      '/app/board/%00/',
      '/app/board/%00',
      '/apps/%00',
      '/teams/%00/apps',
      '/teams/%00/audit',
      `/oauth/authorize?response_type=code&client_id=${t.seed.expiringApp.id}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&team_id=%00`,
      '/signin?return_to=%2F%00',
      `/oauth/authorize?response_type=code&client_id=${t.seed.expiringApp.id}&state=${'s'.repeat(5000)}`,
    ]) {
      expectTextRefused(await alice.get(url));
    }
  });

  it('answers every web route with a NUL in each parameter, query and form as a 400, never a 500', async () => {
    const routes = [...Object.values(ROUTES), PATHS.authorize, PATHS.appInstallCompleted, '/demo/callback'];
    for (const route of routes) {
      const url = `${route.replace(/:\w+/g, '%00')}?q=%00`;
      for (const method of ['GET', 'POST'] as const) {
        const response = await t.app.inject({
          method,
          url,
          headers: {
            cookie: alice.jar.header(),
            [CSRF_HEADER]: csrf,
            ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
          ...(method === 'POST' ? { payload: `csrf=${csrf}&x=%00` } : {}),
        });
        if (response.statusCode === 404) continue; // no such route for the method
        expect({ method, url, status: response.statusCode }).toEqual({ method, url, status: 400 });
      }
    }
  });

  it('refuses a NUL or a lone surrogate in a JSON body of the pages’ endpoints with the JSON error', async () => {
    for (const content of ['\\u0000', '\\ud800', 'x\\udc00']) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/app/board/1/sticky_notes',
        headers: { cookie: alice.jar.header(), [CSRF_HEADER]: csrf, 'content-type': 'application/json' },
        payload: `{"data":{"content":"${content}"}}`,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ status: 400, code: 'invalidParameters', type: 'error' });
      expect(response.json().message).toMatch(/field 'content' has (a NUL character|a broken Unicode character)/);
    }
  });

  it('refuses form posts that are not application/x-www-form-urlencoded with a 415 page', async () => {
    const body = new URLSearchParams({ csrf, name: 'Plain', team_id: t.seed.teamId, redirect_uris: REDIRECT_URI });
    const anonymous = browser(t.app);
    const signInCsrf = csrfOf((await anonymous.get('/signin')).body);
    const cases: [string, string, string, string][] = [
      [ROUTES.apps, alice.jar.header(), 'text/plain', body.toString()],
      [ROUTES.apps, alice.jar.header(), 'application/json', JSON.stringify(Object.fromEntries(body))],
      [
        ROUTES.apps,
        alice.jar.header(),
        'multipart/form-data; boundary=x',
        `--x\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n--x--`,
      ],
      [
        ROUTES.signIn,
        anonymous.jar.header(),
        'text/plain',
        new URLSearchParams({ csrf: signInCsrf, email: t.seed.alice.email, password: PASSWORD }).toString(),
      ],
      [PATHS.authorize, alice.jar.header(), 'text/plain', `csrf=${csrf}&decision=allow`],
    ];
    for (const [url, cookie, type, payload] of cases) {
      const response = await t.app.inject({ method: 'POST', url, headers: { cookie, 'content-type': type }, payload });
      expect({ url, type, status: response.statusCode }).toEqual({ url, type, status: 415 });
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.body).toContain('Grantboard’s forms are sent as application/x-www-form-urlencoded');
      expect(response.headers['set-cookie'] ?? '').not.toMatch(/gb_session=gbx_/);
    }
    expect((await t.services.apps.list(t.seed.teamId)).map((a) => a.name)).not.toContain('Plain');
  });
});
