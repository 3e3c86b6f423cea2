import type { Kysely } from 'kysely';

// Migrations never import application types: they describe the schema as it was on their date.

export async function up(db: Kysely<unknown>): Promise<void> {
  // A resource server (an API) the platform registers (ARCHITECTURE.md decision 19). The built-in
  // Boards API and the MCP server are not rows: they come from the configuration.
  await db.schema
    .createTable('resource_servers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // RFC 8707: the audience URI, in its parsed (normalised) form.
    .addColumn('identifier', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('organization_id', 'text', (c) => c.references('organizations.id').onDelete('cascade'))
    .addColumn('token_format', 'text', (c) => c.notNull())
    .addColumn('access_token_ttl_seconds', 'integer', (c) => c.notNull())
    // Introspection credentials: the client id, and a SHA-256 digest of the secret.
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('secret_digest', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // One row per scope: a scope name belongs to one resource server only, so a token's scopes say
  // whose API they open (the primary key makes two registrations of one name impossible).
  await db.schema
    .createTable('resource_server_scopes')
    .addColumn('scope', 'text', (c) => c.primaryKey())
    .addColumn('resource_server_id', 'text', (c) => c.notNull().references('resource_servers.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('consent_text', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('resource_server_scopes_server')
    .on('resource_server_scopes')
    .columns(['resource_server_id', 'position'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('resource_server_scopes').execute();
  await db.schema.dropTable('resource_servers').execute();
}
