import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { basic, bearer, issueCode, obtainTokens, tokenRequest } from './helpers/oauth.js';

const DAY = 24 * 3600 * 1000;

describe.each(DIALECTS)('janitor on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t?.close());

  const count = async (table: 'authorization_codes' | 'access_tokens' | 'refresh_tokens' | 'token_families') =>
    Number(
      (
        await t.db.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const sweep = () => t.repos.janitor.sweep({ now: t.clock.now(), codeRetentionMs: DAY, revokedRetentionMs: 30 * DAY });
  const refresh = (token: string) =>
    tokenRequest(
      t.app,
      { grant_type: 'refresh_token', refresh_token: token },
      { authorization: basic(t.seed.expiringApp.id, t.seed.expiringSecret) },
    );

  it('deletes only what can no longer be used, and keeps reuse detection working', async () => {
    await issueCode(t);
    const forever = await obtainTokens(t, { app: t.seed.nonExpiringApp });
    const first = await obtainTokens(t);
    const second = (await refresh(first.refresh_token!)).json();
    expect(await sweep()).toMatchObject({ codes: 0, refreshTokens: 0, families: 0 });

    // Two days on: the access token of the expiring family has expired, its codes are past retention.
    t.clock.advance(2 * DAY);
    const swept = await sweep();
    expect(swept.codes).toBe(3);
    expect(swept.accessTokens).toBeGreaterThanOrEqual(2);
    expect(await count('authorization_codes')).toBe(0);
    expect((await bearer(t.app, forever.access_token)).statusCode).toBe(200);

    // The rotated refresh token of a live family is kept: replaying it still revokes the family.
    expect((await refresh(first.refresh_token!)).json().error).toBe('invalid_grant');
    expect((await refresh(second.refresh_token)).json().error).toBe('invalid_grant');

    // Past the refresh lifetime and the audit retention, the family and its tokens go.
    t.clock.advance(61 * DAY);
    await sweep();
    expect(await count('refresh_tokens')).toBe(0);
    expect(await count('token_families')).toBe(1);
    expect((await bearer(t.app, forever.access_token)).statusCode).toBe(200);
  });

  it('deletes in batches larger runs to the end', async () => {
    for (let i = 0; i < 30; i++) await issueCode(t);
    t.clock.advance(2 * DAY);
    const small = await import('../src/storage/repositories/janitor.js');
    const result = await small
      .janitorRepository(t.db.database.db, 7)
      .sweep({ now: t.clock.now(), codeRetentionMs: DAY, revokedRetentionMs: 30 * DAY });
    expect(result.codes).toBe(30);
  });
});
