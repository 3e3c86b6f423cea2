import type { TokenResponse } from '@grantboard/protocol';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/storage/repositories/apps.js';
import { REDIRECT_URI, type TestApp } from './app.js';

/**
 * Issues an authorization code through the product's own authorization service, as the consent
 * page does after "Allow" (the pages themselves are exercised in the browser and flow tests).
 */
export async function issueCode(
  t: TestApp,
  options: {
    app?: App;
    userId?: string;
    teamId?: string;
    redirectUri?: string;
    scopes?: string[];
    codeChallenge?: string;
    /** RFC 8707 resources of the authorization request. */
    resources?: string[];
  } = {},
): Promise<string> {
  const app = options.app ?? t.seed.expiringApp;
  return t.services.authorization.issueCode(
    {
      app,
      redirectUri: options.redirectUri ?? REDIRECT_URI,
      scopes: options.scopes ?? app.scopes,
      codeChallenge: options.codeChallenge,
      audience: options.resources?.length ? options.resources : null,
    },
    options.userId ?? t.seed.alice.id,
    options.teamId ?? t.seed.teamId,
  );
}

/** `POST /v1/oauth/token` with a form body. */
export function tokenRequest(
  app: FastifyInstance,
  params: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: 'POST',
    url: '/v1/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(params).toString(),
  });
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** Exchanges a fresh code of an app (the expiring one by default) for tokens. */
export async function obtainTokens(t: TestApp, options: Parameters<typeof issueCode>[1] = {}): Promise<TokenResponse> {
  const app = options.app ?? t.seed.expiringApp;
  const code = await issueCode(t, options);
  const secret = app.id === t.seed.nonExpiringApp.id ? t.seed.nonExpiringSecret : t.seed.expiringSecret;
  const response = await tokenRequest(t.app, {
    grant_type: 'authorization_code',
    client_id: app.id,
    ...(app.isPublic ? {} : { client_secret: secret }),
    code,
    redirect_uri: options.redirectUri ?? REDIRECT_URI,
  });
  if (response.statusCode !== 200) throw new Error(`token request failed: ${response.body}`);
  return response.json();
}

export function bearer(app: FastifyInstance, token: string, url = '/v1/oauth-token'): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
}
