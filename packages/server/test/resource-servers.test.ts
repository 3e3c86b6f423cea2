import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIRECT_URI, startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { basic, bearer, tokenRequest } from './helpers/oauth.js';
import { type Browser, csrfOf, signIn } from './helpers/web.js';

const ADMIN = 'admin-token-for-resource-server-tests-0001';
const PAYROLL = 'https://payroll.example/api';
const LEDGER = 'https://ledger.example/';

describe.each(DIALECTS)('registered resource servers on %s', (dialect) => {
  let t: TestApp;
  let payroll: { id: string; clientId: string; clientSecret: string };
  let ledger: { id: string; clientId: string; clientSecret: string };
  let alice: Browser;

  const admin = (method: 'GET' | 'POST', url: string, body?: unknown) =>
    t.app.inject({
      method,
      url: `/admin/v1${url}`,
      headers: {
        authorization: `Bearer ${ADMIN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    t = await startTestApp(dialect, { GRANTBOARD_ADMIN_TOKENS: ADMIN });
    const created = await admin('POST', '/resource-servers', {
      identifier: PAYROLL,
      name: 'Payroll API',
      organizationId: t.seed.orgId,
      scopes: [
        { name: 'payroll:read', consentText: 'See your payslips' },
        { name: 'payroll:write', consentText: 'Change your bank details' },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    payroll = created.json();
    const second = await admin('POST', '/resource-servers', {
      identifier: LEDGER,
      name: 'Ledger',
      scopes: [{ name: 'ledger:read', consentText: 'Read the ledger' }],
    });
    expect(second.statusCode, second.body).toBe(201);
    ledger = second.json();
    await t.services.apps.update(
      t.seed.expiringApp.id,
      { scopes: ['boards:read', 'boards:write', 'payroll:read', 'payroll:write', 'ledger:read'] },
      null,
    );
    alice = await signIn(t.app, t.seed.alice.email);
  });
  afterAll(() => t?.close());

  const authorizeUrl = (params: Record<string, string | string[]>) => {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: t.seed.expiringApp.id,
      redirect_uri: REDIRECT_URI,
      state: 'st',
    });
    for (const [name, value] of Object.entries(params))
      for (const one of Array.isArray(value) ? value : [value]) query.append(name, one);
    return `/oauth/authorize?${query}`;
  };

  /** Shows the consent page, allows it for Alice's team, and exchanges the code. */
  async function consentAndExchange(params: Record<string, string | string[]>) {
    const page = await alice.get(authorizeUrl(params));
    expect(page.statusCode, page.body).toBe(200);
    const fields: Record<string, string | string[]> = {
      csrf: csrfOf(page.body),
      response_type: 'code',
      client_id: t.seed.expiringApp.id,
      redirect_uri: REDIRECT_URI,
      state: 'st',
      team_id: t.seed.teamId,
      decision: 'allow',
    };
    for (const [name, value] of Object.entries(params)) fields[name] = value;
    const allowed = await alice.post('/oauth/authorize', fields);
    expect(allowed.statusCode, allowed.body).toBe(303);
    const code = new URL(allowed.headers.location as string).searchParams.get('code');
    const tokens = await tokenRequest(t.app, {
      grant_type: 'authorization_code',
      client_id: t.seed.expiringApp.id,
      client_secret: t.seed.expiringSecret,
      code: code ?? '',
      redirect_uri: REDIRECT_URI,
    });
    expect(tokens.statusCode, tokens.body).toBe(200);
    return { page: page.body, tokens: tokens.json() };
  }

  const introspect = (token: string, id: string, secret: string) =>
    t.app.inject({
      method: 'POST',
      url: '/oauth/introspect',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(id, secret) },
      payload: new URLSearchParams({ token }).toString(),
    });

  it('registers an API with its own scopes and introspection credentials, and lists it', async () => {
    expect(payroll).toMatchObject({
      identifier: PAYROLL,
      name: 'Payroll API',
      organizationId: t.seed.orgId,
      tokenFormat: 'opaque',
      accessTokenTtlSeconds: 3600,
      scopes: [
        { name: 'payroll:read', consentText: 'See your payslips' },
        { name: 'payroll:write', consentText: 'Change your bank details' },
      ],
    });
    expect(payroll.clientId).toMatch(/^rs-\d+$/);
    expect(payroll.clientSecret).toMatch(/^gbs_/);
    const listed = (await admin('GET', '/resource-servers')).json();
    expect(listed.data.map((s: { identifier: string }) => s.identifier).sort()).toEqual([LEDGER, PAYROLL]);
    // The secret is shown once, at registration.
    expect(listed.data.every((s: { clientSecret?: string }) => s.clientSecret === undefined)).toBe(true);
    expect((await admin('GET', `/resource-servers/${payroll.id}`)).json().identifier).toBe(PAYROLL);
    expect((await admin('GET', '/resource-servers/999999')).statusCode).toBe(404);
    const openapi = (await admin('GET', '/openapi.json')).json();
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/admin/v1/resource-servers',
        '/admin/v1/resource-servers/{resourceServerId}',
        '/admin/v1/resource-servers/{resourceServerId}/rotate-secret',
      ]),
    );
  });

  it('groups the scopes by API on the consent page, with the API’s own consent texts', async () => {
    const page = await alice.get(authorizeUrl({ scope: 'boards:read payroll:read payroll:write' }));
    expect(page.statusCode).toBe(200);
    const boards = page.body.indexOf('<h3 class="scope-group">Boards API</h3>');
    const api = page.body.indexOf('<h3 class="scope-group">Payroll API</h3>');
    expect(boards).toBeGreaterThan(0);
    expect(api).toBeGreaterThan(boards);
    const payrollSection = page.body.slice(api, page.body.indexOf('</section>', api));
    expect(payrollSection).toContain('See your payslips');
    expect(payrollSection).toContain('Change your bank details');
    expect(payrollSection).not.toContain('boards:read');
    // A Miro-only request keeps the page it always had.
    const miro = await alice.get(authorizeUrl({ scope: 'boards:read' }));
    expect(miro.body).not.toContain('Boards API');
    expect(miro.body).toContain('See your data');
  });

  it('binds a token to its API: the board API refuses it, the API’s introspection sees it, another API’s does not', async () => {
    const { tokens } = await consentAndExchange({ scope: 'payroll:read', resource: PAYROLL });
    expect(tokens.scope).toBe('payroll:read');
    const refused = await bearer(t.app, tokens.access_token, '/v2/boards');
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('tokenInvalid');

    const seen = await introspect(tokens.access_token, payroll.clientId, payroll.clientSecret);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({
      active: true,
      scope: 'payroll:read',
      client_id: t.seed.expiringApp.id,
      sub: t.seed.alice.id,
      aud: [PAYROLL],
    });
    expect((await introspect(tokens.access_token, ledger.clientId, ledger.clientSecret)).json()).toEqual({
      active: false,
    });
    // A refresh token is the app's business, never the resource server's.
    expect((await introspect(tokens.refresh_token, payroll.clientId, payroll.clientSecret)).json()).toEqual({
      active: false,
    });
    // Revoked: inactive for its API at once.
    await t.services.tokens.revoke(tokens.access_token);
    expect((await introspect(tokens.access_token, payroll.clientId, payroll.clientSecret)).json()).toEqual({
      active: false,
    });
  });

  it('infers the audience from the scopes when no resource is named; Miro tokens stay for the board API only', async () => {
    const { tokens } = await consentAndExchange({ scope: 'payroll:read' });
    expect((await bearer(t.app, tokens.access_token, '/v2/boards')).statusCode).toBe(401);
    expect((await introspect(tokens.access_token, payroll.clientId, payroll.clientSecret)).json().active).toBe(true);

    const { tokens: mixed } = await consentAndExchange({ scope: 'boards:read payroll:read' });
    expect((await bearer(t.app, mixed.access_token, '/v2/boards')).statusCode).toBe(200);
    expect((await introspect(mixed.access_token, payroll.clientId, payroll.clientSecret)).json()).toMatchObject({
      active: true,
      aud: [t.config.publicUrl, PAYROLL],
    });

    const { tokens: miro } = await consentAndExchange({ scope: 'boards:read' });
    expect((await bearer(t.app, miro.access_token, '/v2/boards')).statusCode).toBe(200);
    expect((await introspect(miro.access_token, payroll.clientId, payroll.clientSecret)).json()).toEqual({
      active: false,
    });
  });

  it('binds tokens and codes the admin API issues to the audience their scopes make', async () => {
    const issued = await admin('POST', '/tokens', {
      appId: t.seed.expiringApp.id,
      userId: t.seed.alice.id,
      teamId: t.seed.teamId,
      scopes: ['payroll:read'],
    });
    expect(issued.statusCode, issued.body).toBe(200);
    const token = issued.json().access_token;
    expect((await bearer(t.app, token, '/v2/boards')).statusCode).toBe(401);
    expect((await introspect(token, payroll.clientId, payroll.clientSecret)).json().active).toBe(true);
    const code = await admin('POST', '/codes', {
      appId: t.seed.expiringApp.id,
      userId: t.seed.alice.id,
      teamId: t.seed.teamId,
      scopes: ['ledger:read'],
    });
    expect(code.statusCode, code.body).toBe(200);
    const exchanged = await tokenRequest(t.app, {
      grant_type: 'authorization_code',
      client_id: t.seed.expiringApp.id,
      client_secret: t.seed.expiringSecret,
      code: code.json().code,
      redirect_uri: code.json().redirectUri,
    });
    const ledgerToken = exchanged.json().access_token;
    expect((await introspect(ledgerToken, ledger.clientId, ledger.clientSecret)).json().active).toBe(true);
    expect((await introspect(ledgerToken, payroll.clientId, payroll.clientSecret)).json().active).toBe(false);
  });

  it('refuses unknown scopes, scopes of an API not named by resource, and bad introspection credentials', async () => {
    const redirectError = async (params: Record<string, string | string[]>) => {
      const response = await alice.get(authorizeUrl(params));
      expect(response.statusCode, response.body).toBe(303);
      return new URL(response.headers.location as string).searchParams.get('error');
    };
    expect(await redirectError({ scope: 'payroll:delete' })).toBe('invalid_scope');
    expect(await redirectError({ scope: 'payroll:read', resource: LEDGER })).toBe('invalid_scope');
    expect(await redirectError({ scope: 'boards:read', resource: PAYROLL })).toBe('invalid_scope');
    expect(await redirectError({ scope: 'payroll:read', resource: 'https://payroll.example/other' })).toBe(
      'invalid_target',
    );
    const wrong = await introspect('gba_x', payroll.clientId, `${payroll.clientSecret}x`);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toBe('invalid_client');
    // An app may be registered only for scopes some API defines.
    await expect(
      t.services.apps.update(t.seed.expiringApp.id, { scopes: ['payroll:read', 'payroll:nope'] }, null),
    ).rejects.toThrow('Unknown scope: payroll:nope');
  });

  it('rotates the introspection secret: the old one stops at once', async () => {
    const { tokens } = await consentAndExchange({ scope: 'ledger:read' });
    const rotated = await admin('POST', `/resource-servers/${ledger.id}/rotate-secret`);
    expect(rotated.statusCode).toBe(200);
    expect((await introspect(tokens.access_token, ledger.clientId, ledger.clientSecret)).statusCode).toBe(401);
    const fresh = await introspect(tokens.access_token, ledger.clientId, rotated.json().clientSecret);
    expect(fresh.json()).toMatchObject({ active: true, aud: [LEDGER] });
    ledger.clientSecret = rotated.json().clientSecret;
  });

  it('answers hostile registrations with 400 and writes nothing', async () => {
    const good = { identifier: 'https://hr.example/', name: 'HR', scopes: [{ name: 'hr:read', consentText: 'Read' }] };
    const hostile: unknown[] = [
      { ...good, identifier: '/relative' },
      { ...good, identifier: 'https://hr.example/#frag' },
      { ...good, identifier: 'https://user:pw@hr.example/' },
      { ...good, identifier: t.config.publicUrl },
      { ...good, identifier: `${t.config.publicUrl}/mcp` },
      { ...good, identifier: PAYROLL },
      { ...good, identifier: `https://hr.example/${'a'.repeat(600)}` },
      { ...good, name: '' },
      { ...good, name: 'a\u202eb' },
      { ...good, scopes: [] },
      { ...good, scopes: [{ name: 'boards:read', consentText: 'Mine now' }] },
      { ...good, scopes: [{ name: 'payroll:read', consentText: 'Taken' }] },
      { ...good, scopes: [{ name: 'hr read', consentText: 'Space' }] },
      { ...good, scopes: [{ name: 'hr:"q"', consentText: 'Quote' }] },
      { ...good, scopes: [{ name: 'hr:read' }] },
      { ...good, scopes: [{ name: 'hr:read', consentText: '   ' }] },
      { ...good, scopes: [good.scopes[0], good.scopes[0]] },
      { ...good, tokenFormat: 'saml' },
      { ...good, tokenFormat: 'jwt', accessTokenTtlSeconds: 7200 },
      { ...good, accessTokenTtlSeconds: 10 },
      { ...good, organizationId: '424242' },
      { ...good, extra: true },
      { ...good, scopes: [{ name: 'hr:read', consentText: 'Read', extra: 1 }] },
      'not an object',
    ];
    for (const body of hostile) {
      const response = await admin('POST', '/resource-servers', body);
      expect([400, 404], JSON.stringify(body).slice(0, 120)).toContain(response.statusCode);
      expect(response.json().error.code).toMatch(/^(invalid|not_found)$/);
    }
    const listed = (await admin('GET', '/resource-servers')).json();
    expect(listed.data).toHaveLength(2);
    const scopes = await t.db.database.db.selectFrom('resource_server_scopes').select('scope').execute();
    expect(scopes.map((s) => s.scope).sort()).toEqual(['ledger:read', 'payroll:read', 'payroll:write']);
    const unauthenticated = await t.app.inject({ method: 'POST', url: '/admin/v1/resource-servers', payload: good });
    expect(unauthenticated.statusCode).toBe(401);
  });
});
