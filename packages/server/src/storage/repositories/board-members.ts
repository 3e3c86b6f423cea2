import { type Kysely, sql } from 'kysely';
import { isForeignKeyViolation } from '../constraint-errors.js';
import type { BoardRole, Tables } from '../schema.js';

export interface BoardMemberView {
  id: string;
  name: string;
  email: string;
  role: BoardRole;
}

export function boardMembersRepository(db: Kysely<Tables>) {
  const members = (boardId: string) =>
    db
      .selectFrom('board_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.id', 'u.name', 'u.email', 'm.role'])
      .where('m.board_id', '=', boardId);

  return {
    /** One page of a board's members: the owner, then the others by when they joined. */
    async list(boardId: string, limit: number, offset: number): Promise<{ rows: BoardMemberView[]; total: number }> {
      const counted = await db
        .selectFrom('board_members')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('board_id', '=', boardId)
        .executeTakeFirstOrThrow();
      const rows = await members(boardId)
        .orderBy(sql`case when m.role = 'owner' then 0 else 1 end`)
        .orderBy('m.created_at')
        .orderBy('u.id')
        .limit(limit)
        .offset(offset)
        .execute();
      return { rows, total: Number(counted.count) };
    },

    find(boardId: string, userId: string): Promise<BoardMemberView | undefined> {
      return members(boardId).where('m.user_id', '=', userId).executeTakeFirst();
    },

    /**
     * Adds the users as members with the role, in one transaction; a user who is already a member
     * keeps their role. Returns the ids actually added, or undefined when the board is gone (then
     * nothing was written).
     */
    async addMembers(
      boardId: string,
      userIds: string[],
      role: BoardRole,
      now: number,
    ): Promise<Set<string> | undefined> {
      const added = new Set<string>();
      if (userIds.length === 0) return added;
      try {
        await db.transaction().execute(async (trx) => {
          for (const userId of userIds) {
            const inserted = await trx
              .insertInto('board_members')
              .values({ board_id: boardId, user_id: userId, role, created_at: now })
              .onConflict((oc) => oc.columns(['board_id', 'user_id']).doNothing())
              .returning('user_id')
              .executeTakeFirst();
            if (inserted) added.add(userId);
          }
        });
        return added;
      } catch (error) {
        // The board (or a user) was deleted meanwhile; the transaction wrote nothing.
        if (isForeignKeyViolation(error)) return undefined;
        throw error;
      }
    },

    /** Changes one member's role, unless the member is the owner; false when nothing changed. */
    async setRole(boardId: string, userId: string, role: BoardRole): Promise<boolean> {
      const result = await db
        .updateTable('board_members')
        .set({ role })
        .where('board_id', '=', boardId)
        .where('user_id', '=', userId)
        .where('role', '!=', 'owner')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    /** Removes a member other than the owner; false when there was no such member. */
    async remove(boardId: string, userId: string): Promise<boolean> {
      const result = await db
        .deleteFrom('board_members')
        .where('board_id', '=', boardId)
        .where('user_id', '=', userId)
        .where('role', '!=', 'owner')
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
