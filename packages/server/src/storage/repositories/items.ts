import type { Kysely, Selectable } from 'kysely';
import { isForeignKeyViolation } from '../constraint-errors.js';
import type { FilesTable, ItemsTable, Tables } from '../schema.js';

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

/** Which items of a board a page or a count takes: of one type, in one frame. */
export interface ItemFilter {
  type?: string | undefined;
  parentId?: string | undefined;
}

/** Groups whose every item is gone (Miro has no empty groups). */
export async function deleteEmptyGroups(trx: Kysely<Tables>, boardId: string): Promise<void> {
  await trx
    .deleteFrom('item_groups')
    .where('board_id', '=', boardId)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('group_items').select('item_id').whereRef('group_items.group_id', '=', 'item_groups.id'))),
    )
    .execute();
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

    /**
     * Stores several items in one transaction: all of them, or none when a board or a parent was
     * deleted meanwhile (false).
     */
    async createMany(items: ItemRow[]): Promise<boolean> {
      try {
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('items').values(items).execute();
        });
        return true;
      } catch (error) {
        if (isForeignKeyViolation(error)) return false;
        throw error;
      }
    },

    /**
     * Stores new items and the files they show, in one transaction: all of them, or none (false
     * when a board or a parent was deleted meanwhile). No file is ever left without its item.
     */
    async createWithFiles(items: ItemRow[], files: FilesTable[]): Promise<boolean> {
      try {
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('items').values(items).execute();
          await trx.insertInto('files').values(files).execute();
        });
        return true;
      } catch (error) {
        if (isForeignKeyViolation(error)) return false;
        throw error;
      }
    },

    /**
     * Updates an item (of the type given) and replaces the file it shows, in one transaction: the
     * old file goes, the new one comes, or nothing changes (undefined when there is no such item).
     */
    async updateWithFile(boardId: string, itemId: string, type: string, changes: ItemChanges, file: FilesTable) {
      try {
        return await db.transaction().execute(async (trx) => {
          const updated = await trx
            .updateTable('items')
            .set(changes)
            .where('board_id', '=', boardId)
            .where('id', '=', itemId)
            .where('type', '=', type)
            .returningAll()
            .executeTakeFirst();
          if (updated === undefined) return undefined;
          await trx.deleteFrom('files').where('item_id', '=', itemId).execute();
          await trx.insertInto('files').values(file).execute();
          return updated;
        });
      } catch (error) {
        // The new parent was deleted meanwhile.
        if (isForeignKeyViolation(error)) return undefined;
        throw error;
      }
    },

    /** The items of a board among the ids given (any order). */
    findMany(boardId: string, itemIds: string[]): Promise<ItemRow[]> {
      if (itemIds.length === 0) return Promise.resolve([]);
      return db.selectFrom('items').selectAll().where('board_id', '=', boardId).where('id', 'in', itemIds).execute();
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

    /**
     * Deletes an item (of the type, when given); its children stay on the board. Its connectors,
     * tags and group membership go with it (foreign keys cascade), and a group left empty goes too,
     * in the same transaction.
     */
    async delete(boardId: string, itemId: string, type?: string): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        let query = trx.deleteFrom('items').where('board_id', '=', boardId).where('id', '=', itemId);
        if (type !== undefined) query = query.where('type', '=', type);
        const result = await query.executeTakeFirst();
        if (result.numDeletedRows === 0n) return false;
        await deleteEmptyGroups(trx, boardId);
        return true;
      });
    },

    /** Up to `limit` items of a board in creation order, after the cursor, optionally of one type. */
    page(boardId: string, options: ItemFilter & { after?: ItemCursor | undefined; limit: number }) {
      let query = db.selectFrom('items').selectAll().where('board_id', '=', boardId);
      if (options.type !== undefined) query = query.where('type', '=', options.type);
      if (options.parentId !== undefined) query = query.where('parent_id', '=', options.parentId);
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

    async count(boardId: string, filter: ItemFilter | string = {}): Promise<number> {
      const { type, parentId } = typeof filter === 'string' ? { type: filter, parentId: undefined } : filter;
      let query = db
        .selectFrom('items')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('board_id', '=', boardId);
      if (type !== undefined) query = query.where('type', '=', type);
      if (parentId !== undefined) query = query.where('parent_id', '=', parentId);
      return Number((await query.executeTakeFirstOrThrow()).count);
    },
  };
}
