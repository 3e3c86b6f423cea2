import { createHash } from 'node:crypto';
import type { Database } from '../../src/storage/database.js';

const TABLES = [
  'users',
  'teams',
  'team_members',
  'apps',
  'installations',
  'authorization_codes',
  'token_families',
  'access_tokens',
  'refresh_tokens',
  'audit_events',
  'sessions',
] as const;

/** A digest of every row of every table: equal digests mean nothing was written. */
export async function stateDigest(database: Database): Promise<string> {
  const hash = createHash('sha256');
  for (const table of TABLES) {
    const rows = await database.db.selectFrom(table).selectAll().execute();
    const lines = rows.map((row) => JSON.stringify(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)))).sort();
    hash.update(`${table}:${lines.join('\n')}\n`);
  }
  return hash.digest('hex');
}
