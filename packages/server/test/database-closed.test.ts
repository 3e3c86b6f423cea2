import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../src/web/json-scope.js';
import { PASSWORD, startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { type Browser, browser, csrfOf, sessionCsrf, signIn } from './helpers/web.js';

/**
 * A database handle that is closed (during a shutdown, or closed under the server) cannot answer,
 * like a database that is down: every surface says 503 with `Retry-After`, in its own shape, never a
 * 500 (docs/errors.md).
 */
describe.each(DIALECTS)('a closed database on %s', (dialect) => {
  let t: TestApp;
  let alice: Browser;
  let csrf: string;
  let accessToken: string;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    alice = await signIn(t.app, t.seed.alice.email);
    csrf = await sessionCsrf(alice);
    const grant = { userId: t.seed.alice.id, teamId: t.seed.teamId, scopes: ['boards:read'] };
    accessToken = (await t.services.tokens.issue(t.seed.expiringApp, grant)).access_token;
    await t.db.database.close();
  });
  afterAll(() => t?.close());

  it('answers 503 with Retry-After on the OAuth, REST API, web page and JSON surfaces', async () => {
    const token = await t.app.inject({
      method: 'POST',
      url: '/v1/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'gbc_anything',
        client_id: t.seed.expiringApp.id,
        client_secret: t.seed.expiringSecret,
        redirect_uri: 'https://app.example/callback',
      }).toString(),
    });
    const api = await t.app.inject({ url: '/v2/boards', headers: { authorization: `Bearer ${accessToken}` } });
    const context = await t.app.inject({ url: '/v1/oauth-token', headers: { authorization: `Bearer ${accessToken}` } });
    const page = await alice.get('/');
    const anonymous = browser(t.app);
    const signInPage = await anonymous.get('/signin');
    const signInPost = await anonymous.post('/signin', {
      csrf: csrfOf(signInPage.body),
      email: t.seed.bob.email,
      password: PASSWORD,
    });
    const json = await t.app.inject({
      url: '/app/board/1/items',
      headers: { cookie: alice.jar.header(), [CSRF_HEADER]: csrf },
    });
    const ready = await t.app.inject({ url: '/readyz' });

    const answers = { token, api, context, page, signInPost, json, ready };
    const statuses = Object.fromEntries(Object.entries(answers).map(([name, r]) => [name, r.statusCode]));
    expect(statuses).toEqual({ token: 503, api: 503, context: 503, page: 503, signInPost: 503, json: 503, ready: 503 });
    const waits = Object.fromEntries(Object.entries(answers).map(([name, r]) => [name, r.headers['retry-after']]));
    expect(waits).toEqual({
      token: '1',
      api: '1',
      context: '1',
      page: '1',
      signInPost: '1',
      json: '1',
      ready: undefined,
    });
    expect(token.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect(api.json()).toMatchObject({ status: 503, code: 'serviceUnavailable', type: 'error' });
    expect(json.json()).toMatchObject({ status: 503, code: 'serviceUnavailable' });
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('Grantboard cannot reach its database right now.');
  });
});
