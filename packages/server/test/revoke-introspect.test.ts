import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { basic, bearer, obtainTokens } from './helpers/oauth.js';

describe.each(DIALECTS)('token context, revocation, introspection and metadata on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t?.close());

  const form = (url: string, params: Record<string, string>, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(params).toString(),
    });
  const clientAuth = () => ({ authorization: basic(t.seed.expiringApp.id, t.seed.expiringSecret) });

  describe('GET /v1/oauth-token', () => {
    it('describes the token: organization, team, creator, user, scopes, creation time', async () => {
      const install = await t.services.installs.install(t.seed.expiringApp, t.seed.teamId, t.seed.alice.id, [
        'boards:read',
        'boards:write',
      ]);
      expect(install).toBeUndefined();
      const tokens = await obtainTokens(t, { userId: t.seed.bob.id });
      const response = await bearer(t.app, tokens.access_token);
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.json()).toEqual({
        type: 'oAuthToken',
        organization: { type: 'organization', id: t.seed.orgId, name: 'Acme' },
        team: { type: 'team', id: t.seed.teamId, name: 'Design' },
        createdBy: { type: 'user', id: t.seed.alice.id, name: 'Alice' },
        user: { type: 'user', id: t.seed.bob.id, name: 'Bob' },
        scopes: ['boards:read', 'boards:write'],
        createdAt: new Date(t.clock.now()).toISOString(),
      });
    });

    it('accepts the token as ?access_token=', async () => {
      const tokens = await obtainTokens(t);
      expect((await t.app.inject({ url: `/v1/oauth-token?access_token=${tokens.access_token}` })).statusCode).toBe(200);
    });

    it('answers 401 tokenNotProvided / tokenInvalid with a Bearer challenge', async () => {
      const none = await t.app.inject({ url: '/v1/oauth-token' });
      expect(none.statusCode).toBe(401);
      expect(none.json()).toEqual({
        status: 401,
        code: 'tokenNotProvided',
        message: 'No access token was provided.',
        type: 'error',
      });
      expect(none.headers['www-authenticate']).toBe('Bearer realm="grantboard"');
      for (const header of ['Bearer gba_nope', 'Basic abc', 'Bearer']) {
        const invalid = await t.app.inject({ url: '/v1/oauth-token', headers: { authorization: header } });
        expect(invalid.statusCode).toBe(401);
        expect(invalid.json().code).toBe('tokenInvalid');
        expect(invalid.headers['www-authenticate']).toContain('error="invalid_token"');
      }
    });
  });

  describe('POST /v1/oauth/revoke (deprecated Miro form)', () => {
    it('revokes access and refresh token with 204, and 400 after', async () => {
      const tokens = await obtainTokens(t);
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/oauth/revoke?access_token=${tokens.access_token}`,
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(response.statusCode).toBe(204);
      expect((await bearer(t.app, tokens.access_token)).statusCode).toBe(401);
      const refresh = await form(
        '/v1/oauth/token',
        { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
        clientAuth(),
      );
      expect(refresh.json().error).toBe('invalid_grant');
      const again = await t.app.inject({ method: 'POST', url: `/v1/oauth/revoke?access_token=${tokens.access_token}` });
      expect(again.statusCode).toBe(400);
      expect(again.json()).toEqual({
        status: 400,
        code: 'revokeFailed',
        message: 'Failed to revoke token',
        type: 'error',
      });
    });

    it('keeps the app installed', async () => {
      await t.services.installs.install(t.seed.expiringApp, t.seed.teamId, t.seed.alice.id, ['boards:read']);
      const tokens = await obtainTokens(t);
      await t.app.inject({ method: 'POST', url: `/v1/oauth/revoke?access_token=${tokens.access_token}` });
      expect(await t.repos.installations.find(t.seed.expiringApp.id, t.seed.teamId)).toBeDefined();
    });
  });

  describe('POST /v2/oauth/revoke', () => {
    const v2 = (body: unknown) => t.app.inject({ method: 'POST', url: '/v2/oauth/revoke', payload: body as object });

    it('revokes with 204, then 404', async () => {
      const tokens = await obtainTokens(t);
      const body = {
        accessToken: tokens.access_token,
        clientId: t.seed.expiringApp.id,
        clientSecret: t.seed.expiringSecret,
      };
      expect((await v2(body)).statusCode).toBe(204);
      expect((await bearer(t.app, tokens.access_token)).statusCode).toBe(401);
      const again = await v2(body);
      expect(again.statusCode).toBe(404);
      expect(again.json()).toEqual({ status: 404, code: 'notFound', message: 'Failed to revoke token', type: 'error' });
    });

    it("refuses to revoke another app's token, and a wrong secret", async () => {
      const tokens = await obtainTokens(t);
      const foreign = await v2({
        accessToken: tokens.access_token,
        clientId: t.seed.nonExpiringApp.id,
        clientSecret: t.seed.nonExpiringSecret,
      });
      expect(foreign.statusCode).toBe(404);
      const wrong = await v2({
        accessToken: tokens.access_token,
        clientId: t.seed.expiringApp.id,
        clientSecret: 'nope',
      });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toEqual({
        status: 401,
        code: 'invalidClient',
        message: 'Client authentication failed.',
        type: 'error',
      });
      expect((await bearer(t.app, tokens.access_token)).statusCode).toBe(200);
    });

    it('refuses a malformed body with 400 in the error shape', async () => {
      for (const body of [{}, { accessToken: 1, clientId: 'x', clientSecret: 'y' }, 'not json']) {
        const response = await v2(body);
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ status: 400, type: 'error' });
      }
    });
  });

  describe('POST /oauth/revoke (RFC 7009)', () => {
    it('revokes a refresh token and its access token', async () => {
      const tokens = await obtainTokens(t);
      const response = await form(
        '/oauth/revoke',
        { token: tokens.refresh_token!, token_type_hint: 'refresh_token' },
        clientAuth(),
      );
      expect(response.statusCode).toBe(200);
      // An empty JSON object: RFC 7009 clients ignore it, clients that parse every answer can.
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json()).toEqual({});
      expect((await bearer(t.app, tokens.access_token)).statusCode).toBe(401);
    });

    it('answers 200 for an unknown token and leaves other apps’ tokens alone', async () => {
      expect((await form('/oauth/revoke', { token: 'whatever' }, clientAuth())).statusCode).toBe(200);
      const other = await obtainTokens(t, { app: t.seed.nonExpiringApp });
      expect((await form('/oauth/revoke', { token: other.access_token }, clientAuth())).statusCode).toBe(200);
      expect((await bearer(t.app, other.access_token)).statusCode).toBe(200);
    });

    it('requires client authentication', async () => {
      const response = await form('/oauth/revoke', { token: 'x', client_id: t.seed.expiringApp.id });
      expect(response.statusCode).toBe(401);
      expect(response.json().error).toBe('invalid_client');
    });

    it('does not let an old, rotated access token end the session that followed it', async () => {
      const tokens = await obtainTokens(t);
      const next = (
        await form(
          '/v1/oauth/token',
          { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
          clientAuth(),
        )
      ).json();
      await form('/oauth/revoke', { token: tokens.access_token }, clientAuth());
      expect((await bearer(t.app, next.access_token)).statusCode).toBe(200);
    });
  });

  describe('POST /oauth/introspect (RFC 7662)', () => {
    it('describes a live access token to its own app', async () => {
      const tokens = await obtainTokens(t);
      const response = await form('/oauth/introspect', { token: tokens.access_token }, clientAuth());
      expect(response.headers['cache-control']).toBe('no-store');
      const now = Math.floor(t.clock.now() / 1000);
      expect(response.json()).toEqual({
        active: true,
        token_type: 'bearer',
        scope: 'boards:read boards:write',
        client_id: t.seed.expiringApp.id,
        sub: t.seed.alice.id,
        user_id: t.seed.alice.id,
        team_id: t.seed.teamId,
        iss: t.config.publicUrl,
        iat: now,
        exp: now + 3600,
        aud: [t.config.publicUrl],
      });
    });

    it('describes a live refresh token', async () => {
      const tokens = await obtainTokens(t);
      const body = (await form('/oauth/introspect', { token: tokens.refresh_token! }, clientAuth())).json();
      expect(body).toMatchObject({ active: true, client_id: t.seed.expiringApp.id, scope: 'boards:read boards:write' });
      // RFC 7662 §2.2 `token_type` is the RFC 6749 §5.1 type, which refresh tokens do not have.
      expect(body).not.toHaveProperty('token_type');
    });

    it('answers only {"active":false} for revoked, expired, foreign or unknown tokens', async () => {
      const revoked = await obtainTokens(t);
      await form('/oauth/revoke', { token: revoked.access_token }, clientAuth());
      const foreign = await obtainTokens(t, { app: t.seed.nonExpiringApp });
      const expired = await obtainTokens(t);
      t.clock.advance(3600_000);
      for (const token of [
        revoked.access_token,
        revoked.refresh_token!,
        foreign.access_token,
        expired.access_token,
        'garbage',
      ]) {
        expect((await form('/oauth/introspect', { token }, clientAuth())).json()).toEqual({ active: false });
      }
    });

    it('requires an authenticated caller', async () => {
      const tokens = await obtainTokens(t);
      const response = await form('/oauth/introspect', { token: tokens.access_token });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('invalid_request');
      // A public client cannot authenticate, so it cannot introspect, not even its own live token.
      const own = await obtainTokens(t, { app: t.seed.publicApp });
      expect((await bearer(t.app, own.access_token)).statusCode).toBe(200);
      const publicClient = await form('/oauth/introspect', { token: own.access_token, client_id: t.seed.publicApp.id });
      expect(publicClient.statusCode).toBe(401);
      expect(publicClient.json()).toMatchObject({ error: 'invalid_client' });
    });
  });

  describe('metadata and health', () => {
    it('publishes RFC 8414 metadata built from the configured issuer', async () => {
      const response = await t.app.inject({ url: '/.well-known/oauth-authorization-server' });
      const issuer = t.config.publicUrl;
      expect(response.json()).toEqual({
        issuer,
        authorization_endpoint: `${issuer}/oauth/authorize`,
        token_endpoint: `${issuer}/v1/oauth/token`,
        revocation_endpoint: `${issuer}/oauth/revoke`,
        introspection_endpoint: `${issuer}/oauth/introspect`,
        jwks_uri: `${issuer}/oauth/jwks`,
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
        revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
        introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        scopes_supported: expect.arrayContaining(['boards:read', 'boards:write', 'identity:read', 'team:read']),
        authorization_response_iss_parameter_supported: true,
        registration_endpoint: `${issuer}/oauth/register`,
        client_id_metadata_document_supported: true,
      });
    });

    it('never takes the issuer from the Host or X-Forwarded headers', async () => {
      const response = await t.app.inject({
        url: '/.well-known/oauth-authorization-server',
        headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
      });
      expect(response.json().issuer).toBe(t.config.publicUrl);
    });

    it('answers /healthz and /readyz', async () => {
      expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
      expect((await t.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
    });

    it('answers unknown routes with the error envelope in both vocabularies', async () => {
      const response = await t.app.inject({ url: '/nope?x=1' });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({
        status: 404,
        code: 'notFound',
        message: 'No route for GET /nope',
        type: 'error',
        error: 'not_found',
        error_description: 'No route for GET /nope',
      });
    });
  });
});
