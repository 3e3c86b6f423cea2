import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digest, isWellFormedToken, tokenKey } from '../src/lib/tokens.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { basic, bearer, obtainTokens, tokenRequest } from './helpers/oauth.js';

/** A token as versions before time-ordered keys minted it: 256 random bits, checksum over the head alone. */
function earlierToken(prefix: string): string {
  const head = prefix + randomBytes(32).toString('base64url');
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc32(head));
  return head + sum.toString('base64url');
}

describe.each(DIALECTS)('refresh token rotation on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t?.close());

  const refresh = (refreshToken: string, extra: Record<string, string> = {}) =>
    tokenRequest(
      t.app,
      { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra },
      { authorization: basic(t.seed.expiringApp.id, t.seed.expiringSecret) },
    );

  async function rotationsOf(refreshToken: string) {
    const rows = await t.db.database.db
      .selectFrom('refresh_tokens')
      .select(['rotated_at', 'replaced_by', 'family_id'])
      .where('digest', '=', tokenKey(refreshToken))
      .execute();
    return rows;
  }

  it('returns a new pair and invalidates the old pair at once', async () => {
    const first = await obtainTokens(t);
    const response = await refresh(first.refresh_token!);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const second = response.json();
    expect(second).toMatchObject({
      token_type: 'bearer',
      scope: 'boards:read boards:write',
      user_id: t.seed.alice.id,
      team_id: t.seed.teamId,
      expires_in: 3600,
    });
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await bearer(t.app, first.access_token)).statusCode).toBe(401);
    expect((await bearer(t.app, second.access_token)).statusCode).toBe(200);
  });

  it('starts a new refresh lifetime on every rotation and refuses an expired refresh token', async () => {
    const first = await obtainTokens(t);
    t.clock.advance(59 * 24 * 3600 * 1000);
    const second = (await refresh(first.refresh_token!)).json();
    t.clock.advance(59 * 24 * 3600 * 1000);
    const third = await refresh(second.refresh_token);
    expect(third.statusCode).toBe(200);
    t.clock.advance(60 * 24 * 3600 * 1000 + 1);
    expect((await refresh(third.json().refresh_token)).json().error).toBe('invalid_grant');
  });

  it('expires the access token after an hour, with tokenExpired', async () => {
    const tokens = await obtainTokens(t);
    t.clock.advance(3599_000);
    expect((await bearer(t.app, tokens.access_token)).statusCode).toBe(200);
    t.clock.advance(1000);
    const expired = await bearer(t.app, tokens.access_token);
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toEqual({
      status: 401,
      code: 'tokenExpired',
      message: 'The access token has expired.',
      type: 'error',
    });
    expect(expired.headers['www-authenticate']).toBe(
      'Bearer realm="grantboard", error="invalid_token", error_description="The access token has expired."',
    );
  });

  it('gives 50 parallel refreshes with one token the same new pair, with exactly one rotation', async () => {
    const first = await obtainTokens(t);
    const responses = await Promise.all(Array.from({ length: 50 }, () => refresh(first.refresh_token!)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(50).fill(200));
    const pairs = new Set(responses.map((r) => `${r.json().access_token} ${r.json().refresh_token}`));
    expect(pairs.size).toBe(1);
    const [pair] = responses.map((r) => r.json());
    const rows = await rotationsOf(first.refresh_token!);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.replaced_by).toBe(tokenKey(pair.refresh_token));
    const family = await t.db.database.db
      .selectFrom('refresh_tokens')
      .select('digest')
      .where('family_id', '=', rows[0]!.family_id)
      .execute();
    expect(family).toHaveLength(2);
    expect((await bearer(t.app, pair.access_token)).statusCode).toBe(200);
    expect((await refresh(pair.refresh_token)).statusCode).toBe(200);
  });

  it('replays the identical response within the grace window, with expires_in counting down', async () => {
    const first = await obtainTokens(t);
    const a = (await refresh(first.refresh_token!)).json();
    t.clock.advance(30_000);
    const b = (await refresh(first.refresh_token!)).json();
    expect(b).toEqual({ ...a, expires_in: 3570 });
  });

  it('treats a reuse after the grace window as theft: the family is revoked and the event audited', async () => {
    const first = await obtainTokens(t);
    const second = (await refresh(first.refresh_token!)).json();
    t.clock.advance(61_000);
    const reuse = await refresh(first.refresh_token!);
    expect(reuse.statusCode).toBe(400);
    expect(reuse.json().error).toBe('invalid_grant');
    expect((await bearer(t.app, second.access_token)).statusCode).toBe(401);
    expect((await refresh(second.refresh_token)).json().error).toBe('invalid_grant');
    const events = await t.repos.audit.list({ type: 'refresh_token_reuse_detected' });
    expect(events.some((e) => e.user_id === t.seed.alice.id && e.app_id === t.seed.expiringApp.id)).toBe(true);
  });

  it('treats a reuse within the window as theft once the new token was itself used', async () => {
    const first = await obtainTokens(t);
    const second = (await refresh(first.refresh_token!)).json();
    const third = (await refresh(second.refresh_token)).json();
    expect((await refresh(first.refresh_token!)).json().error).toBe('invalid_grant');
    expect((await bearer(t.app, third.access_token)).statusCode).toBe(401);
  });

  it('refuses a refresh token presented by another client without revoking it', async () => {
    const first = await obtainTokens(t);
    const stolen = await tokenRequest(t.app, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token!,
      client_id: t.seed.publicApp.id,
    });
    expect(stolen.json().error).toBe('invalid_grant');
    expect((await refresh(first.refresh_token!)).statusCode).toBe(200);
  });

  it('refuses a widened scope with invalid_scope and leaves the token unrotated', async () => {
    const first = await obtainTokens(t, { scopes: ['boards:read'] });
    const wider = await refresh(first.refresh_token!, { scope: 'boards:read boards:write' });
    expect(wider.statusCode).toBe(400);
    expect(wider.json()).toMatchObject({
      error: 'invalid_scope',
      error_description: 'The grant does not include: boards:write.',
    });
    expect((await bearer(t.app, first.access_token)).statusCode).toBe(200);
    const same = await refresh(first.refresh_token!, { scope: 'boards:read' });
    expect(same.statusCode).toBe(200);
    expect(same.json().scope).toBe('boards:read');
  });

  it('grants a narrower scope (RFC 6749 §6): the new pair carries it, and later refreshes cannot widen it again', async () => {
    const first = await obtainTokens(t);
    const narrower = await refresh(first.refresh_token!, { scope: 'boards:read' });
    expect(narrower.statusCode).toBe(200);
    expect(narrower.json().scope).toBe('boards:read');
    const context = await bearer(t.app, narrower.json().access_token);
    expect(context.json().scopes).toEqual(['boards:read']);
    const write = await t.app.inject({
      method: 'POST',
      url: '/v2/boards',
      headers: { authorization: `Bearer ${narrower.json().access_token}`, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(write.statusCode).toBe(403);
    const widen = await refresh(narrower.json().refresh_token, { scope: 'boards:read boards:write' });
    expect(widen.json().error).toBe('invalid_scope');
  });

  it('accepts the granted scope in another order', async () => {
    const first = await obtainTokens(t);
    const reordered = await refresh(first.refresh_token!, { scope: 'boards:write boards:read' });
    expect(reordered.statusCode).toBe(200);
    expect(reordered.json().scope).toBe('boards:write boards:read');
  });

  it('refuses a malformed scope without rotating', async () => {
    const first = await obtainTokens(t);
    const malformed = await refresh(first.refresh_token!, { scope: 'boards:read  "x"' });
    expect(malformed.json().error).toBe('invalid_scope');
    expect((await refresh(first.refresh_token!)).statusCode).toBe(200);
  });

  it('answers a refresh for a non-expiring app with unauthorized_client', async () => {
    const response = await tokenRequest(t.app, {
      grant_type: 'refresh_token',
      refresh_token: 'gbr_x',
      client_id: t.seed.nonExpiringApp.id,
      client_secret: t.seed.nonExpiringSecret,
    });
    expect(response.json()).toMatchObject({ status: 400, error: 'unauthorized_client' });
  });

  it('refuses a refresh token after the app is uninstalled from the team', async () => {
    const tokens = await obtainTokens(t, { teamId: t.seed.otherTeamId, userId: t.seed.bob.id });
    await t.services.installs.uninstall(t.seed.expiringApp.id, t.seed.otherTeamId, null);
    expect((await refresh(tokens.refresh_token!)).json().error).toBe('invalid_grant');
    expect((await bearer(t.app, tokens.access_token)).statusCode).toBe(401);
  });

  it('keeps serving a pair minted by an earlier version, stored under its bare digest', async () => {
    const minted = await obtainTokens(t);
    const access = earlierToken('gba_');
    const refreshToken = earlierToken('gbr_');
    expect(isWellFormedToken(access, 'access') && isWellFormedToken(refreshToken, 'refresh')).toBe(true);
    expect(tokenKey(access)).toBe(digest(access));
    const db = t.db.database.db;
    await db
      .updateTable('access_tokens')
      .set({ digest: digest(access) })
      .where('digest', '=', tokenKey(minted.access_token))
      .execute();
    await db
      .updateTable('refresh_tokens')
      .set({ digest: digest(refreshToken) })
      .where('digest', '=', tokenKey(minted.refresh_token!))
      .execute();

    expect((await bearer(t.app, access)).statusCode).toBe(200);
    const rotated = await refresh(refreshToken);
    expect(rotated.statusCode).toBe(200);
    const pair = rotated.json();
    expect((await rotationsOf(refreshToken))[0]!.replaced_by).toBe(tokenKey(pair.refresh_token));
    expect(tokenKey(pair.refresh_token)).not.toBe(digest(pair.refresh_token));
    expect((await bearer(t.app, access)).statusCode).toBe(401);
    // An earlier version sealed the grace-window replay into the rotated row itself.
    const successor = await db
      .selectFrom('refresh_tokens')
      .select('replay_sealed')
      .where('digest', '=', tokenKey(pair.refresh_token))
      .executeTakeFirstOrThrow();
    await db
      .updateTable('refresh_tokens')
      .set({ replay_sealed: successor.replay_sealed })
      .where('digest', '=', digest(refreshToken))
      .execute();
    await db
      .updateTable('refresh_tokens')
      .set({ replay_sealed: null })
      .where('digest', '=', tokenKey(pair.refresh_token))
      .execute();
    expect((await refresh(refreshToken)).json()).toEqual(pair);
  });
});
