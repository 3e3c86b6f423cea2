import type { Kysely } from 'kysely';

// Migrations never import application types: they describe the schema as it was on their date.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Test controls (ARCHITECTURE.md decision 18): failures an app developer asked for, kept in the
  // database so that every server process on it sees them.
  // The next `remaining` token requests of the app fail with `kind` (or wait `delay_ms` first).
  await db.schema
    .createTable('test_token_faults')
    .addColumn('app_id', 'text', (c) => c.primaryKey().references('apps.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('remaining', 'integer', (c) => c.notNull())
    .addColumn('retry_after_seconds', 'integer', (c) => c.notNull())
    .addColumn('delay_ms', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // The REST API and the Web SDK answer 429 to the user of the app until `until`.
  await db.schema
    .createTable('test_rate_denials')
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('until', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('test_rate_denials_pk', ['app_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('test_rate_denials').execute();
  await db.schema.dropTable('test_token_faults').execute();
}
