import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s256 } from '../src/lib/pkce.js';
import { REDIRECT_URI, startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { basic, bearer, issueCode, obtainTokens, tokenRequest } from './helpers/oauth.js';

const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

function errorBody(status: number, code: string, description: string) {
  return { status, code, message: description, type: 'error', error: code, error_description: description };
}

describe.each(DIALECTS)('POST /v1/oauth/token on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t?.close());

  const exchange = (code: string, extra: Record<string, string> = {}) =>
    tokenRequest(t.app, {
      grant_type: 'authorization_code',
      client_id: t.seed.expiringApp.id,
      client_secret: t.seed.expiringSecret,
      code,
      redirect_uri: REDIRECT_URI,
      ...extra,
    });

  describe('authorization_code', () => {
    it('issues an expiring pair with ids as strings and no-store', async () => {
      const response = await exchange(await issueCode(t));
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers.pragma).toBe('no-cache');
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual([
        'access_token',
        'expires_in',
        'refresh_token',
        'scope',
        'team_id',
        'token_type',
        'user_id',
      ]);
      expect(body).toMatchObject({
        token_type: 'bearer',
        scope: 'boards:read boards:write',
        user_id: t.seed.alice.id,
        team_id: t.seed.teamId,
        expires_in: 3600,
      });
      expect(body.access_token).toMatch(/^gba_[A-Za-z0-9_-]{57}$/);
      expect(body.refresh_token).toMatch(/^gbr_[A-Za-z0-9_-]{57}$/);
    });

    it('issues a non-expiring token without expires_in or refresh_token', async () => {
      const body = await obtainTokens(t, { app: t.seed.nonExpiringApp });
      expect(Object.keys(body).sort()).toEqual(['access_token', 'scope', 'team_id', 'token_type', 'user_id']);
      t.clock.advance(400 * 24 * 3600 * 1000);
      expect((await bearer(t.app, body.access_token)).statusCode).toBe(200);
    });

    it('accepts every parameter in the query string with no body, as the official Node client sends them', async () => {
      const code = await issueCode(t);
      const query = new URLSearchParams({
        code,
        client_id: t.seed.expiringApp.id,
        client_secret: t.seed.expiringSecret,
        redirect_uri: REDIRECT_URI,
        grant_type: 'authorization_code',
      });
      const response = await t.app.inject({ method: 'POST', url: `/v1/oauth/token?${query}` });
      expect(response.statusCode).toBe(200);
    });

    it('accepts parameters split between query and form body', async () => {
      const code = await issueCode(t);
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/oauth/token?grant_type=authorization_code&code=${code}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          client_id: t.seed.expiringApp.id,
          client_secret: t.seed.expiringSecret,
          redirect_uri: REDIRECT_URI,
        }).toString(),
      });
      expect(response.statusCode).toBe(200);
    });

    it('accepts HTTP Basic client authentication', async () => {
      const code = await issueCode(t);
      const response = await tokenRequest(
        t.app,
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
        { authorization: basic(t.seed.expiringApp.id, t.seed.expiringSecret) },
      );
      expect(response.statusCode).toBe(200);
    });

    it('refuses a redirect_uri that differs from the authorization request', async () => {
      const response = await exchange(await issueCode(t), { redirect_uri: 'http://127.0.0.1/native' });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(errorBody(400, 'invalid_grant', 'Redirect URI mismatch.'));
    });

    it('refuses an expired code', async () => {
      const code = await issueCode(t);
      t.clock.advance(600_001);
      const response = await exchange(code);
      expect(response.json()).toEqual(errorBody(400, 'invalid_grant', 'The authorization code has expired.'));
    });

    it('accepts a code just before its ten minutes are up', async () => {
      const code = await issueCode(t);
      t.clock.advance(599_000);
      expect((await exchange(code)).statusCode).toBe(200);
    });

    it('refuses a code issued to another client without burning it for its own client', async () => {
      const code = await issueCode(t, { app: t.seed.nonExpiringApp });
      const response = await exchange(code);
      expect(response.json()).toEqual(
        errorBody(400, 'invalid_grant', 'The authorization code is invalid, expired or already used.'),
      );
      const own = await tokenRequest(t.app, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: t.seed.nonExpiringApp.id,
        client_secret: t.seed.nonExpiringSecret,
      });
      expect(own.statusCode).toBe(200);
      expect((await bearer(t.app, own.json().access_token)).statusCode).toBe(200);
      const alarms = await t.repos.audit.list({ type: 'authorization_code_replay_detected' });
      expect(alarms.filter((e) => e.app_id === t.seed.nonExpiringApp.id)).toEqual([]);
    });

    it('refuses a mistyped code without touching the database', async () => {
      const code = await issueCode(t);
      const typo = `${code.slice(0, 10)}${code[10] === 'a' ? 'b' : 'a'}${code.slice(11)}`;
      expect((await exchange(typo)).json().error).toBe('invalid_grant');
      expect((await exchange(code)).statusCode).toBe(200);
    });

    it('revokes the tokens issued from a code when the code is replayed, and audits it', async () => {
      const code = await issueCode(t);
      const first = (await exchange(code)).json();
      const replay = await exchange(code);
      expect(replay.statusCode).toBe(400);
      expect(replay.json()).toEqual(
        errorBody(400, 'invalid_grant', 'The authorization code is invalid, expired or already used.'),
      );
      expect((await bearer(t.app, first.access_token)).statusCode).toBe(401);
      const refresh = await tokenRequest(t.app, {
        grant_type: 'refresh_token',
        client_id: t.seed.expiringApp.id,
        client_secret: t.seed.expiringSecret,
        refresh_token: first.refresh_token,
      });
      expect(refresh.json().error).toBe('invalid_grant');
      const events = await t.repos.audit.list({ type: 'authorization_code_replay_detected' });
      expect(events.some((e) => JSON.parse(e.detail).revokedFamilies === 1)).toBe(true);
    });

    it('revokes exactly once when the same code is redeemed in parallel', async () => {
      const code = await issueCode(t);
      const responses = await Promise.all(Array.from({ length: 10 }, () => exchange(code)));
      const ok = responses.filter((r) => r.statusCode === 200);
      expect(ok.length).toBeLessThanOrEqual(1);
      for (const r of ok) expect((await bearer(t.app, r.json().access_token)).statusCode).toBe(401);
    });

    describe('PKCE', () => {
      it('accepts the matching S256 verifier', async () => {
        const code = await issueCode(t, { codeChallenge: s256(VERIFIER) });
        expect((await exchange(code, { code_verifier: VERIFIER })).statusCode).toBe(200);
      });

      it('refuses a wrong verifier', async () => {
        const code = await issueCode(t, { codeChallenge: s256(VERIFIER) });
        const response = await exchange(code, { code_verifier: `${VERIFIER.slice(0, -1)}x` });
        expect(response.json()).toEqual(
          errorBody(400, 'invalid_grant', 'The code_verifier does not match the code_challenge.'),
        );
      });

      it('refuses a missing verifier', async () => {
        const code = await issueCode(t, { codeChallenge: s256(VERIFIER) });
        expect((await exchange(code)).json()).toEqual(
          errorBody(400, 'invalid_grant', "Missing required parameter 'code_verifier'."),
        );
      });

      it('refuses a verifier for a request made without a challenge (downgrade)', async () => {
        const code = await issueCode(t);
        expect((await exchange(code, { code_verifier: VERIFIER })).json()).toEqual(
          errorBody(
            400,
            'invalid_grant',
            'A code_verifier was sent, but the authorization request had no code_challenge.',
          ),
        );
      });

      it('refuses a verifier that is not 43 to 128 unreserved characters (RFC 7636 §4.1), leaving the code usable', async () => {
        const code = await issueCode(t, { codeChallenge: s256(VERIFIER) });
        for (const verifier of ['short', 'a'.repeat(42), 'a'.repeat(129), `${VERIFIER.slice(0, 42)}!`]) {
          const response = await exchange(code, { code_verifier: verifier });
          expect(response.json()).toMatchObject({ status: 400, error: 'invalid_request' });
        }
        expect((await exchange(code, { code_verifier: VERIFIER })).statusCode).toBe(200);
      });

      it('refuses the plain method: the challenge must be the S256 of the verifier', async () => {
        const code = await issueCode(t, { codeChallenge: VERIFIER });
        expect((await exchange(code, { code_verifier: VERIFIER })).json().error).toBe('invalid_grant');
      });

      it('lets a public app exchange with client_id and verifier only', async () => {
        const code = await issueCode(t, { app: t.seed.publicApp, codeChallenge: s256(VERIFIER) });
        const response = await tokenRequest(t.app, {
          grant_type: 'authorization_code',
          client_id: t.seed.publicApp.id,
          code,
          redirect_uri: REDIRECT_URI,
          code_verifier: VERIFIER,
        });
        expect(response.statusCode).toBe(200);
        expect(response.json().refresh_token).toMatch(/^gbr_/);
      });
    });
  });

  describe('client authentication', () => {
    it('refuses a wrong secret with 401 invalid_client', async () => {
      const response = await exchange(await issueCode(t), { client_secret: `${t.seed.expiringSecret}x` });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(errorBody(401, 'invalid_client', 'Client authentication failed.'));
      expect(response.headers['www-authenticate']).toBeUndefined();
    });

    it('answers a failed Basic authentication with a Basic challenge', async () => {
      const response = await tokenRequest(
        t.app,
        { grant_type: 'authorization_code', code: await issueCode(t), redirect_uri: REDIRECT_URI },
        { authorization: basic(t.seed.expiringApp.id, 'wrong') },
      );
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Basic realm="grantboard", charset="UTF-8"');
    });

    it('refuses two authentication methods at once', async () => {
      const response = await tokenRequest(
        t.app,
        {
          grant_type: 'authorization_code',
          code: await issueCode(t),
          redirect_uri: REDIRECT_URI,
          client_secret: t.seed.expiringSecret,
        },
        { authorization: basic(t.seed.expiringApp.id, t.seed.expiringSecret) },
      );
      expect(response.json()).toEqual(
        errorBody(400, 'invalid_request', 'Use one client authentication method, not several.'),
      );
    });

    it('refuses an unknown client and a missing secret', async () => {
      const unknown = await tokenRequest(t.app, {
        grant_type: 'authorization_code',
        client_id: '123',
        client_secret: 'x',
        code: 'c',
        redirect_uri: REDIRECT_URI,
      });
      expect(unknown.json()).toEqual(errorBody(401, 'invalid_client', 'Client authentication failed.'));
      const noSecret = await tokenRequest(t.app, {
        grant_type: 'authorization_code',
        client_id: t.seed.expiringApp.id,
        code: 'c',
        redirect_uri: REDIRECT_URI,
      });
      expect(noSecret.statusCode).toBe(401);
    });

    it('refuses a public app that sends a secret', async () => {
      const response = await tokenRequest(t.app, {
        grant_type: 'authorization_code',
        client_id: t.seed.publicApp.id,
        client_secret: 'anything',
        code: 'c',
        redirect_uri: REDIRECT_URI,
      });
      expect(response.statusCode).toBe(401);
    });
  });

  describe('malformed requests', () => {
    it('names a missing parameter', async () => {
      const response = await tokenRequest(t.app, {
        grant_type: 'authorization_code',
        client_id: t.seed.expiringApp.id,
        client_secret: t.seed.expiringSecret,
        redirect_uri: REDIRECT_URI,
      });
      expect(response.json()).toEqual(errorBody(400, 'invalid_request', "Missing required parameter 'code'."));
    });

    it('refuses a repeated parameter, within the body or across query and body', async () => {
      const inBody = await t.app.inject({
        method: 'POST',
        url: '/v1/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=refresh_token&grant_type=authorization_code',
      });
      expect(inBody.json()).toEqual(errorBody(400, 'invalid_request', "Parameter 'grant_type' is repeated."));
      const across = await t.app.inject({
        method: 'POST',
        url: '/v1/oauth/token?grant_type=refresh_token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=refresh_token',
      });
      expect(across.json().error).toBe('invalid_request');
    });

    it('refuses an unsupported grant type', async () => {
      for (const grantType of ['password', 'client_credentials', 'implicit']) {
        const response = await tokenRequest(t.app, {
          grant_type: grantType,
          client_id: t.seed.expiringApp.id,
          client_secret: t.seed.expiringSecret,
        });
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual(
          errorBody(400, 'unsupported_grant_type', `Unsupported grant_type '${grantType}'.`),
        );
      }
    });

    it('refuses JSON and other body types with invalid_request, not a Fastify error', async () => {
      const json = await t.app.inject({
        method: 'POST',
        url: '/v1/oauth/token',
        payload: { grant_type: 'authorization_code' },
      });
      expect(json.statusCode).toBe(400);
      expect(json.json().error).toBe('invalid_request');
      const xml = await t.app.inject({
        method: 'POST',
        url: '/v1/oauth/token',
        headers: { 'content-type': 'text/xml' },
        payload: '<a/>',
      });
      expect(xml.statusCode).toBe(400);
      expect(xml.json()).toEqual(
        errorBody(
          400,
          'invalid_request',
          'Send the parameters as application/x-www-form-urlencoded or in the query string.',
        ),
      );
    });

    it('refuses an oversized body', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/v1/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `grant_type=authorization_code&code=${'a'.repeat(70_000)}`,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(errorBody(400, 'invalid_request', 'The request body is too large.'));
    });
  });
});
