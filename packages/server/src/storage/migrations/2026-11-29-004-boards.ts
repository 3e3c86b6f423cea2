import type { Kysely } from 'kysely';

// Migrations never import application types: they describe the schema as it was on their date.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('boards')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    // The whole policy as JSON; team_access is copied out of it because listing filters on it.
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('team_access', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('modified_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .addColumn('last_opened_by', 'text')
    .addColumn('last_opened_at', 'bigint')
    .execute();
  // Listing is always within one team, newest first, with the id as the tie-break.
  await db.schema.createIndex('boards_team_created').on('boards').columns(['team_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('boards_owner').on('boards').column('owner_id').execute();

  await db.schema
    .createTable('board_members')
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('board_members_pk', ['board_id', 'user_id'])
    .execute();
  await db.schema.createIndex('board_members_user').on('board_members').column('user_id').execute();

  await db.schema
    .createTable('items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    // sticky_note, text, frame today; shape, card and the rest fit the same columns later.
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('style', 'text', (c) => c.notNull())
    .addColumn('position_x', 'double precision', (c) => c.notNull())
    .addColumn('position_y', 'double precision', (c) => c.notNull())
    .addColumn('width', 'double precision')
    .addColumn('height', 'double precision')
    .addColumn('rotation', 'double precision')
    // A frame the item sits in; deleting the frame leaves its children on the board.
    .addColumn('parent_id', 'text', (c) => c.references('items.id').onDelete('set null'))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('modified_by', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .execute();
  // Cursor pagination walks (created_at, id) within a board, optionally of one type.
  await db.schema.createIndex('items_board_cursor').on('items').columns(['board_id', 'created_at', 'id']).execute();
  await db.schema
    .createIndex('items_board_type_cursor')
    .on('items')
    .columns(['board_id', 'type', 'created_at', 'id'])
    .execute();
  await db.schema.createIndex('items_parent').on('items').column('parent_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['items', 'board_members', 'boards']) {
    await db.schema.dropTable(table).execute();
  }
}
