import { type Kysely, SqliteAdapter, sql } from 'kysely';

// Migrations never import application types: they describe the schema as it was on their date.

/** The SQLite text of `CREATE TABLE "apps"`, with `team_id` and `created_by` no longer NOT NULL. */
function relaxedAppsDdl(ddl: string): string {
  const relaxed = ddl
    .replace(/"team_id" text not null/i, '"team_id" text')
    .replace(/"created_by" text not null/i, '"created_by" text')
    .replace(/^create table "apps"/i, 'create table "apps_next"');
  if (relaxed === ddl) throw new Error('migration 008: unexpected apps table definition');
  return relaxed;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  // Agents register themselves (RFC 7591) or are known by a metadata document URL: such apps have
  // no developer team and no creator until a user authorizes them, so those columns become optional.
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    // SQLite cannot drop NOT NULL: the table is rebuilt as its documentation describes
    // (lang_altertable.html, "other kinds of table schema changes"), keeping every column and index
    // whatever earlier migrations added. Migrations on SQLite run outside a transaction, so the
    // foreign key switch takes effect.
    const table = await sql<{
      sql: string;
    }>`select sql from sqlite_master where type = 'table' and name = 'apps'`.execute(db);
    const indexes = await sql<{
      sql: string;
    }>`select sql from sqlite_master where type = 'index' and tbl_name = 'apps' and sql is not null`.execute(db);
    const ddl = table.rows[0]?.sql;
    if (!ddl) throw new Error('migration 008: no apps table');
    await sql`pragma foreign_keys = off`.execute(db);
    try {
      await sql.raw(relaxedAppsDdl(ddl)).execute(db);
      await sql`insert into apps_next select * from apps`.execute(db);
      await sql`drop table apps`.execute(db);
      await sql`alter table apps_next rename to apps`.execute(db);
      for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
    } finally {
      await sql`pragma foreign_keys = on`.execute(db);
    }
  } else {
    await sql`alter table apps alter column team_id drop not null`.execute(db);
    await sql`alter table apps alter column created_by drop not null`.execute(db);
  }

  // 'dynamic' (RFC 7591 registration) or 'metadata_document' (a client_id that is an https URL);
  // null for apps registered by a developer team.
  await db.schema.alterTable('apps').addColumn('registration', 'text').execute();
  // An unused dynamic registration is deleted after this time; null once a user authorized it.
  await db.schema.alterTable('apps').addColumn('registration_expires_at', 'bigint').execute();
  await db.schema.createIndex('apps_registration_expiry').on('apps').column('registration_expires_at').execute();

  // RFC 8707: the resource servers a grant is for, space-separated URIs; null is the REST API alone
  // (every grant issued before this migration, and every grant that named no resource).
  await db.schema.alterTable('authorization_codes').addColumn('audience', 'text').execute();
  await db.schema.alterTable('token_families').addColumn('audience', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('token_families').dropColumn('audience').execute();
  await db.schema.alterTable('authorization_codes').dropColumn('audience').execute();
  await db.schema.dropIndex('apps_registration_expiry').execute();
  await db.schema.alterTable('apps').dropColumn('registration_expires_at').execute();
  await db.schema.alterTable('apps').dropColumn('registration').execute();
}
