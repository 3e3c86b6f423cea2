import { type Kysely, sql } from 'kysely';
import type { Tables } from '../schema.js';

/**
 * The board's drawing order: an item's place is its `item_layers.layer` when it was moved, else its
 * `created_at` (so new items go on top, as in Miro). Moving items to the front or back gives them
 * places above the highest or below the lowest, in one transaction.
 */
export function layersRepository(db: Kysely<Tables>) {
  const place = sql<number>`coalesce(l.layer, i.created_at)`;

  /** Writes the places of `itemIds` (in that order) starting from `from`, one apart. */
  async function move(boardId: string, itemIds: string[], edge: 'front' | 'back'): Promise<void> {
    if (itemIds.length === 0) return;
    await db.transaction().execute(async (trx) => {
      const bounds = await trx
        .selectFrom('items as i')
        .leftJoin('item_layers as l', 'l.item_id', 'i.id')
        .select([
          sql<number | string | null>`max(${place})`.as('top'),
          sql<number | string | null>`min(${place})`.as('bottom'),
        ])
        .where('i.board_id', '=', boardId)
        .executeTakeFirst();
      const top = Number(bounds?.top ?? 0);
      const bottom = Number(bounds?.bottom ?? 0);
      // To the front: above the top, in the order given. To the back: below the bottom, the first given lowest.
      const start = edge === 'front' ? top + 1 : bottom - itemIds.length;
      for (const [i, itemId] of itemIds.entries()) {
        await trx
          .insertInto('item_layers')
          .values({ item_id: itemId, board_id: boardId, layer: start + i })
          .onConflict((oc) => oc.column('item_id').doUpdateSet({ layer: start + i }))
          .execute();
      }
    });
  }

  return {
    bringToFront: (boardId: string, itemIds: string[]) => move(boardId, itemIds, 'front'),
    sendToBack: (boardId: string, itemIds: string[]) => move(boardId, itemIds, 'back'),

    /** The board's item ids from the bottom of the drawing order to the top. */
    async order(boardId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('items as i')
        .leftJoin('item_layers as l', 'l.item_id', 'i.id')
        .select('i.id')
        .where('i.board_id', '=', boardId)
        .orderBy(place)
        .orderBy('i.id')
        .execute();
      return rows.map((row) => row.id);
    },
  };
}
