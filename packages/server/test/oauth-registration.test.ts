import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';

const GOOD = {
  client_name: 'Agent',
  redirect_uris: ['http://127.0.0.1:33418/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
};

describe.each(DIALECTS)('RFC 7591 dynamic client registration on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { REGISTRATIONS_PER_HOUR: '40', REGISTRATION_TTL_SECONDS: '3600' });
  });
  afterAll(() => t?.close());

  const register = (body: unknown, contentType = 'application/json') =>
    t.app.inject({
      method: 'POST',
      url: '/oauth/register',
      headers: { 'content-type': contentType },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('registers a public agent of no team, answering RFC 7591 §3.2.1 client information', async () => {
    const response = await register({ ...GOOD, scope: 'boards:read', software_id: 'ignored' });
    expect(response.statusCode).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body).toEqual({
      client_id: expect.stringMatching(/^\d+$/),
      client_id_issued_at: Math.floor(t.clock.now() / 1000),
      client_name: 'Agent',
      redirect_uris: GOOD.redirect_uris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: 'boards:read',
    });
    const app = await t.repos.apps.findById(body.client_id);
    expect(app).toMatchObject({ teamId: null, createdBy: null, isPublic: true, registration: 'dynamic' });
    // Not a developer app: nobody's console lists it.
    expect((await t.services.apps.ofMember(t.seed.alice.id)).map((a) => a.app.id)).not.toContain(body.client_id);
  });

  it('refuses redirect URIs that are not https or loopback http with invalid_redirect_uri', async () => {
    for (const uri of [
      'http://evil.example/cb',
      'javascript:alert(1)',
      'com.example.app:/cb',
      'https://app.example/cb#fragment',
      'https://user:pass@app.example/cb',
      'not a uri',
    ]) {
      const response = await register({ ...GOOD, redirect_uris: [uri] });
      expect(response.statusCode, uri).toBe(400);
      expect(response.json(), uri).toMatchObject({ error: 'invalid_redirect_uri', code: 'invalid_redirect_uri' });
    }
    const none = await register({ ...GOOD, redirect_uris: [] });
    expect(none.json().error).toBe('invalid_redirect_uri');
  });

  it('refuses other metadata it cannot honour with invalid_client_metadata, and writes nothing', async () => {
    const before = (await t.repos.apps.list()).length;
    const cases: unknown[] = [
      { ...GOOD, token_endpoint_auth_method: 'client_secret_basic' },
      { ...GOOD, grant_types: ['client_credentials'] },
      { ...GOOD, grant_types: ['refresh_token'] },
      { ...GOOD, response_types: ['token'] },
      { ...GOOD, scope: 'boards:read team:write' },
      { ...GOOD, scope: 42 },
      { ...GOOD, client_name: 'x'.repeat(61) },
      { ...GOOD, client_name: 'bad\u0000name' },
      { ...GOOD, redirect_uris: 'http://127.0.0.1/cb' },
      { ...GOOD, jwks_uri: 'https://app.example/jwks' },
      [GOOD],
      'just a string',
    ];
    for (const body of cases) {
      const response = await register(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(['invalid_client_metadata', 'invalid_redirect_uri', 'invalid_request']).toContain(response.json().error);
    }
    const form = await register('redirect_uris=http://127.0.0.1/cb', 'application/x-www-form-urlencoded');
    expect(form.json().error).toBe('invalid_client_metadata');
    const huge = await register({ ...GOOD, client_uri: `https://app.example/${'a'.repeat(9000)}` });
    expect(huge.statusCode).toBeGreaterThanOrEqual(400);
    expect(huge.statusCode).toBeLessThan(500);
    expect((await t.repos.apps.list()).length).toBe(before);
  });

  it('expires unused registrations through the janitor and keeps the ones a user authorized', async () => {
    const unused = (await register(GOOD)).json().client_id as string;
    const used = (await register(GOOD)).json().client_id as string;
    const app = (await t.services.apps.find(used))!;
    expect(await t.services.installs.authorize(app, t.seed.teamId, t.seed.alice.id, ['boards:read'])).toBeUndefined();
    expect(await t.repos.apps.findById(used)).toMatchObject({ teamId: t.seed.teamId, registrationExpiresAt: null });
    t.clock.advance(3601 * 1000);
    const swept = await t.repos.janitor.sweep({ now: t.clock.now(), codeRetentionMs: 0, revokedRetentionMs: 0 });
    expect(swept.registrations).toBeGreaterThanOrEqual(1);
    expect(await t.repos.apps.findById(unused)).toBeUndefined();
    expect(await t.repos.apps.findById(used)).toBeDefined();
  });

  it('binds an agent to the team of its first authorization and refuses it in any other', async () => {
    const id = (await register(GOOD)).json().client_id as string;
    const app = (await t.services.apps.find(id))!;
    // Bob is a member of Design and an admin of Other.
    expect(
      await t.services.installs.authorize(app, t.seed.otherTeamId, t.seed.bob.id, ['boards:read']),
    ).toBeUndefined();
    const bound = (await t.services.apps.find(id))!;
    const refusal = await t.services.installs.refusal(t.seed.bob.id, bound, t.seed.teamId, ['boards:read']);
    expect(refusal?.brief).toBe('the agent is bound to another team');
    const choices = await t.services.installs.choices(t.seed.bob.id, bound, ['boards:read']);
    expect(choices.find((c) => c.team.id === t.seed.teamId)?.refusal?.brief).toBe('the agent is bound to another team');
    expect(choices.find((c) => c.team.id === t.seed.otherTeamId)?.refusal).toBeUndefined();
  });
});

describe.each(DIALECTS)('registration rate limit on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { REGISTRATIONS_PER_HOUR: '3' });
  });
  afterAll(() => t?.close());

  it('lets three parallel registrations from one address through and refuses the rest with 429', async () => {
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.app.inject({
          method: 'POST',
          url: '/oauth/register',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify(GOOD),
        }),
      ),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429]);
    const refused = responses.find((r) => r.statusCode === 429)!;
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });
});
