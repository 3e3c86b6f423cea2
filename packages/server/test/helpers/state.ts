import { createHash } from 'node:crypto';
import type { Database } from '../../src/storage/database.js';

const TABLES = [
  'organizations',
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
  'sign_in_failures',
  'boards',
  'board_members',
  'items',
  'tags',
  'item_tags',
  'item_layers',
  'connectors',
  'item_groups',
  'group_items',
] as const;

export type TableName = (typeof TABLES)[number];

/** A digest of every row of every table: equal digests mean nothing was written. */
export async function stateDigest(database: Database, except: TableName[] = []): Promise<string> {
  const hash = createHash('sha256');
  for (const table of TABLES.filter((t) => !except.includes(t))) {
    const rows = await database.db.selectFrom(table).selectAll().execute();
    const lines = rows.map((row) => JSON.stringify(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)))).sort();
    hash.update(`${table}:${lines.join('\n')}\n`);
  }
  return hash.digest('hex');
}
