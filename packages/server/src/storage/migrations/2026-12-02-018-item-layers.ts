import type { Kysely } from 'kysely';

// Migrations never import application types: they describe the schema as it was on their date.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Where an item sits in the board's drawing order once an app moved it (`bringToFront`,
  // `sendToBack`). An item without a row sits where its creation put it: its `created_at` is its
  // place, so newer items are drawn over older ones until something is moved. The row goes with
  // the item.
  await db.schema
    .createTable('item_layers')
    .addColumn('item_id', 'text', (c) => c.primaryKey().references('items.id').onDelete('cascade'))
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('layer', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('item_layers_board').on('item_layers').columns(['board_id', 'layer']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('item_layers').execute();
}
