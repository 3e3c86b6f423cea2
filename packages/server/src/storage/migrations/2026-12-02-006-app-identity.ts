import type { Kysely } from 'kysely';

// Migrations never import application types: they describe the schema as it was on their date.

const COLUMNS = [
  // The secret before the last rotation keeps working until it expires (CLIENT_SECRET_OVERLAP_SECONDS).
  ['previous_secret_sealed', 'text'],
  ['previous_secret_expires_at', 'bigint'],
  // What the consent page shows about the app, besides its name and developer team.
  ['description', 'text'],
  ['logo_url', 'text'],
  ['homepage_url', 'text'],
  ['privacy_url', 'text'],
  ['terms_url', 'text'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, type] of COLUMNS) {
    await db.schema.alterTable('apps').addColumn(name, type).execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of COLUMNS.toReversed()) {
    await db.schema.alterTable('apps').dropColumn(name).execute();
  }
}
