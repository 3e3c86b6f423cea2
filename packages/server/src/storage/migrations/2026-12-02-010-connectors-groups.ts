import type { Kysely } from 'kysely';

// Migrations never import application types: they describe the schema as it was on their date.

export async function up(db: Kysely<unknown>): Promise<void> {
  // The app that created an item (Miro's app cards are "owned" by it); null for the board page.
  await db.schema.alterTable('items').addColumn('created_by_app', 'text').execute();
  // What connectors and groups reference: an item of one board. The key lets the database itself
  // refuse a connector or a group that joins items of two boards.
  await db.schema.createIndex('items_board_id').on('items').columns(['board_id', 'id']).unique().execute();

  // Miro's connectors: a line between two items of a board; deleting either item deletes the line.
  await db.schema
    .createTable('connectors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('start_item_id', 'text', (c) => c.notNull())
    .addColumn('end_item_id', 'text', (c) => c.notNull())
    // JSON `{snapTo}` or `{position: {x, y}}`: where on each item the line is attached.
    .addColumn('start_point', 'text', (c) => c.notNull())
    .addColumn('end_point', 'text', (c) => c.notNull())
    .addColumn('shape', 'text', (c) => c.notNull())
    .addColumn('captions', 'text', (c) => c.notNull())
    .addColumn('style', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('modified_by', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint(
      'connectors_start_item',
      ['board_id', 'start_item_id'],
      'items',
      ['board_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .addForeignKeyConstraint('connectors_end_item', ['board_id', 'end_item_id'], 'items', ['board_id', 'id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('connectors_board_cursor')
    .on('connectors')
    .columns(['board_id', 'created_at', 'id'])
    .execute();
  await db.schema.createIndex('connectors_start').on('connectors').columns(['board_id', 'start_item_id']).execute();
  await db.schema.createIndex('connectors_end').on('connectors').columns(['board_id', 'end_item_id']).execute();

  // Miro's groups: items of a board that move together. An item is in one group at most.
  await db.schema
    .createTable('item_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('item_groups_board_cursor')
    .on('item_groups')
    .columns(['board_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createTable('group_items')
    .addColumn('item_id', 'text', (c) => c.primaryKey())
    .addColumn('board_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull().references('item_groups.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addForeignKeyConstraint('group_items_item', ['board_id', 'item_id'], 'items', ['board_id', 'id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  await db.schema.createIndex('group_items_group').on('group_items').columns(['group_id', 'position']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('group_items').execute();
  await db.schema.dropTable('item_groups').execute();
  await db.schema.dropTable('connectors').execute();
  await db.schema.dropIndex('items_board_id').execute();
  await db.schema.alterTable('items').dropColumn('created_by_app').execute();
}
