import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIRECT_URI, startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { basic, bearer, issueCode, tokenRequest } from './helpers/oauth.js';
import { signIn } from './helpers/web.js';

const REPORTS = 'https://reports.example/';
const OTHER = 'https://other.example/';
const ROTATION_SECONDS = 600;

describe.each(DIALECTS)('RFC 9068 JWT access tokens on %s', (dialect) => {
  let t: TestApp;
  let reports: { clientId: string; clientSecret: string };
  let as: oauth.AuthorizationServer;

  /** oauth4webapi's requests, answered by the app in process. */
  const injectFetch = async (url: string, init: oauth.CustomFetchOptions<'GET', undefined>) => {
    const response = await t.app.inject({
      method: (init.method ?? 'GET') as 'GET',
      url: new URL(url).pathname,
      headers: init.headers,
    });
    return new Response(response.body, {
      status: response.statusCode,
      headers: { 'content-type': String(response.headers['content-type'] ?? 'application/json') },
    });
  };
  /** The independent client's clock, set to the server's test clock. */
  const skew = () => Math.floor(t.clock.now() / 1000) - Math.floor(Date.now() / 1000);
  const validate = (token: string, audience = REPORTS) =>
    oauth.validateJwtAccessToken(
      // A copy: oauth4webapi caches the JWKS per metadata object.
      { ...as },
      new Request('https://reports.example/data', { headers: { authorization: `Bearer ${token}` } }),
      audience,
      {
        [oauth.customFetch]: injectFetch,
        [oauth.allowInsecureRequests]: true,
        [oauth.clockSkew]: skew(),
        [oauth.clockTolerance]: 0,
      },
    );
  const jwks = async () => (await t.app.inject({ url: '/oauth/jwks' })).json() as { keys: { kid: string }[] };
  const register = (identifier: string, scope: string) =>
    t.services.resourceServers.register(
      {
        identifier,
        name: `API ${scope}`,
        scopes: [{ name: scope, consentText: `Use ${scope}` }],
        tokenFormat: 'jwt',
      },
      null,
    );
  const exchange = async (scopes: string[], resource: string) => {
    const code = await issueCode(t, { scopes, resources: [resource] });
    const response = await tokenRequest(t.app, {
      grant_type: 'authorization_code',
      client_id: t.seed.expiringApp.id,
      client_secret: t.seed.expiringSecret,
      code,
      redirect_uri: REDIRECT_URI,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const refresh = async (refreshToken: string) => {
    const response = await tokenRequest(t.app, {
      grant_type: 'refresh_token',
      client_id: t.seed.expiringApp.id,
      client_secret: t.seed.expiringSecret,
      refresh_token: refreshToken,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const introspect = (token: string) =>
    t.app.inject({
      method: 'POST',
      url: '/oauth/introspect',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(reports.clientId, reports.clientSecret),
      },
      payload: new URLSearchParams({ token }).toString(),
    });

  beforeAll(async () => {
    t = await startTestApp(dialect, { RESOURCE_SERVER_SIGNING_KEY_ROTATION_SECONDS: String(ROTATION_SECONDS) });
    const registered = await register(REPORTS, 'reports:read');
    reports = { clientId: registered.server.clientId, clientSecret: registered.clientSecret };
    await register(OTHER, 'other:read');
    for (const app of [t.seed.expiringApp, t.seed.nonExpiringApp])
      await t.services.apps.update(app.id, { scopes: ['boards:read', 'reports:read', 'other:read'] }, null);
    const metadata = await t.app.inject({ url: '/.well-known/oauth-authorization-server' });
    as = await oauth.processDiscoveryResponse(
      new URL(t.config.publicUrl),
      new Response(metadata.body, { status: 200, headers: { 'content-type': 'application/json' } }),
    );
  });
  afterAll(() => t?.close());

  it('issues signed at+jwt tokens with the RFC 9068 claims, verified through a key rotation', async () => {
    expect(as.jwks_uri).toBe(`${t.config.publicUrl}/oauth/jwks`);
    const start = Math.floor(t.clock.now() / 1000);
    const first = await exchange(['reports:read'], REPORTS);
    expect(first.refresh_token).toMatch(/^gbr_/);
    expect(first.expires_in).toBe(300);
    const header = decodeProtectedHeader(first.access_token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const claims = await validate(first.access_token);
    expect(claims).toMatchObject({
      iss: t.config.publicUrl,
      aud: REPORTS,
      sub: t.seed.alice.id,
      client_id: t.seed.expiringApp.id,
      scope: 'reports:read',
      iat: start,
      exp: start + 300,
    });
    expect(typeof claims.jti).toBe('string');

    expect((await jwks()).keys.map((k) => k.kid)).toEqual([header.kid]);
    // Shortly before the rotation: signed with the first key, and the next one is published ahead.
    t.clock.advance(550_000);
    const beforeRotation = await refresh(first.refresh_token);
    expect(decodeProtectedHeader(beforeRotation.access_token).kid).toBe(header.kid);
    const ahead = (await jwks()).keys.map((k) => k.kid);
    expect(ahead).toHaveLength(2);
    expect(ahead[1]).toBe(header.kid);
    // After it: a new key signs; the retired one stays published while its tokens live.
    t.clock.advance(60_000);
    const afterRotation = await refresh(beforeRotation.refresh_token);
    const rotatedKid = decodeProtectedHeader(afterRotation.access_token).kid;
    expect(rotatedKid).not.toBe(header.kid);
    expect(rotatedKid).toBe(ahead[0]);
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([rotatedKid, header.kid]);
    await expect(validate(beforeRotation.access_token)).resolves.toMatchObject({ aud: REPORTS });
    await expect(validate(afterRotation.access_token)).resolves.toMatchObject({ aud: REPORTS });

    // The first token is past its exp: refused.
    await expect(validate(first.access_token)).rejects.toThrow(/exp/);
    // A token for another API is refused here, and the board API refuses both.
    const foreign = await exchange(['other:read'], OTHER);
    await expect(validate(foreign.access_token)).rejects.toThrow(/aud/);
    await expect(validate(foreign.access_token, OTHER)).resolves.toMatchObject({ aud: OTHER });
    expect((await bearer(t.app, afterRotation.access_token, '/v2/boards')).statusCode).toBe(401);
    // A tampered signature is refused.
    const [h, p, s] = afterRotation.access_token.split('.');
    const tampered = `${h}.${p}.${s.startsWith('A') ? `B${s.slice(1)}` : `A${s.slice(1)}`}`;
    await expect(validate(tampered)).rejects.toThrow();

    // Once its last token has expired, the retired key leaves the JWKS.
    t.clock.advance(3600_000);
    expect((await jwks()).keys.map((k) => k.kid)).not.toContain(header.kid);
  });

  it('keeps a revoked JWT verifiable until exp, while introspection reports it inactive', async () => {
    const tokens = await exchange(['reports:read'], REPORTS);
    expect((await introspect(tokens.access_token)).json()).toMatchObject({ active: true, aud: [REPORTS] });
    const revoked = await t.app.inject({
      method: 'POST',
      url: '/oauth/revoke',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(t.seed.expiringApp.id, t.seed.expiringSecret),
      },
      payload: new URLSearchParams({ token: tokens.access_token }).toString(),
    });
    expect(revoked.statusCode).toBe(200);
    expect((await introspect(tokens.access_token)).json()).toEqual({ active: false });
    // The signature and exp still hold: a verifier that does not introspect accepts it until exp.
    const keys = createLocalJWKSet(await jwks());
    await expect(
      jwtVerify(tokens.access_token, keys, {
        issuer: t.config.publicUrl,
        audience: REPORTS,
        typ: 'at+jwt',
        currentDate: new Date(t.clock.now()),
      }),
    ).resolves.toBeDefined();
    // The refresh token died with it.
    const again = await tokenRequest(t.app, {
      grant_type: 'refresh_token',
      client_id: t.seed.expiringApp.id,
      client_secret: t.seed.expiringSecret,
      refresh_token: tokens.refresh_token,
    });
    expect(again.json().error).toBe('invalid_grant');
  });

  it('refuses a JWT API mixed with another audience, and for apps without refresh tokens', async () => {
    const alice = await signIn(t.app, t.seed.alice.email);
    const error = async (clientId: string, params: Record<string, string>) => {
      const response = await alice.get(
        `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, ...params })}`,
      );
      expect(response.statusCode, response.body).toBe(303);
      return new URL(response.headers.location as string).searchParams.get('error');
    };
    expect(await error(t.seed.expiringApp.id, { scope: 'boards:read reports:read' })).toBe('invalid_target');
    expect(await error(t.seed.expiringApp.id, { scope: 'reports:read other:read' })).toBe('invalid_target');
    expect(await error(t.seed.nonExpiringApp.id, { scope: 'reports:read' })).toBe('invalid_target');
    // Alone, from an app with expiring tokens: the consent page.
    const page = await alice.get(
      `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: t.seed.expiringApp.id, redirect_uri: REDIRECT_URI, scope: 'reports:read' })}`,
    );
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Use reports:read');
    expect(page.body).toContain('Its access token expires after 5 minutes');
  });
});
