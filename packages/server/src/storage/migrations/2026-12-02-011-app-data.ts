import type { Kysely } from 'kysely';

// Migrations never import application types: they describe the schema as it was on their date.

export async function up(db: Kysely<unknown>): Promise<void> {
  // What a Web SDK app stores with an item (`item.setMetadata`) or a board (`board.setAppData`):
  // one row per key, so two writes of different keys never lose each other. Each app sees only its
  // own; the rows go with the item, the board or the app.
  await db.schema
    .createTable('item_app_data')
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id').onDelete('cascade'))
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('item_app_data_pk', ['item_id', 'app_id', 'key'])
    .execute();
  await db.schema
    .createTable('board_app_data')
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('board_app_data_pk', ['board_id', 'app_id', 'key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('board_app_data').execute();
  await db.schema.dropTable('item_app_data').execute();
}
