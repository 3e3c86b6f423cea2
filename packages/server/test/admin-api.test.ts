import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';

const TOKEN = 'admin-token-0123456789abcdef0123456789';
const CLIENT_ID = '3458764500000000777';
const CLIENT_SECRET = `gbs_${'B'.repeat(43)}`;

describe.each(DIALECTS)('the admin API (/admin/v1) on %s', (dialect) => {
  let t: TestApp;
  let off: TestApp;
  const admin = (app: TestApp, method: string, url: string, payload?: unknown, token = TOKEN) =>
    app.app.inject({
      method: method as 'POST',
      url: `/admin/v1${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    });

  beforeAll(async () => {
    t = await startTestApp(dialect, {
      GRANTBOARD_ADMIN_TOKENS: `other-token-that-is-long-enough-000000,${TOKEN}`,
      GRANTBOARD_TEST_CONTROLS: 'on',
    });
    off = await startTestApp(dialect, { GRANTBOARD_ADMIN_TOKENS: TOKEN });
  });
  afterAll(async () => {
    await t?.close();
    await off?.close();
  });

  it('wants one of the configured admin tokens, and is not there at all without any', async () => {
    const none = await t.app.inject({ method: 'POST', url: '/admin/v1/teams', payload: { name: 'X' } });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="grantboard-admin"');
    expect(none.json()).toEqual({
      error: { code: 'unauthorized', message: 'Send an admin token: Authorization: Bearer <token>.' },
    });
    const wrong = await admin(t, 'POST', '/teams', { name: 'X' }, `${TOKEN}x`);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe('The admin token is not valid.');
    const closed = await startTestApp(dialect);
    try {
      expect((await admin(closed, 'POST', '/teams', { name: 'X' })).statusCode).toBe(404);
    } finally {
      await closed.close();
    }
  });

  it('creates users, teams, memberships and an app with fixed credentials, then issues and revokes tokens', async () => {
    const user = (
      await admin(t, 'POST', '/users', { email: 'ci@example.com', password: 'long enough', name: 'CI' })
    ).json();
    const team = (await admin(t, 'POST', '/teams', { name: 'CI team' })).json();
    expect(team).toMatchObject({ id: expect.stringMatching(/^\d+$/), name: 'CI team' });
    expect((await admin(t, 'PUT', `/teams/${team.id}/members/${user.id}`, { role: 'admin' })).statusCode).toBe(204);
    const created = await admin(t, 'POST', '/apps', {
      name: 'CI app',
      teamId: team.id,
      createdBy: user.id,
      redirectUris: ['https://ci.example/cb'],
      scopes: ['boards:read', 'boards:write'],
      expiring: true,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, expiring: true });
    const updated = await admin(t, 'PATCH', `/apps/${CLIENT_ID}`, { name: 'CI app 2' });
    expect(updated.json()).toMatchObject({ name: 'CI app 2', redirectUris: ['https://ci.example/cb'] });

    const issued = await admin(t, 'POST', '/tokens', { appId: CLIENT_ID, userId: user.id, teamId: team.id });
    expect(issued.statusCode).toBe(200);
    expect(issued.headers['cache-control']).toBe('no-store');
    const tokens = issued.json();
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'boards:read boards:write', user_id: user.id });
    const context = () =>
      t.app.inject({ url: '/v1/oauth-token', headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect((await context()).statusCode).toBe(200);

    await admin(t, 'POST', '/test-controls/expire-access-token', { token: tokens.access_token });
    expect((await context()).json()).toMatchObject({ code: 'tokenExpired' });
    expect((await admin(t, 'POST', '/tokens/revoke', { token: tokens.refresh_token })).json()).toEqual({
      revoked: true,
    });
    expect((await admin(t, 'POST', '/tokens/revoke', { token: tokens.refresh_token })).json()).toEqual({
      revoked: false,
    });

    const rotated = (await admin(t, 'POST', `/apps/${CLIENT_ID}/rotate-secret`)).json();
    expect(rotated.clientSecret).toMatch(/^gbs_/);
    expect(rotated.clientSecret).not.toBe(CLIENT_SECRET);
    await admin(t, 'POST', '/tokens', { appId: CLIENT_ID, userId: user.id, teamId: team.id });
    expect((await admin(t, 'DELETE', `/apps/${CLIENT_ID}`)).json()).toMatchObject({ revokedFamilies: 1 });
    expect((await admin(t, 'DELETE', `/apps/${CLIENT_ID}`)).statusCode).toBe(404);
  });

  it('refuses bad input in its own error shape, naming the field, and writes nothing', async () => {
    const unknown = await admin(t, 'POST', '/teams', { name: 'Y', colour: 'red' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: 'invalid', message: expect.stringContaining('colour') });
    const bad = await admin(t, 'POST', '/test-controls/fail-token-requests', {
      appId: t.seed.expiringApp.id,
      count: -1,
      error: 'invalid_grant',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('count');
    const wider = await admin(t, 'POST', '/tokens', {
      appId: t.seed.nonExpiringApp.id,
      userId: t.seed.alice.id,
      teamId: t.seed.teamId,
      scopes: ['boards:write'],
    });
    expect(wider.json()).toEqual({
      error: {
        code: 'invalid',
        field: 'scopes',
        message: `App ${t.seed.nonExpiringApp.id} is not registered for: boards:write.`,
      },
    });
    const stranger = await admin(t, 'POST', '/tokens', {
      appId: t.seed.expiringApp.id,
      userId: t.seed.alice.id,
      teamId: t.seed.otherTeamId,
    });
    expect(stranger.json().error).toMatchObject({ code: 'invalid', field: 'userId' });
  });

  it('answers the test controls with 404 when they are off, while tokens can still be issued', async () => {
    const refused = await admin(off, 'POST', '/test-controls/advance-clock', {
      appId: off.seed.expiringApp.id,
      seconds: 60,
    });
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error).toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('Test controls are off'),
    });
    const issued = await admin(off, 'POST', '/tokens', {
      appId: off.seed.expiringApp.id,
      userId: off.seed.alice.id,
      teamId: off.seed.teamId,
    });
    expect(issued.statusCode).toBe(200);
  });

  it('loads fixtures, idempotently, and names the place of a bad reference', async () => {
    const fixtures = {
      users: [{ email: 'fx@example.com', password: 'long enough', name: 'Fx' }],
      teams: [{ name: 'Fx team', members: [{ email: 'fx@example.com', role: 'admin' }] }],
    };
    expect((await admin(t, 'POST', '/fixtures', fixtures)).statusCode).toBe(204);
    expect((await admin(t, 'POST', '/fixtures', fixtures)).statusCode).toBe(204);
    expect((await t.services.accounts.listUsers()).filter((u) => u.email === 'fx@example.com')).toHaveLength(1);
    const bad = await admin(t, 'POST', '/fixtures', {
      ...fixtures,
      teams: [{ name: 'Fx team', members: [{ email: 'nobody@example.com', role: 'admin' }] }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toEqual({
      code: 'invalid',
      message: 'the request body at /teams/0/members/0/email: no user with email nobody@example.com in /users.',
    });
  });

  it('publishes its OpenAPI document, built from the route declarations', async () => {
    const doc = (await admin(t, 'GET', '/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/admin/v1/apps',
        '/admin/v1/apps/{clientId}',
        '/admin/v1/tokens',
        '/admin/v1/test-controls/fail-token-requests',
      ]),
    );
    expect(doc.paths['/admin/v1/tokens'].post.responses['400'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/AdminError',
    });
  });
  it("lists, creates and deletes an organization's webhook endpoints, in the OpenAPI document", async () => {
    const team = (await admin(t, 'POST', '/teams', { name: 'Hooks team' })).json();
    const user = (
      await admin(t, 'POST', '/users', { email: 'hooks@example.com', password: 'long enough', name: 'H' })
    ).json();
    await admin(t, 'PUT', `/teams/${team.id}/members/${user.id}`, { role: 'admin' });
    const base = `/organizations/${team.organizationId}/webhooks`;
    expect((await admin(t, 'GET', base)).json()).toEqual({ data: [] });

    const created = await admin(t, 'POST', base, { url: 'https://hooks.example/grantboard', createdBy: user.id });
    expect(created.statusCode).toBe(201);
    const endpoint = created.json();
    expect(endpoint).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      url: 'https://hooks.example/grantboard',
      secret: expect.stringMatching(/^whsec_/),
    });
    const listed = (await admin(t, 'GET', base)).json();
    expect(listed).toEqual({ data: [{ id: endpoint.id, url: endpoint.url, createdAt: endpoint.createdAt }] });
    expect(JSON.stringify(listed)).not.toContain('whsec_');

    // The creator must administer the organization; a bad URL names the field; unknown ids are 404.
    const member = (
      await admin(t, 'POST', '/users', { email: 'm@example.com', password: 'long enough', name: 'M' })
    ).json();
    expect((await admin(t, 'POST', base, { url: 'https://hooks.example/2', createdBy: member.id })).statusCode).toBe(
      403,
    );
    const bad = await admin(t, 'POST', base, { url: 'not a url', createdBy: user.id });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('url');
    expect((await admin(t, 'GET', '/organizations/1234/webhooks')).json().error.code).toBe('not_found');

    expect((await admin(t, 'DELETE', `${base}/${endpoint.id}`)).statusCode).toBe(204);
    expect((await admin(t, 'GET', base)).json()).toEqual({ data: [] });
    expect((await admin(t, 'DELETE', `${base}/${endpoint.id}`)).statusCode).toBe(404);

    const document = (await admin(t, 'GET', '/openapi.json')).json();
    const ids = Object.values(document.paths as Record<string, Record<string, { operationId: string }>>).flatMap((p) =>
      Object.values(p).map((o) => o.operationId),
    );
    expect(ids).toEqual(
      expect.arrayContaining(['listWebhookEndpoints', 'createWebhookEndpoint', 'deleteWebhookEndpoint']),
    );
  });
});
