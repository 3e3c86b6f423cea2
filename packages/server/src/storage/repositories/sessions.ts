import type { Kysely, Selectable } from 'kysely';
import type { SessionsTable, Tables } from '../schema.js';
import { toUser, type UserRow } from './users.js';

export type SessionRow = Selectable<SessionsTable>;

export function sessionsRepository(db: Kysely<Tables>) {
  return {
    async create(session: Omit<SessionRow, 'flash_sealed'>): Promise<void> {
      await db
        .insertInto('sessions')
        .values({ ...session, flash_sealed: null })
        .execute();
    },
    /** A live session with its user and CSRF token, in one query: read on every signed-in request. */
    async findWithUser(digest: string, now: number): Promise<{ user: UserRow; csrf: string } | undefined> {
      const row = await db
        .selectFrom('sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .selectAll('u')
        .select('s.csrf_token')
        .where('s.digest', '=', digest)
        .where('s.expires_at', '>', now)
        .executeTakeFirst();
      if (!row) return undefined;
      const { csrf_token, ...user } = row;
      return { user: toUser(user), csrf: csrf_token };
    },
    async remove(digest: string): Promise<void> {
      await db.deleteFrom('sessions').where('digest', '=', digest).execute();
    },
    async setFlash(digest: string, sealed: string): Promise<void> {
      await db.updateTable('sessions').set({ flash_sealed: sealed }).where('digest', '=', digest).execute();
    },
    /** Reads and clears the flash at once (compare-and-set), so it is shown a single time. */
    async takeFlash(digest: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('sessions')
        .select('flash_sealed')
        .where('digest', '=', digest)
        .executeTakeFirst();
      const sealed = row?.flash_sealed;
      if (!sealed) return undefined;
      const cleared = await db
        .updateTable('sessions')
        .set({ flash_sealed: null })
        .where('digest', '=', digest)
        .where('flash_sealed', '=', sealed)
        .executeTakeFirst();
      return cleared.numUpdatedRows > 0n ? sealed : undefined;
    },
  };
}
