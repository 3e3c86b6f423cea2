import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/domain/services.js';
import { systemClock } from '../../src/lib/clock.js';
import { createRepositories } from '../../src/storage/repositories/index.js';
import { type Seed, seed, testConfig } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { DIALECTS } from '../helpers/dialects.js';
import { type ClientPair, refreshStream } from '../helpers/refresh-clients.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

describe.each(DIALECTS)('kill -9 during a stream of refreshes on %s', (dialect) => {
  let db: TestDatabase;
  let services: Services;
  let data: Seed;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    services = createServices({
      config: testConfig({ DATABASE_URL: db.url }),
      repos: createRepositories(db.database.db),
      clock: systemClock,
    });
    data = await seed(services);
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('leaves every family with exactly one valid pair, and no client that got a 200 with a dead pair', async () => {
    const grant = { userId: data.alice.id, teamId: data.teamId, scopes: ['boards:read'] };
    const pairs: ClientPair[] = [];
    for (let i = 0; i < 16; i++) {
      const tokens = await services.tokens.issue(data.expiringApp, grant);
      pairs.push({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token! });
    }
    server = await startServerProcess({ DATABASE_URL: db.url });
    let url = server.url;
    const stream = refreshStream(() => url, data, pairs);
    while (stream.counts.ok < 150) await new Promise((r) => setTimeout(r, 20));
    server.child.kill('SIGKILL');
    await server.stop();
    await new Promise((r) => setTimeout(r, 200));
    server = await startServerProcess({ DATABASE_URL: db.url });
    url = server.url;
    const before = stream.counts.ok;
    while (stream.counts.ok < before + 100) await new Promise((r) => setTimeout(r, 20));
    await stream.stop();
    expect(stream.counts.failed).toBe(0);

    // Nothing half-written: per family exactly one unrotated refresh token and one live access token,
    // and every rotated token points at a stored successor.
    const rows = await db.database.db
      .selectFrom('refresh_tokens')
      .select(['family_id', 'rotated_at', 'replaced_by', 'digest'])
      .execute();
    const digests = new Set(rows.map((r) => r.digest));
    const families = new Map<string, typeof rows>();
    for (const row of rows) families.set(row.family_id, [...(families.get(row.family_id) ?? []), row]);
    expect(families.size).toBe(16);
    for (const tokens of families.values()) {
      expect(tokens.filter((t) => t.rotated_at === null)).toHaveLength(1);
      for (const t of tokens.filter((t) => t.rotated_at !== null)) expect(digests.has(t.replaced_by!)).toBe(true);
    }
    const liveAccess = await db.database.db
      .selectFrom('access_tokens')
      .select('family_id')
      .where('revoked_at', 'is', null)
      .execute();
    expect(liveAccess).toHaveLength(16);

    // Every client's acknowledged pair still leads somewhere: its access token works, or (if a
    // rotation committed but its answer was lost in the crash) a retry of its refresh token within
    // the grace window returns that rotation's pair.
    for (const pair of pairs) {
      const check = await fetch(`${url}/v1/oauth-token`, { headers: { authorization: `Bearer ${pair.accessToken}` } });
      expect(check.status).toBe(200);
      const retry = await fetch(`${url}/v1/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: pair.refreshToken,
          client_id: data.expiringApp.id,
          client_secret: data.expiringSecret,
        }),
      });
      expect(retry.status).toBe(200);
    }
  });
});
