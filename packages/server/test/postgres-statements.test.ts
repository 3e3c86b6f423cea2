import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, isDatabaseUnavailable, openDatabase } from '../src/storage/database.js';
import { createRepositories } from '../src/storage/repositories/index.js';
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
});
