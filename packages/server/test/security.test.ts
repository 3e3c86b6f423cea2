import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, REDIRECT_URI, startTestApp, type TestApp } from './helpers/app.js';
import { BrowserSession } from './helpers/browser-session.js';
import { DIALECTS } from './helpers/dialects.js';
import { basic, bearer, issueCode, obtainTokens, tokenRequest } from './helpers/oauth.js';

describe.each(DIALECTS)('security properties on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t?.close());

  it('stores only digests of tokens and codes, and the client secret only encrypted', async () => {
    const code = await issueCode(t);
    const tokens = await obtainTokens(t);
    const dump = JSON.stringify(
      await Promise.all(
        (
          ['apps', 'authorization_codes', 'token_families', 'access_tokens', 'refresh_tokens', 'audit_events'] as const
        ).map((table) => t.db.database.db.selectFrom(table).selectAll().execute()),
      ),
    );
    for (const secret of [
      code,
      tokens.access_token,
      tokens.refresh_token!,
      t.seed.expiringSecret,
      t.seed.expiringSecret.slice(4),
    ]) {
      expect(dump).not.toContain(secret);
    }
  });

  it('mints tokens with 256 random bits after the issue time: every one of the 256 bit positions varies across tokens', async () => {
    const bodies: Buffer[] = [];
    for (let i = 0; i < 20; i++) {
      const tokens = await obtainTokens(t);
      for (const token of [tokens.access_token, tokens.refresh_token!]) {
        bodies.push(Buffer.from(token.slice(12, 55), 'base64url'));
      }
    }
    // 43 base64url characters carry exactly 32 bytes. A bit that is random is set in some of 40
    // tokens and clear in others, except with probability 2^-39; a fixed or counter bit is not.
    expect(bodies.every((body) => body.length === 32)).toBe(true);
    const constantBits = [];
    for (let bit = 0; bit < 256; bit++) {
      const values = new Set(bodies.map((body) => (body[bit >> 3]! >> (7 - (bit & 7))) & 1));
      if (values.size === 1) constantBits.push(bit);
    }
    expect(constantBits).toEqual([]);
  });

  it('stops accepting the old client secret when it is rotated out (a second rotation ends the overlap at once)', async () => {
    const { app, clientSecret } = await t.services.apps.create({
      name: 'Rotating',
      teamId: t.seed.teamId,
      createdBy: t.seed.alice.id,
      redirectUris: [REDIRECT_URI],
      scopes: ['boards:read'],
      expiring: true,
    });
    // The first rotation keeps the original for the overlap (client-secret-rotation.test.ts); the second drops it.
    await t.services.apps.rotateSecret(app.id, t.seed.alice.id);
    const fresh = await t.services.apps.rotateSecret(app.id, t.seed.alice.id);
    const rotated = (await t.repos.apps.findById(app.id))!;
    const old = await tokenRequest(
      t.app,
      { grant_type: 'authorization_code', code: await issueCode(t, { app: rotated }), redirect_uri: REDIRECT_URI },
      { authorization: basic(app.id, clientSecret!) },
    );
    expect(old.statusCode).toBe(401);
    const now = await tokenRequest(
      t.app,
      { grant_type: 'authorization_code', code: await issueCode(t, { app: rotated }), redirect_uri: REDIRECT_URI },
      { authorization: basic(app.id, fresh) },
    );
    expect(now.statusCode).toBe(200);
    expect((await t.repos.audit.list({ type: 'client_secret_rotated' })).map((e) => e.app_id)).toContain(app.id);
  });

  it('refuses to change the token mode of an app', async () => {
    await expect(t.services.apps.update(t.seed.expiringApp.id, { expiring: false }, t.seed.alice.id)).rejects.toThrow(
      'Expiring or non-expiring tokens are chosen when the app is created and cannot be changed.',
    );
    expect((await t.repos.apps.findById(t.seed.expiringApp.id))!.expiring).toBe(true);
  });

  it('asks for consent every time: no silent approval of a repeated request', async () => {
    const browser = new BrowserSession(t.app);
    await browser.signIn(t.seed.alice.email, PASSWORD);
    await t.services.installs.install(t.seed.publicApp, t.seed.teamId, t.seed.alice.id, ['boards:read']);
    const url = `/oauth/authorize?response_type=code&client_id=${t.seed.publicApp.id}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`;
    for (let i = 0; i < 2; i++) {
      const page = await browser.get(url);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('>Allow</button>');
    }
  });

  it('allows CORS on the token endpoint but never on the authorization endpoint', async () => {
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/v1/oauth/token',
      headers: { origin: 'https://spa.example' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    const token = await tokenRequest(t.app, { grant_type: 'nope' }, { origin: 'https://spa.example' });
    expect(token.headers['access-control-allow-origin']).toBe('*');
    const authorize = await t.app.inject({
      url: '/oauth/authorize?client_id=1',
      headers: { origin: 'https://spa.example' },
    });
    expect(authorize.headers['access-control-allow-origin']).toBeUndefined();
    expect(
      (await t.app.inject({ method: 'OPTIONS', url: '/oauth/authorize' })).headers['access-control-allow-origin'],
    ).toBeUndefined();
  });

  it('binds tokens to their team: uninstalling in one team leaves the other team’s tokens working', async () => {
    const design = await obtainTokens(t, { userId: t.seed.bob.id, teamId: t.seed.teamId });
    const other = await obtainTokens(t, { userId: t.seed.bob.id, teamId: t.seed.otherTeamId });
    await t.services.installs.uninstall(t.seed.expiringApp.id, t.seed.otherTeamId, t.seed.bob.id);
    expect((await bearer(t.app, other.access_token)).statusCode).toBe(401);
    expect((await bearer(t.app, design.access_token)).statusCode).toBe(200);
    const events = await t.repos.audit.list({ teamId: t.seed.otherTeamId, type: 'app_uninstalled' });
    expect(events[0]).toMatchObject({ actor_id: t.seed.bob.id, app_id: t.seed.expiringApp.id });
  });

  it('lets only team admins uninstall', async () => {
    await expect(t.services.installs.uninstall(t.seed.expiringApp.id, t.seed.teamId, t.seed.bob.id)).rejects.toThrow(
      'Only team admins can uninstall apps.',
    );
  });

  it('spends outstanding codes on uninstall, so none can mint a token afterwards', async () => {
    await t.services.installs.install(t.seed.nonExpiringApp, t.seed.teamId, t.seed.alice.id, ['boards:read']);
    const code = await issueCode(t, { userId: t.seed.alice.id, teamId: t.seed.teamId, app: t.seed.nonExpiringApp });
    await t.services.installs.uninstall(t.seed.nonExpiringApp.id, t.seed.teamId, t.seed.alice.id);
    const response = await tokenRequest(
      t.app,
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      { authorization: basic(t.seed.nonExpiringApp.id, t.seed.nonExpiringSecret) },
    );
    expect(response.json().error).toBe('invalid_grant');
  });
});
