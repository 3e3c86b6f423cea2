import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { loadConfig } from './config/config.js';
import { createServices } from './domain/services.js';
import { type LoadedFixtures, loadFixtures, readFixtures, validateFixtures } from './fixtures/load.js';
import type { Fixtures } from './fixtures/schema.js';
import { systemClock } from './lib/clock.js';
import { openDatabase } from './storage/database.js';
import { migrateToLatest } from './storage/migrate.js';
import { createRepositories } from './storage/repositories/index.js';

export type { LoadedFixtures } from './fixtures/load.js';
export type { Fixtures } from './fixtures/schema.js';

/** Options of {@link startEmbedded}. */
export interface EmbeddedOptions {
  /** A fixtures document, or the path of a fixtures file (docs/testing.md). */
  fixtures?: Fixtures | string | undefined;
  /**
   * Further configuration, as environment variables (README's configuration table). `PORT`,
   * `PUBLIC_URL`, `GRANTBOARD_TEST_CONTROLS` and `GRANTBOARD_ADMIN_TOKENS` are set by the start.
   */
  env?: Record<string, string> | undefined;
}

/** A Grantboard server listening in this process on 127.0.0.1. */
export interface EmbeddedGrantboard {
  /** Its origin (`PUBLIC_URL`), e.g. `http://127.0.0.1:53124`. */
  url: string;
  /** A bearer token for its admin API (`/admin/v1`), made up for this server. */
  adminToken: string;
  /** What the fixtures named, with ids and credentials. */
  fixtures: LoadedFixtures;
  /** Stops listening and closes the database. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('No free port on 127.0.0.1.');
  return address.port;
}

/**
 * Starts Grantboard in this process for an app's tests (docs/testing.md): an in-memory SQLite
 * database (`DATABASE_URL=sqlite::memory:` unless `env` names another), the fixtures loaded, test
 * controls on and one admin token made up, listening on a free port of 127.0.0.1. The same steps
 * `grantboard serve` takes, without the janitor, the webhook worker or signal handling.
 */
export async function startEmbedded(options: EmbeddedOptions = {}): Promise<EmbeddedGrantboard> {
  const fixtures =
    typeof options.fixtures === 'string'
      ? readFixtures(options.fixtures)
      : options.fixtures === undefined
        ? undefined
        : validateFixtures(structuredClone(options.fixtures), 'fixtures');
  const adminToken = `gbadmin_${randomBytes(32).toString('base64url')}`;
  // The issuer is the origin, so the port is chosen before the configuration is built; another
  // process may take it in between, in which case a new one is chosen.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const config = loadConfig({
      DATABASE_URL: 'sqlite::memory:',
      LOG_LEVEL: 'warn',
      JANITOR_INTERVAL_SECONDS: '0',
      ...options.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      GRANTBOARD_TEST_CONTROLS: 'on',
      GRANTBOARD_ADMIN_TOKENS: adminToken,
    });
    const database = openDatabase(config.databaseUrl, {
      poolMax: config.dbPoolMax,
      tokenCacheSize: config.tokenCacheSize,
    });
    let app: FastifyInstance | undefined;
    try {
      await migrateToLatest(database.db);
      const repos = createRepositories(database.db, database.tokenCache, database.dialect);
      const services = createServices({ config, repos, clock: systemClock });
      const loaded = fixtures
        ? await loadFixtures(services, fixtures, typeof options.fixtures === 'string' ? options.fixtures : 'fixtures')
        : { users: [], teams: [], apps: [] };
      app = await buildApp(config, { database });
      await app.listen({ port, host: '127.0.0.1' });
      const listening = app;
      return {
        url,
        adminToken,
        fixtures: loaded,
        async close() {
          await listening.close();
          await database.close();
        },
      };
    } catch (error) {
      await app?.close();
      await database.close();
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < 5) continue;
      throw error;
    }
  }
}
