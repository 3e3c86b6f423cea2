import type { Kysely } from 'kysely';

// Migrations never import application types: they describe the schema as it was on their date.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Failed sign-ins, keyed by account (`account:<email>`) or client address (`address:<ip>`). In the
  // database so that every server process sees the same count.
  await db.schema
    .createTable('sign_in_failures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sign_in_failures_key_at').on('sign_in_failures').columns(['key', 'at']).execute();

  // A one-shot message for the next page of a session (post/redirect/get), sealed under a key
  // derived from the session cookie, so the database alone never reveals what it holds.
  await db.schema.alterTable('sessions').addColumn('flash_sealed', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('flash_sealed').execute();
  await db.schema.dropTable('sign_in_failures').execute();
}
