import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { basic, tokenRequest } from './helpers/oauth.js';

describe.each(DIALECTS)('token endpoint budget per client on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { TOKEN_REQUESTS_PER_MINUTE: '3' });
  });
  afterAll(() => t?.close());

  const attempt = (id: string, secret: string) =>
    tokenRequest(
      t.app,
      { grant_type: 'refresh_token', refresh_token: 'gbr_unknown' },
      { authorization: basic(id, secret) },
    );

  it('answers 429 with Retry-After past the budget, per client, and recovers in the next window', async () => {
    t.clock.advance(60_000 - (t.clock.now() % 60_000));
    for (let i = 0; i < 3; i++)
      expect((await attempt(t.seed.expiringApp.id, t.seed.expiringSecret)).statusCode).toBe(400);
    const limited = await attempt(t.seed.expiringApp.id, t.seed.expiringSecret);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('60');
    expect(limited.json()).toEqual({
      status: 429,
      code: 'temporarily_unavailable',
      message: 'Too many token requests for this client; retry in 60 seconds.',
      type: 'error',
      error: 'temporarily_unavailable',
      error_description: 'Too many token requests for this client; retry in 60 seconds.',
    });
    // Another client has its own budget; a caller without the secret spends none of this one's.
    expect((await attempt(t.seed.nonExpiringApp.id, t.seed.nonExpiringSecret)).statusCode).toBe(400);
    expect((await attempt(t.seed.nonExpiringApp.id, 'wrong')).statusCode).toBe(401);
    t.clock.advance(60_000);
    expect((await attempt(t.seed.expiringApp.id, t.seed.expiringSecret)).statusCode).toBe(400);
  });
});
