import type { Dialect } from '../../src/storage/database.js';

/** The dialects the storage and endpoint suites run against: `TEST_DIALECTS=sqlite,postgres`. */
export const DIALECTS: Dialect[] = (process.env.TEST_DIALECTS ?? 'sqlite')
  .split(',')
  .map((d) => d.trim())
  .filter((d): d is Dialect => {
    if (d !== 'sqlite' && d !== 'postgres') throw new Error(`TEST_DIALECTS: unknown dialect '${d}'`);
    return true;
  });

/** The PostgreSQL server scratch databases are created on. */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
