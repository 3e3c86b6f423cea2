import { Miro } from '@mirohq/miro-api';
import * as oauth from 'oauth4webapi';
import { AuthorizationCode } from 'simple-oauth2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, REDIRECT_URI, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { consentOverHttp } from './helpers/http-consent.js';
import { startListeningApp } from './helpers/listening-app.js';
import { routeMiroClientTo } from './helpers/miro-route.js';

interface MiroState {
  userId: string;
  accessToken: string;
  refreshToken?: string;
  tokenExpiresAt?: string;
}

describe.each(DIALECTS)('independent clients against a running server on %s', (dialect) => {
  let t: TestApp & { url: string };
  beforeAll(async () => {
    t = await startListeningApp(dialect);
  });
  afterAll(() => t?.close());

  it('the official @mirohq/miro-api client: authorize, exchange, tokenInfo, expiry, parallel refresh burst, revoke', async () => {
    const route = routeMiroClientTo(t.url);
    try {
      const states = new Map<string, MiroState | undefined>();
      const miro = new Miro({
        clientId: t.seed.expiringApp.id,
        clientSecret: t.seed.expiringSecret,
        redirectUrl: REDIRECT_URI,
        basePath: t.url,
        storage: {
          get: async (id) => states.get(String(id)),
          set: (id, state) => void states.set(String(id), state as MiroState | undefined),
        },
      });
      const authUrl = miro.getAuthUrl();
      expect(authUrl).toMatch(
        new RegExp(`^${t.url}/oauth/authorize\\?response_type=code&client_id=\\d+&redirect_uri=[^&]+&team_id=&state=$`),
      );
      const callback = await consentOverHttp(authUrl, t.seed.alice.email, PASSWORD);
      await miro.exchangeCodeForAccessToken('u1', callback);
      expect(states.get('u1')).toMatchObject({
        userId: t.seed.alice.id,
        accessToken: expect.stringMatching(/^gba_/),
        refreshToken: expect.stringMatching(/^gbr_/),
      });

      const info = await miro.as('u1').tokenInfo();
      expect(info.user.id).toBe(t.seed.alice.id);
      expect(info.team.id).toBe(t.seed.teamId);
      expect(info.scopes).toEqual(['boards:read', 'boards:write']);

      // The access token is past the client's expiry: each of three parallel calls refreshes on its own,
      // with the same refresh token, and none may log the user out.
      const before = states.get('u1')!;
      states.set('u1', { ...before, tokenExpiresAt: new Date(Date.now() - 1000).toISOString() });
      const burst = await Promise.all([0, 1, 2].map(() => miro.as('u1').tokenInfo()));
      expect(burst.map((b) => b.user.id)).toEqual([t.seed.alice.id, t.seed.alice.id, t.seed.alice.id]);
      expect(route.requests.filter((r) => r === 'POST /v1/oauth/token')).toHaveLength(4);
      const after = states.get('u1')!;
      expect(after.refreshToken).not.toBe(before.refreshToken);
      expect((await miro.as('u1').tokenInfo()).user.id).toBe(t.seed.alice.id);
      const oldToken = await fetch(`${t.url}/v1/oauth-token`, {
        headers: { authorization: `Bearer ${before.accessToken}` },
      });
      expect(oldToken.status).toBe(401);

      await miro.revokeToken('u1');
      expect(states.get('u1')).toBeUndefined();
      const revoked = await fetch(`${t.url}/v1/oauth-token`, {
        headers: { authorization: `Bearer ${after.accessToken}` },
      });
      expect(revoked.status).toBe(401);
    } finally {
      route.restore();
    }
  });

  it('oauth4webapi: discovery, code flow with PKCE and iss check, refresh, revocation, introspection', async () => {
    const options = { [oauth.allowInsecureRequests]: true };
    const issuer = new URL(t.url);
    const as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...options }),
    );
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
    const client: oauth.Client = { client_id: t.seed.expiringApp.id };
    const clientAuth = oauth.ClientSecretBasic(t.seed.expiringSecret);

    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const authorizationUrl = new URL(as.authorization_endpoint!);
    authorizationUrl.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      scope: 'boards:read',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    }).toString();
    const callback = new URL(
      await consentOverHttp(authorizationUrl.href, t.seed.bob.email, PASSWORD, t.seed.otherTeamId),
    );
    const params = oauth.validateAuthResponse(as, client, callback, state);

    // A response claiming another issuer is refused by the client (RFC 9207 mix-up defence).
    const forged = new URL(callback);
    forged.searchParams.set('iss', 'https://other.example');
    expect(() => oauth.validateAuthResponse(as, client, forged, state)).toThrow();

    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, REDIRECT_URI, codeVerifier, options),
    );
    expect(tokens).toMatchObject({
      token_type: 'bearer',
      scope: 'boards:read',
      team_id: t.seed.otherTeamId,
      user_id: t.seed.bob.id,
      expires_in: 3600,
    });

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token!, options),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    const introspection = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, clientAuth, refreshed.access_token, options),
    );
    expect(introspection).toMatchObject({
      active: true,
      client_id: client.client_id,
      scope: 'boards:read',
      sub: t.seed.bob.id,
    });

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, clientAuth, refreshed.refresh_token!, options),
    );
    const after = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, clientAuth, refreshed.access_token, options),
    );
    expect(after).toEqual({ active: false });
  });

  it('simple-oauth2: code flow, refresh, and revokeAll, which parses every answer as JSON', async () => {
    const client = new AuthorizationCode({
      client: { id: t.seed.expiringApp.id, secret: t.seed.expiringSecret },
      auth: {
        tokenHost: t.url,
        tokenPath: '/v1/oauth/token',
        authorizePath: '/oauth/authorize',
        revokePath: '/oauth/revoke',
      },
    });
    const state = 'simple-oauth2-state';
    const authorizationUrl = client.authorizeURL({ redirect_uri: REDIRECT_URI, scope: 'boards:read', state });
    const callback = new URL(await consentOverHttp(authorizationUrl, t.seed.alice.email, PASSWORD, t.seed.teamId));
    expect(callback.searchParams.get('state')).toBe(state);
    const token = await client.getToken({ code: callback.searchParams.get('code')!, redirect_uri: REDIRECT_URI });
    expect(token.token).toMatchObject({ token_type: 'bearer', scope: 'boards:read', team_id: t.seed.teamId });
    const refreshed = await token.refresh();
    expect(refreshed.token.refresh_token).not.toBe(token.token.refresh_token);
    const accessToken = refreshed.token.access_token as string;
    const before = await fetch(`${t.url}/v1/oauth-token`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(before.status).toBe(200);

    await refreshed.revokeAll();

    const after = await fetch(`${t.url}/v1/oauth-token`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(after.status).toBe(401);
  });
});
