import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { type Browser, csrfOf, signIn } from './helpers/web.js';

describe.each(DIALECTS)('the "Test controls" section of an app console page on %s', (dialect) => {
  let on: TestApp;
  let off: TestApp;
  let alice: Browser;
  beforeAll(async () => {
    [on, off] = await Promise.all([startTestApp(dialect, { GRANTBOARD_TEST_CONTROLS: 'on' }), startTestApp(dialect)]);
    alice = await signIn(on.app, on.seed.alice.email);
  });
  afterAll(async () => {
    await on?.close();
    await off?.close();
  });

  const page = () => alice.get(`/apps/${on.seed.expiringApp.id}`);
  const tokens = () =>
    on.services.tokens.issue(on.seed.expiringApp, {
      userId: on.seed.alice.id,
      teamId: on.seed.teamId,
      scopes: on.seed.expiringApp.scopes,
    });
  const api = async (path: string, token: string) =>
    (await on.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${token}` } })).statusCode;
  async function use(control: string, fields: Record<string, string> = {}) {
    const csrf = csrfOf((await page()).body);
    return alice.post(`/apps/${on.seed.expiringApp.id}/test-controls`, { csrf, control, ...fields });
  }

  it('is on the page when the controls are on, with a form per control', async () => {
    const body = (await page()).body;
    expect(body).toContain('<h2 id="test-controls-title">Test controls</h2>');
    for (const control of ['expire_access_token', 'fail_token_requests', 'rate_limit', 'advance_clock', 'uninstall'])
      expect(body).toContain(`name="control" value="${control}"`);
  });

  it('each form calls the control: expiry, 429, a failing refresh, uninstall; audited as the developer', async () => {
    const first = await tokens();
    const expired = await use('expire_access_token', { token: first.access_token });
    expect(expired.statusCode).toBe(303);
    expect(expired.headers.location).toBe(`/apps/${on.seed.expiringApp.id}#test-controls`);
    expect((await page()).body).toContain('The access token has expired.');
    expect(await api('/v1/oauth-token', first.access_token)).toBe(401);

    const second = await tokens();
    expect((await use('rate_limit', { seconds: '60' })).statusCode).toBe(303);
    expect(await api('/v2/boards', second.access_token)).toBe(429);
    await use('rate_limit', { seconds: '0' });
    expect(await api('/v2/boards', second.access_token)).toBe(200);

    expect((await use('fail_token_requests', { count: '1', error: 'invalid_grant' })).statusCode).toBe(303);
    const refresh = await on.app.inject({
      method: 'POST',
      url: '/v1/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: second.refresh_token!,
        client_id: on.seed.expiringApp.id,
        client_secret: on.seed.expiringSecret,
      }).toString(),
    });
    expect(refresh.json()).toMatchObject({ error: 'invalid_grant' });

    expect((await use('uninstall')).statusCode).toBe(303);
    expect(await api('/v1/oauth-token', second.access_token)).toBe(401);

    const events = await on.repos.audit.list({ type: 'test_control_used' });
    expect(events.length).toBeGreaterThanOrEqual(5);
    expect(events.every((e) => e.actor_id === on.seed.alice.id)).toBe(true);
  });

  it('refuses a bad value with a page saying why, and a form without the CSRF token', async () => {
    const refused = await use('advance_clock', { seconds: 'soon' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('seconds must be a whole number.');
    const forged = await alice.post(`/apps/${on.seed.expiringApp.id}/test-controls`, { control: 'uninstall' });
    expect(forged.statusCode).toBe(403);
  });

  it('is absent, and its route answers 404, when the controls are off', async () => {
    const bob = await signIn(off.app, off.seed.alice.email);
    const body = (await bob.get(`/apps/${off.seed.expiringApp.id}`)).body;
    expect(body).toContain('Settings');
    expect(body).not.toContain('Test controls');
    const csrf = csrfOf(body);
    const refused = await bob.post(`/apps/${off.seed.expiringApp.id}/test-controls`, { csrf, control: 'uninstall' });
    expect(refused.statusCode).toBe(404);
    expect(await off.repos.audit.list({ type: 'test_control_used' })).toEqual([]);
  });
});
