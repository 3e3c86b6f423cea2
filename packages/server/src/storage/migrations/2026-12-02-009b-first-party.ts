import type { Kysely } from 'kysely';

// Migrations never import application types: they describe the schema as it was on their date.

export async function up(db: Kysely<unknown>): Promise<void> {
  // 1 when an organization admin marked the app first party: its users are not asked for consent.
  await db.schema
    .alterTable('apps')
    .addColumn('first_party', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('apps').dropColumn('first_party').execute();
}
