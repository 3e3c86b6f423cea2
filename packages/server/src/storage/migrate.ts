import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as core from './migrations/2026-11-29-001-core.js';
import * as web from './migrations/2026-11-29-003-web.js';
import * as boards from './migrations/2026-11-29-004-boards.js';
import * as tags from './migrations/2026-12-02-005-tags.js';
import * as appIdentity from './migrations/2026-12-02-006-app-identity.js';
import * as testControls from './migrations/2026-12-02-007-test-controls.js';
import * as agents from './migrations/2026-12-02-008-agents.js';
import * as webhooks from './migrations/2026-12-02-009-webhooks.js';
import * as firstParty from './migrations/2026-12-02-009b-first-party.js';
import * as connectorsGroups from './migrations/2026-12-02-010-connectors-groups.js';
import * as appData from './migrations/2026-12-02-011-app-data.js';
import * as signInLocks from './migrations/2026-12-02-012-sign-in-locks.js';
import * as userIdentities from './migrations/2026-12-02-013-user-identities.js';
import * as resourceServers from './migrations/2026-12-02-014-resource-servers.js';
import * as signingKeys from './migrations/2026-12-02-015-signing-keys.js';
import * as files from './migrations/2026-12-02-017-files.js';
import * as itemLayers from './migrations/2026-12-02-018-item-layers.js';
import type { Tables } from './schema.js';

/** Dated migrations, applied in name order. Add new ones here. */
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-29-001-core': core,
  '2026-11-29-003-web': web,
  '2026-11-29-004-boards': boards,
  '2026-12-02-005-tags': tags,
  '2026-12-02-006-app-identity': appIdentity,
  '2026-12-02-007-test-controls': testControls,
  '2026-12-02-008-agents': agents,
  '2026-12-02-009-webhooks': webhooks,
  '2026-12-02-009b-first-party': firstParty,
  '2026-12-02-010-connectors-groups': connectorsGroups,
  '2026-12-02-011-app-data': appData,
  '2026-12-02-012-sign-in-locks': signInLocks,
  '2026-12-02-013-user-identities': userIdentities,
  '2026-12-02-014-resource-servers': resourceServers,
  '2026-12-02-015-signing-keys': signingKeys,
  '2026-12-02-017-files': files,
  '2026-12-02-018-item-layers': itemLayers,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Applies pending migrations; safe to run from several processes at once (Kysely takes a lock). */
export async function migrateToLatest(db: Kysely<Tables>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of the migrations not yet applied; reads only (creates no table). */
export async function pendingMigrations(db: Kysely<Tables>): Promise<string[]> {
  const migrations = await new Migrator({ db, provider }).getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
