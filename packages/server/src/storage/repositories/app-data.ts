import type { Kysely } from 'kysely';
import { isForeignKeyViolation } from '../constraint-errors.js';
import type { Tables } from '../schema.js';

/** Whose data: an item's (`setMetadata`) or a board's (`setAppData`), always of one app. */
export type AppDataOwner = { itemId: string } | { boardId: string };

/**
 * A Web SDK app's key-value data on items and boards. One row per key: a write is one upsert, so
 * parallel writes of different keys both land, and of the same key the last one wins.
 */
export function appDataRepository(db: Kysely<Tables>) {
  return {
    /** Every key the app stored for the owner, as parsed JSON. */
    async all(owner: AppDataOwner, appId: string): Promise<Record<string, unknown>> {
      const rows =
        'itemId' in owner
          ? await db
              .selectFrom('item_app_data')
              .select(['key', 'value'])
              .where('item_id', '=', owner.itemId)
              .where('app_id', '=', appId)
              .orderBy('key')
              .execute()
          : await db
              .selectFrom('board_app_data')
              .select(['key', 'value'])
              .where('board_id', '=', owner.boardId)
              .where('app_id', '=', appId)
              .orderBy('key')
              .execute();
      return Object.fromEntries(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]));
    },

    /** Sets one key (`null` removes it); false when the item, board or app is gone. */
    async set(owner: AppDataOwner, appId: string, key: string, value: unknown, now: number): Promise<boolean> {
      try {
        if ('itemId' in owner) {
          if (value === null) {
            await db
              .deleteFrom('item_app_data')
              .where('item_id', '=', owner.itemId)
              .where('app_id', '=', appId)
              .where('key', '=', key)
              .execute();
            return true;
          }
          await db
            .insertInto('item_app_data')
            .values({ item_id: owner.itemId, app_id: appId, key, value: JSON.stringify(value), modified_at: now })
            .onConflict((oc) =>
              oc.columns(['item_id', 'app_id', 'key']).doUpdateSet({ value: JSON.stringify(value), modified_at: now }),
            )
            .execute();
          return true;
        }
        if (value === null) {
          await db
            .deleteFrom('board_app_data')
            .where('board_id', '=', owner.boardId)
            .where('app_id', '=', appId)
            .where('key', '=', key)
            .execute();
          return true;
        }
        await db
          .insertInto('board_app_data')
          .values({ board_id: owner.boardId, app_id: appId, key, value: JSON.stringify(value), modified_at: now })
          .onConflict((oc) =>
            oc.columns(['board_id', 'app_id', 'key']).doUpdateSet({ value: JSON.stringify(value), modified_at: now }),
          )
          .execute();
        return true;
      } catch (error) {
        if (isForeignKeyViolation(error)) return false;
        throw error;
      }
    },
  };
}

export type AppDataRepository = ReturnType<typeof appDataRepository>;
