import type { Kysely } from 'kysely';
import { isForeignKeyViolation, isUniqueViolation } from '../constraint-errors.js';
import type { Tables, TagsTable } from '../schema.js';
import type { ItemRow } from './items.js';

/** A tag as the domain sees it. */
export interface Tag {
  id: string;
  boardId: string;
  title: string;
  fillColor: string;
}

const toTag = (row: TagsTable): Tag => ({
  id: row.id,
  boardId: row.board_id,
  title: row.title,
  fillColor: row.fill_color,
});

/** What a write of a tag came to: done, a title already taken on the board, or the board gone. */
export type TagWrite = { kind: 'ok'; tag: Tag } | { kind: 'title-taken' } | { kind: 'gone' };

/** What attaching a tag came to. */
export type AttachResult = 'attached' | 'already' | 'full' | 'gone';

export function tagsRepository(db: Kysely<Tables>) {
  const count = (rows: { count: number | string } | undefined) => Number(rows?.count ?? 0);

  return {
    async create(tag: Tag, now: number): Promise<TagWrite> {
      try {
        await db
          .insertInto('tags')
          .values({ id: tag.id, board_id: tag.boardId, title: tag.title, fill_color: tag.fillColor, created_at: now })
          .execute();
        return { kind: 'ok', tag };
      } catch (error) {
        if (isUniqueViolation(error)) return { kind: 'title-taken' };
        if (isForeignKeyViolation(error)) return { kind: 'gone' };
        throw error;
      }
    },

    async find(boardId: string, tagId: string): Promise<Tag | undefined> {
      const row = await db
        .selectFrom('tags')
        .selectAll()
        .where('board_id', '=', boardId)
        .where('id', '=', tagId)
        .executeTakeFirst();
      return row && toTag(row);
    },

    /** One page of a board's tags, oldest first. */
    async list(boardId: string, limit: number, offset: number): Promise<{ tags: Tag[]; total: number }> {
      const total = await db
        .selectFrom('tags')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('board_id', '=', boardId)
        .executeTakeFirst();
      const rows = await db
        .selectFrom('tags')
        .selectAll()
        .where('board_id', '=', boardId)
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .offset(offset)
        .execute();
      return { tags: rows.map(toTag), total: count(total) };
    },

    async update(boardId: string, tagId: string, changes: { title?: string; fillColor?: string }): Promise<TagWrite> {
      const set: { title?: string; fill_color?: string } = {};
      if (changes.title !== undefined) set.title = changes.title;
      if (changes.fillColor !== undefined) set.fill_color = changes.fillColor;
      try {
        const query = db.updateTable('tags').where('board_id', '=', boardId).where('id', '=', tagId);
        const row =
          Object.keys(set).length === 0
            ? await db
                .selectFrom('tags')
                .selectAll()
                .where('board_id', '=', boardId)
                .where('id', '=', tagId)
                .executeTakeFirst()
            : await query.set(set).returningAll().executeTakeFirst();
        return row ? { kind: 'ok', tag: toTag(row) } : { kind: 'gone' };
      } catch (error) {
        if (isUniqueViolation(error)) return { kind: 'title-taken' };
        throw error;
      }
    },

    /** Deletes a tag; it comes off every item with it. False when there was none. */
    async delete(boardId: string, tagId: string): Promise<boolean> {
      const result = await db
        .deleteFrom('tags')
        .where('board_id', '=', boardId)
        .where('id', '=', tagId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    /**
     * Attaches a tag to an item unless the item already has `max` tags: the count and the insert in
     * one transaction. SQLite runs write transactions one at a time, so the limit holds there; on
     * PostgreSQL (read committed) two attaches of different tags racing on one item may both pass
     * the count. 'gone' when the item or the tag was deleted meanwhile.
     */
    async attach(itemId: string, tagId: string, max: number, now: number): Promise<AttachResult> {
      try {
        return await db.transaction().execute(async (trx) => {
          const present = await trx.selectFrom('item_tags').select('tag_id').where('item_id', '=', itemId).execute();
          if (present.some((row) => row.tag_id === tagId)) return 'already';
          if (present.length >= max) return 'full';
          await trx
            .insertInto('item_tags')
            .values({ item_id: itemId, tag_id: tagId, created_at: now })
            .onConflict((oc) => oc.columns(['item_id', 'tag_id']).doNothing())
            .execute();
          return 'attached';
        });
      } catch (error) {
        if (isForeignKeyViolation(error)) return 'gone';
        throw error;
      }
    },

    /** Takes a tag off an item; false when the item did not have it. */
    async detach(itemId: string, tagId: string): Promise<boolean> {
      const result = await db
        .deleteFrom('item_tags')
        .where('item_id', '=', itemId)
        .where('tag_id', '=', tagId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    /**
     * Replaces an item's tags with exactly these, in one transaction: the Web SDK's `tagIds` on
     * create and `sync()`. 'gone' when the item or a tag was deleted meanwhile (nothing changes).
     */
    async replaceOnItem(itemId: string, tagIds: string[], now: number): Promise<'replaced' | 'gone'> {
      try {
        await db.transaction().execute(async (trx) => {
          await trx.deleteFrom('item_tags').where('item_id', '=', itemId).execute();
          // One millisecond apart, so the order the app gave is the order they were attached.
          if (tagIds.length > 0) {
            await trx
              .insertInto('item_tags')
              .values(tagIds.map((tagId, i) => ({ item_id: itemId, tag_id: tagId, created_at: now + i })))
              .execute();
          }
        });
        return 'replaced';
      } catch (error) {
        if (isForeignKeyViolation(error)) return 'gone';
        throw error;
      }
    },

    /** Every tagged item of a board with its tag ids, in the order they were attached: one query. */
    async attachmentsOnBoard(boardId: string): Promise<Map<string, string[]>> {
      const rows = await db
        .selectFrom('item_tags as it')
        .innerJoin('tags as t', 't.id', 'it.tag_id')
        .select(['it.item_id', 'it.tag_id'])
        .where('t.board_id', '=', boardId)
        .orderBy('it.created_at')
        .orderBy('it.tag_id')
        .execute();
      const out = new Map<string, string[]>();
      for (const row of rows) out.set(row.item_id, [...(out.get(row.item_id) ?? []), row.tag_id]);
      return out;
    },

    /** The tags of an item, in the order they were attached. */
    async ofItem(itemId: string): Promise<Tag[]> {
      const rows = await db
        .selectFrom('item_tags as it')
        .innerJoin('tags as t', 't.id', 'it.tag_id')
        .selectAll('t')
        .where('it.item_id', '=', itemId)
        .orderBy('it.created_at')
        .orderBy('t.id')
        .execute();
      return rows.map(toTag);
    },

    /** One page of the items that carry a tag, in creation order. */
    async items(tagId: string, limit: number, offset: number): Promise<{ items: ItemRow[]; total: number }> {
      const total = await db
        .selectFrom('item_tags')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('tag_id', '=', tagId)
        .executeTakeFirst();
      const items = await db
        .selectFrom('item_tags as it')
        .innerJoin('items as i', 'i.id', 'it.item_id')
        .selectAll('i')
        .where('it.tag_id', '=', tagId)
        .orderBy('i.created_at')
        .orderBy('i.id')
        .limit(limit)
        .offset(offset)
        .execute();
      return { items, total: count(total) };
    },
  };
}
