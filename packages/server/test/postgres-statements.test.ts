import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/domain/services.js';
import { systemClock } from '../src/lib/clock.js';
import { type Database, isDatabaseUnavailable, openDatabase } from '../src/storage/database.js';
import { createRepositories } from '../src/storage/repositories/index.js';
import { seed, testConfig } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { DIALECTS } from './helpers/dialects.js';

describe.runIf(DIALECTS.includes('postgres'))('PostgreSQL named statements', () => {
  let scratch: TestDatabase;
  // One connection, so the statements it prepared can be read back from pg_prepared_statements.
  let database: Database;

  beforeAll(async () => {
    scratch = await createTestDatabase('postgres');
    database = openDatabase(scratch.url, { poolMax: 1 });
  });
  afterAll(async () => {
    await database.close();
    await scratch.drop();
  });

  async function alter(statement: string): Promise<void> {
    const admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
    await admin.query(statement);
    await admin.end();
  }

  /** Runs of named statements on the one connection, leaving out this query itself. */
  async function statementRuns(): Promise<number> {
    const { rows } = await sql<{ runs: number }>`
      select coalesce(sum(generic_plans + custom_plans), 0)::int as runs from pg_prepared_statements
      where statement not like '%pg_prepared_statements%'`.execute(database.db);
    return rows[0]!.runs;
  }

  it('plans the token check once per connection and reuses the plan', async () => {
    const repos = createRepositories(database.db);
    for (let i = 0; i < 3; i++) expect(await repos.tokens.findAccessWithContext('no-such-digest')).toBeUndefined();
    const { rows } = await sql<{ statement: string; runs: number }>`
      select statement, (generic_plans + custom_plans)::int as runs from pg_prepared_statements`.execute(database.db);
    const tokenCheck = rows.filter((row) => row.statement.includes('"organizations" as "o"'));
    expect(tokenCheck).toEqual([{ statement: expect.stringContaining('from "access_tokens" as "a"'), runs: 3 }]);
  });

  it('keeps answering after a migration changes the columns of a table it reads', async () => {
    const readTeams = (db: Database['db']) => db.selectFrom('teams').selectAll().execute();
    await readTeams(database.db);
    await alter('ALTER TABLE teams ADD COLUMN motto text');
    await expect(readTeams(database.db)).resolves.toEqual([]);

    // Inside a transaction the refused plan aborts it; the next try prepares the query anew.
    await alter('ALTER TABLE teams DROP COLUMN motto');
    const refused = await database.db
      .transaction()
      .execute(readTeams)
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: '0A000' });
    expect(isDatabaseUnavailable(refused)).toBe(true); // answered 503 with Retry-After
    await expect(database.db.transaction().execute(readTeams)).resolves.toBeDefined();
  });

  // Last: it seeds the database the tests above expect empty.
  it('rotates a refresh token in one statement, one round trip', async () => {
    const repos = createRepositories(database.db, database.tokenCache, 'postgres');
    const services = createServices({
      config: testConfig({ DATABASE_URL: scratch.url, REFRESH_REUSE_GRACE_SECONDS: '0' }),
      repos,
      clock: systemClock,
    });
    const data = await seed(services);
    const grant = { userId: data.alice.id, teamId: data.teamId, scopes: ['boards:read'] };
    let refreshToken = (await services.tokens.issue(data.expiringApp, grant)).refresh_token!;
    refreshToken = (await services.tokens.refresh(data.expiringApp, refreshToken, undefined)).refresh_token!;
    const before = await statementRuns();
    const next = await services.tokens.refresh(data.expiringApp, refreshToken, undefined);
    expect(await statementRuns()).toBe(before + 1);
    expect((await services.tokens.context(next.access_token)).kind).toBe('valid');
    await expect(services.tokens.refresh(data.expiringApp, refreshToken, undefined)).rejects.toThrow();
  });
});
