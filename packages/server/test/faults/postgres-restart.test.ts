import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/domain/services.js';
import { systemClock } from '../../src/lib/clock.js';
import { type Database, openDatabase } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { createRepositories } from '../../src/storage/repositories/index.js';
import { type Seed, seed, testConfig } from '../helpers/app.js';
import { DIALECTS } from '../helpers/dialects.js';
import { type ClientPair, refreshStream } from '../helpers/refresh-clients.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { startThrowawayPostgres } from '../helpers/throwaway-postgres.js';

const until = async (condition: () => boolean | Promise<boolean>, what: string, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.skipIf(!DIALECTS.includes('postgres'))('PostgreSQL restarted under load', () => {
  let postgres: Awaited<ReturnType<typeof startThrowawayPostgres>>;
  let database: Database;
  let services: Services;
  let data: Seed;
  let server: ServerProcess;

  beforeAll(async () => {
    postgres = await startThrowawayPostgres();
    database = openDatabase(postgres.url, { poolMax: 2 });
    await migrateToLatest(database.db);
    services = createServices({
      config: testConfig({ DATABASE_URL: postgres.url }),
      repos: createRepositories(database.db),
      clock: systemClock,
    });
    data = await seed(services);
    server = await startServerProcess({ DATABASE_URL: postgres.url });
  });
  afterAll(async () => {
    await server?.stop();
    await database?.close();
    postgres?.remove();
  });

  it('answers 503 while the database is down, recovers without a restart, and loses nothing acknowledged', async () => {
    const grant = { userId: data.alice.id, teamId: data.teamId, scopes: ['boards:read'] };
    const pairs: ClientPair[] = [];
    for (let i = 0; i < 8; i++) {
      const tokens = await services.tokens.issue(data.expiringApp, grant);
      pairs.push({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token! });
    }
    // A grant the stream leaves alone, for the REST API during the outage.
    const bystander = (await services.tokens.issue(data.expiringApp, grant)).access_token;
    const stream = refreshStream(() => server.url, data, pairs);
    await until(() => stream.counts.ok >= 100, 'refreshes before the outage');

    postgres.stop();
    await until(() => stream.counts.unavailable > 0, 'a 503 from the token endpoint').catch((error) => {
      console.log(JSON.stringify(stream.counts), server.output().slice(-3000));
      throw error;
    });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'database unavailable' });
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const boards = await fetch(`${server.url}/v2/boards`, { headers: { authorization: `Bearer ${bystander}` } });
    expect(boards.status).toBe(503);
    expect(boards.headers.get('retry-after')).toBe('1');
    expect(await boards.json()).toEqual({
      status: 503,
      code: 'serviceUnavailable',
      message: 'The service is temporarily unavailable. Try again shortly.',
      type: 'error',
    });

    postgres.start();
    const before = stream.counts.ok;
    await until(() => stream.counts.ok >= before + 100, 'refreshes after the restart');
    await stream.stop();
    expect(stream.counts.failed).toBe(0);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    for (const pair of pairs) {
      const check = await fetch(`${server.url}/v1/oauth-token`, {
        headers: { authorization: `Bearer ${pair.accessToken}` },
      });
      expect(check.status).toBe(200);
    }
    const unrotated = await database.db
      .selectFrom('refresh_tokens')
      .select('family_id')
      .where('rotated_at', 'is', null)
      .execute();
    expect(unrotated).toHaveLength(pairs.length + 1); // one live refresh token per family, the bystander's too
    expect(server.output()).not.toContain('"level":50');
  });
});
