import type { Kysely, Transaction } from 'kysely';
import { isForeignKeyViolation, isUniqueViolation } from '../constraint-errors.js';
import type { Tables } from '../schema.js';
import { deleteEmptyGroups, type ItemCursor, type ItemRow } from './items.js';

/** A group as the domain sees it: its items in the order the request gave them. */
export interface ItemGroup {
  id: string;
  boardId: string;
  itemIds: string[];
  createdAt: number;
}

/** What writing a group came to: done, an item already in another group, an item not on the board. */
export type GroupWrite = 'ok' | 'taken' | 'gone' | 'missing';

/** Rows written per INSERT: well under SQLite's bound-parameter limit. */
const CHUNK = 200;

async function insertMembers(trx: Transaction<Tables>, group: ItemGroup): Promise<void> {
  const rows = group.itemIds.map((itemId, position) => ({
    item_id: itemId,
    board_id: group.boardId,
    group_id: group.id,
    position,
  }));
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto('group_items')
      .values(rows.slice(i, i + CHUNK))
      .execute();
  }
}

/** The unique key on `group_items.item_id` and the (board, item) foreign key decide, atomically. */
function classify(error: unknown): GroupWrite {
  if (isUniqueViolation(error)) return 'taken';
  if (isForeignKeyViolation(error)) return 'gone';
  throw error;
}

export function groupsRepository(db: Kysely<Tables>) {
  async function withItems(rows: { id: string; board_id: string; created_at: number }[]): Promise<ItemGroup[]> {
    if (rows.length === 0) return [];
    const members = await db
      .selectFrom('group_items')
      .select(['group_id', 'item_id'])
      .where(
        'group_id',
        'in',
        rows.map((row) => row.id),
      )
      .orderBy('group_id')
      .orderBy('position')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      boardId: row.board_id,
      createdAt: row.created_at,
      itemIds: members.filter((m) => m.group_id === row.id).map((m) => m.item_id),
    }));
  }

  return {
    /** Stores a group with its items, in one transaction. */
    async create(group: ItemGroup): Promise<GroupWrite> {
      try {
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('item_groups')
            .values({ id: group.id, board_id: group.boardId, created_at: group.createdAt })
            .execute();
          await insertMembers(trx, group);
        });
        return 'ok';
      } catch (error) {
        return classify(error);
      }
    },

    async find(boardId: string, id: string): Promise<ItemGroup | undefined> {
      const row = await db
        .selectFrom('item_groups')
        .selectAll()
        .where('board_id', '=', boardId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && (await withItems([row]))[0];
    },

    /** The group that holds each of the items given that is in one. */
    async groupsOf(boardId: string, itemIds: string[]): Promise<Map<string, string>> {
      if (itemIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('group_items')
        .select(['item_id', 'group_id'])
        .where('board_id', '=', boardId)
        .where('item_id', 'in', itemIds)
        .execute();
      return new Map(rows.map((row) => [row.item_id, row.group_id]));
    },

    /** Up to `limit` groups of a board in creation order, after the cursor. */
    async page(boardId: string, after: ItemCursor | undefined, limit: number): Promise<ItemGroup[]> {
      let query = db.selectFrom('item_groups').selectAll().where('board_id', '=', boardId);
      if (after !== undefined) {
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '>', after.createdAt),
            eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)]),
          ]),
        );
      }
      return withItems(await query.orderBy('created_at').orderBy('id').limit(limit).execute());
    },

    /** Replaces a group's items, in one transaction. */
    async replaceItems(group: ItemGroup): Promise<GroupWrite> {
      try {
        return await db.transaction().execute(async (trx) => {
          const found = await trx
            .selectFrom('item_groups')
            .select('id')
            .where('board_id', '=', group.boardId)
            .where('id', '=', group.id)
            .executeTakeFirst();
          if (!found) return 'missing';
          await trx.deleteFrom('group_items').where('group_id', '=', group.id).execute();
          await insertMembers(trx, group);
          return 'ok';
        });
      } catch (error) {
        return classify(error);
      }
    },

    /** Ungroups: the group goes, its items stay. */
    async delete(boardId: string, id: string): Promise<boolean> {
      const result = await db
        .deleteFrom('item_groups')
        .where('board_id', '=', boardId)
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    /** Deletes a group and its items (with their connectors and tags), in one transaction. */
    async deleteWithItems(boardId: string, id: string): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const found = await trx
          .selectFrom('item_groups')
          .select('id')
          .where('board_id', '=', boardId)
          .where('id', '=', id)
          .executeTakeFirst();
        if (!found) return false;
        await trx
          .deleteFrom('items')
          .where('board_id', '=', boardId)
          .where('id', 'in', trx.selectFrom('group_items').select('item_id').where('group_id', '=', id))
          .execute();
        await trx.deleteFrom('item_groups').where('id', '=', id).execute();
        await deleteEmptyGroups(trx, boardId);
        return true;
      });
    },

    /** One page of a group's items in creation order, after the cursor. */
    async items(groupId: string, after: ItemCursor | undefined, limit: number): Promise<ItemRow[]> {
      let query = db
        .selectFrom('group_items as g')
        .innerJoin('items as i', 'i.id', 'g.item_id')
        .selectAll('i')
        .where('g.group_id', '=', groupId);
      if (after !== undefined) {
        query = query.where((eb) =>
          eb.or([
            eb('i.created_at', '>', after.createdAt),
            eb.and([eb('i.created_at', '=', after.createdAt), eb('i.id', '>', after.id)]),
          ]),
        );
      }
      return query.orderBy('i.created_at').orderBy('i.id').limit(limit).execute();
    },
  };
}
