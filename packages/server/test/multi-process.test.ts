import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../src/domain/services.js';
import { systemClock } from '../src/lib/clock.js';
import { tokenKey } from '../src/lib/tokens.js';
import { createRepositories } from '../src/storage/repositories/index.js';
import { REDIRECT_URI, type Seed, seed, testConfig } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { DIALECTS } from './helpers/dialects.js';
import { type ServerProcess, startServerProcess } from './helpers/server-process.js';

describe.each(DIALECTS)('two server processes on one %s database', (dialect) => {
  let db: TestDatabase;
  let services: Services;
  let data: Seed;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    const config = testConfig({ DATABASE_URL: db.url });
    services = createServices({ config, repos: createRepositories(db.database.db), clock: systemClock });
    data = await seed(services);
    servers = await Promise.all([0, 1].map(() => startServerProcess({ DATABASE_URL: db.url })));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop();
  });

  async function post(server: ServerProcess, params: Record<string, string>) {
    const response = await fetch(`${server.url}/v1/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: data.expiringApp.id, client_secret: data.expiringSecret, ...params }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  }

  async function freshRefreshToken(): Promise<string> {
    const code = await services.authorization.issueCode(
      {
        app: data.expiringApp,
        redirectUri: REDIRECT_URI,
        scopes: ['boards:read'],
        codeChallenge: undefined,
      },
      data.alice.id,
      data.teamId,
    );
    const { body } = await post(servers[0]!, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
    return body.refresh_token!;
  }

  it('never rotates one refresh token twice when both processes race it', async () => {
    for (let round = 0; round < 5; round++) {
      const refreshToken = await freshRefreshToken();
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          post(servers[i % 2]!, { grant_type: 'refresh_token', refresh_token: refreshToken }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(new Set(responses.map((r) => r.body.refresh_token)).size).toBe(1);
      const family = await db.database.db
        .selectFrom('refresh_tokens')
        .select(['digest', 'rotated_at'])
        .where(
          'family_id',
          '=',
          (
            await db.database.db
              .selectFrom('refresh_tokens')
              .select('family_id')
              .where('digest', '=', tokenKey(refreshToken))
              .executeTakeFirstOrThrow()
          ).family_id,
        )
        .execute();
      expect(family).toHaveLength(2);
      expect(family.filter((r) => r.rotated_at !== null)).toHaveLength(1);
      const next = responses[0]!.body;
      const check = await fetch(`${servers[1]!.url}/v1/oauth-token`, {
        headers: { authorization: `Bearer ${next.access_token}` },
      });
      expect(check.status).toBe(200);
    }
  });

  it('revokes on one process what the other issued', async () => {
    const refreshToken = await freshRefreshToken();
    const { body } = await post(servers[0]!, { grant_type: 'refresh_token', refresh_token: refreshToken });
    const revoke = await fetch(`${servers[1]!.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: body.refresh_token!,
        client_id: data.expiringApp.id,
        client_secret: data.expiringSecret,
      }),
    });
    expect(revoke.status).toBe(200);
    const check = await fetch(`${servers[0]!.url}/v1/oauth-token`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(check.status).toBe(401);
  });

  it('keeps tokens, codes and secrets out of the logs', async () => {
    const refreshToken = await freshRefreshToken();
    const { body } = await post(servers[0]!, { grant_type: 'refresh_token', refresh_token: refreshToken });
    await fetch(`${servers[0]!.url}/v1/oauth-token?access_token=${body.access_token}`);
    await fetch(
      `${servers[0]!.url}/v1/oauth/token?grant_type=refresh_token&refresh_token=${body.refresh_token}&client_id=${data.expiringApp.id}&client_secret=${data.expiringSecret}`,
      { method: 'POST' },
    );
    // pino writes asynchronously: wait for the line of the last request before reading the logs.
    const deadline = Date.now() + 5000;
    while (
      !servers[0]!.output().includes('/v1/oauth/token?grant_type=refresh_token&refresh_token=[redacted]') &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const logs = servers.map((s) => s.output()).join('\n');
    expect(logs).toContain('/v1/oauth-token?access_token=[redacted]');
    for (const secret of [refreshToken, body.access_token!, body.refresh_token!, data.expiringSecret]) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).not.toMatch(/gb[acrsx]_[A-Za-z0-9_-]{20}/);
  });
});
