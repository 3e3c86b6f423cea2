import type { Kysely } from 'kysely';

// Migrations never import application types: they describe the schema as it was on their date.

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per throttled key (`account:…`, `address:…`): a sign-in attempt locks its keys' rows
  // while it counts their failures and reserves one more, so two racing attempts cannot both pass
  // a limit of failures (docs/security.md, "Sign-in").
  await db.schema
    .createTable('sign_in_locks')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sign_in_locks').execute();
}
