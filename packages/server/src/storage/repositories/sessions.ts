import type { Kysely, Selectable } from 'kysely';
import type { SessionsTable, Tables } from '../schema.js';

export type SessionRow = Selectable<SessionsTable>;

export function sessionsRepository(db: Kysely<Tables>) {
  return {
    async create(session: SessionRow): Promise<void> {
      await db.insertInto('sessions').values(session).execute();
    },
    find(digest: string, now: number): Promise<SessionRow | undefined> {
      return db
        .selectFrom('sessions')
        .selectAll()
        .where('digest', '=', digest)
        .where('expires_at', '>', now)
        .executeTakeFirst();
    },
    async remove(digest: string): Promise<void> {
      await db.deleteFrom('sessions').where('digest', '=', digest).execute();
    },
  };
}
