import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Database, type Dialect, openDatabase } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { POSTGRES_URL } from './dialects.js';

export interface TestDatabase {
  url: string;
  database: Database;
  /** Closes the connection and removes the database. */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of the dialect: a SQLite file in a temporary folder (so other
 * processes can open it too), or a scratch PostgreSQL database on the test server.
 */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'grantboard-test-'));
    const url = `sqlite:${join(dir, 'grantboard.db')}`;
    const database = openDatabase(url);
    await migrateToLatest(database.db);
    return {
      url,
      database,
      async drop() {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `gb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const database = openDatabase(url.href, { poolMax: 10 });
  await migrateToLatest(database.db);
  return {
    url: url.href,
    database,
    async drop() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
