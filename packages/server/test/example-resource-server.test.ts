import type { Server } from 'node:http';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResourceServer } from '../../../examples/resource-server/src/server.js';
import { REDIRECT_URI, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { freePort, startListeningApp } from './helpers/listening-app.js';
import { issueCode, tokenRequest } from './helpers/oauth.js';

const REPORTS = 'https://reports.example/';
const OTHER = 'https://other.example/';

describe.each(DIALECTS)('the example resource server (jose remote JWKS) on %s', (dialect) => {
  let t: TestApp & { url: string };
  let api: Server;
  let apiUrl: string;

  beforeAll(async () => {
    t = await startListeningApp(dialect, { RESOURCE_SERVER_SIGNING_KEY_ROTATION_SECONDS: '600' });
    for (const [identifier, scope] of [
      [REPORTS, 'reports:read'],
      [OTHER, 'other:read'],
    ] as const)
      await t.services.resourceServers.register(
        { identifier, name: scope, scopes: [{ name: scope, consentText: scope }], tokenFormat: 'jwt' },
        null,
      );
    await t.services.apps.update(
      t.seed.expiringApp.id,
      { scopes: ['boards:read', 'reports:read', 'other:read'] },
      null,
    );
    api = await createResourceServer({
      issuer: t.url,
      audience: REPORTS,
      readScope: 'reports:read',
      jwksCooldownMs: 0,
      now: () => new Date(t.clock.now()),
    });
    const port = await freePort();
    await new Promise<void>((resolve) => api.listen(port, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${port}/reports`;
  });
  afterAll(async () => {
    await new Promise((resolve) => api?.close(resolve));
    await t?.close();
  });

  const call = (token: string) => fetch(apiUrl, { headers: { authorization: `Bearer ${token}` } });
  const grant = async (scope: string, resource: string) => {
    const code = await issueCode(t, { scopes: [scope], resources: [resource] });
    const response = await tokenRequest(t.app, {
      grant_type: 'authorization_code',
      client_id: t.seed.expiringApp.id,
      client_secret: t.seed.expiringSecret,
      code,
      redirect_uri: REDIRECT_URI,
    });
    return response.json() as Promise<{ access_token: string; refresh_token: string }>;
  };
  const refresh = async (refreshToken: string) =>
    (
      await tokenRequest(t.app, {
        grant_type: 'refresh_token',
        client_id: t.seed.expiringApp.id,
        client_secret: t.seed.expiringSecret,
        refresh_token: refreshToken,
      })
    ).json() as Promise<{ access_token: string; refresh_token: string }>;

  it('accepts tokens through a key rotation, and refuses expired and foreign-audience ones', async () => {
    const first = await grant('reports:read', REPORTS);
    const ok = await call(first.access_token);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ user: t.seed.alice.id, app: t.seed.expiringApp.id, reports: [] });

    // Past the rotation: a token signed with the next key, which the API has not seen yet.
    t.clock.advance(610_000);
    const rotated = await refresh(first.refresh_token);
    expect(decodeProtectedHeader(rotated.access_token).kid).not.toBe(decodeProtectedHeader(first.access_token).kid);
    expect((await call(rotated.access_token)).status).toBe(200);

    // The first token's five minutes are over.
    const expired = await call(first.access_token);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await expired.json()).toEqual({ error: 'invalid_token' });

    // A token for another API, signed by the same issuer, is not for this one.
    const foreign = await grant('other:read', OTHER);
    expect((await call(foreign.access_token)).status).toBe(401);
    // Nor is an opaque Miro token.
    const opaque = await grant('boards:read', t.config.publicUrl);
    expect((await call(opaque.access_token)).status).toBe(401);
  });
});
