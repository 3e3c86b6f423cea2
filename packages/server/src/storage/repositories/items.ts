import type { Kysely, Selectable } from 'kysely';
import { isForeignKeyViolation } from '../constraint-errors.js';
import type { ItemsTable, Tables } from '../schema.js';

export type ItemRow = Selectable<ItemsTable>;

export type ItemChanges = Partial<
  Pick<
    ItemRow,
    | 'data'
    | 'style'
    | 'position_x'
    | 'position_y'
    | 'width'
    | 'height'
    | 'rotation'
    | 'parent_id'
    | 'modified_by'
    | 'modified_at'
  >
>;

/** Where a page of items starts: after this (created_at, id). */
export interface ItemCursor {
  createdAt: number;
  id: string;
}

export function itemsRepository(db: Kysely<Tables>) {
  return {
    /** Stores a new item; false when its board or parent was deleted meanwhile. */
    async create(item: ItemRow): Promise<boolean> {
      try {
        await db.insertInto('items').values(item).execute();
        return true;
      } catch (error) {
        if (isForeignKeyViolation(error)) return false;
        throw error;
      }
    },

    find(boardId: string, itemId: string): Promise<ItemRow | undefined> {
      return db
        .selectFrom('items')
        .selectAll()
        .where('board_id', '=', boardId)
        .where('id', '=', itemId)
        .executeTakeFirst();
    },

    /**
     * Updates an item of the board, only if it is still of the expected type; returns the item as
     * stored afterwards, or undefined when there is no such item.
     */
    async update(boardId: string, itemId: string, type: string | undefined, changes: ItemChanges) {
      let query = db.updateTable('items').set(changes).where('board_id', '=', boardId).where('id', '=', itemId);
      if (type !== undefined) query = query.where('type', '=', type);
      try {
        return await query.returningAll().executeTakeFirst();
      } catch (error) {
        // The new parent was deleted meanwhile.
        if (isForeignKeyViolation(error)) return undefined;
        throw error;
      }
    },

    /** Deletes an item (of the type, when given); its children stay on the board. */
    async delete(boardId: string, itemId: string, type?: string): Promise<boolean> {
      let query = db.deleteFrom('items').where('board_id', '=', boardId).where('id', '=', itemId);
      if (type !== undefined) query = query.where('type', '=', type);
      const result = await query.executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    /** Up to `limit` items of a board in creation order, after the cursor, optionally of one type. */
    page(boardId: string, options: { type?: string | undefined; after?: ItemCursor | undefined; limit: number }) {
      let query = db.selectFrom('items').selectAll().where('board_id', '=', boardId);
      if (options.type !== undefined) query = query.where('type', '=', options.type);
      const after = options.after;
      if (after !== undefined) {
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '>', after.createdAt),
            eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)]),
          ]),
        );
      }
      return query.orderBy('created_at').orderBy('id').limit(options.limit).execute();
    },

    async count(boardId: string, type?: string): Promise<number> {
      let query = db
        .selectFrom('items')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('board_id', '=', boardId);
      if (type !== undefined) query = query.where('type', '=', type);
      return Number((await query.executeTakeFirstOrThrow()).count);
    },
  };
}
