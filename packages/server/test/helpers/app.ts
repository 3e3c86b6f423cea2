import type { FastifyInstance } from 'fastify';
import { type AppDeps, buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config/config.js';
import { createServices, type Services } from '../../src/domain/services.js';
import { ManualClock } from '../../src/lib/clock.js';
import type { Dialect } from '../../src/storage/database.js';
import type { App } from '../../src/storage/repositories/apps.js';
import { createRepositories, type Repositories } from '../../src/storage/repositories/index.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const TEST_SECRET_KEY = `${'0'.repeat(63)}1`;
export const PASSWORD = 'correct horse battery';
export const REDIRECT_URI = 'https://app.example/callback';

/** A configuration for tests: the given overrides over the defaults, with a fixed key. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(
    { GRANTBOARD_SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'silent', DATABASE_URL: 'sqlite::memory:', ...overrides },
    () => {},
  );
}

export interface Seed {
  orgId: string;
  teamId: string;
  otherTeamId: string;
  alice: { id: string; email: string };
  bob: { id: string; email: string };
  expiringApp: App;
  expiringSecret: string;
  nonExpiringApp: App;
  nonExpiringSecret: string;
  publicApp: App;
}

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  clock: ManualClock;
  repos: Repositories;
  services: Services;
  db: TestDatabase;
  seed: Seed;
  close(): Promise<void>;
}

/** Seeds an organization with two teams, two users and three apps through the domain services. */
export async function seed(services: Services): Promise<Seed> {
  const alice = await services.accounts.createUser({ email: 'alice@example.com', password: PASSWORD, name: 'Alice' });
  const bob = await services.accounts.createUser({ email: 'bob@example.com', password: PASSWORD, name: 'Bob' });
  const org = await services.accounts.createOrganization('Acme');
  const team = await services.accounts.createTeam({ name: 'Design', organizationId: org.id });
  const other = await services.accounts.createTeam({ name: 'Other', organizationId: org.id });
  await services.accounts.addMember(team.id, alice.id, 'admin');
  await services.accounts.addMember(team.id, bob.id, 'member');
  await services.accounts.addMember(other.id, bob.id, 'admin');
  const base = { teamId: team.id, createdBy: alice.id, redirectUris: [REDIRECT_URI, 'http://127.0.0.1/native'] };
  const expiring = await services.apps.create({
    ...base,
    name: 'Expiring',
    scopes: ['boards:read', 'boards:write'],
    expiring: true,
  });
  const nonExpiring = await services.apps.create({
    ...base,
    name: 'Forever',
    scopes: ['boards:read'],
    expiring: false,
  });
  const publicApp = await services.apps.create({
    ...base,
    name: 'Public SPA',
    scopes: ['boards:read'],
    expiring: true,
    public: true,
  });
  return {
    orgId: org.id,
    teamId: team.id,
    otherTeamId: other.id,
    alice: { id: alice.id, email: alice.email },
    bob: { id: bob.id, email: bob.email },
    expiringApp: expiring.app,
    expiringSecret: expiring.clientSecret!,
    nonExpiringApp: nonExpiring.app,
    nonExpiringSecret: nonExpiring.clientSecret!,
    publicApp: publicApp.app,
  };
}

/** The real app on a fresh database of the dialect, seeded, with a clock the test can move. */
export async function startTestApp(
  dialect: Dialect,
  overrides: Record<string, string> = {},
  deps: Pick<AppDeps, 'documentFetcher'> = {},
): Promise<TestApp> {
  const db = await createTestDatabase(dialect);
  const config = testConfig({ DATABASE_URL: db.url, ...overrides });
  const clock = new ManualClock(Date.UTC(2026, 10, 29, 12));
  const repos = createRepositories(db.database.db);
  const services = createServices({ config, repos, clock });
  const app = await buildApp(config, { database: db.database, clock, ...deps });
  return {
    app,
    config,
    clock,
    repos,
    services,
    db,
    seed: await seed(services),
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
