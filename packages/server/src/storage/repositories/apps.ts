import type { Kysely, Selectable, Updateable } from 'kysely';
import { prepare } from '../prepared.js';
import type { AppsTable, Tables } from '../schema.js';

export type AppRow = Selectable<AppsTable>;

export function appsRepository(db: Kysely<Tables>) {
  const byId = prepare(db, (db, id: string) => db.selectFrom('apps').selectAll().where('id', '=', id));
  return {
    async create(app: AppRow): Promise<void> {
      await db.insertInto('apps').values(app).execute();
    },
    // Read on every token request: prepared once.
    async findById(id: string): Promise<AppRow | undefined> {
      return (await byId(db, id)).rows[0];
    },
    list(teamId?: string): Promise<AppRow[]> {
      let query = db.selectFrom('apps').selectAll().orderBy('created_at');
      if (teamId !== undefined) query = query.where('team_id', '=', teamId);
      return query.execute();
    },
    /** Token mode (`expiring`) is not updatable: it is fixed when the app is created. */
    async update(id: string, changes: Omit<Updateable<AppsTable>, 'id' | 'expiring' | 'created_at'>): Promise<boolean> {
      const result = await db.updateTable('apps').set(changes).where('id', '=', id).executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    /**
     * Deletes an app in one transaction: every token family of the app is revoked (the rows stay, for
     * the audit trail), unredeemed codes are spent, installations and the app itself are removed.
     */
    async remove(id: string, now: number): Promise<{ removed: boolean; revokedFamilies: number }> {
      return db.transaction().execute(async (trx) => {
        const revoked = await trx
          .updateTable('token_families')
          .set({ revoked_at: now, revoked_reason: 'app_deleted' })
          .where('app_id', '=', id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        await trx
          .updateTable('authorization_codes')
          .set({ consumed_at: now })
          .where('app_id', '=', id)
          .where('consumed_at', 'is', null)
          .execute();
        await trx.deleteFrom('installations').where('app_id', '=', id).execute();
        const removed = await trx.deleteFrom('apps').where('id', '=', id).executeTakeFirst();
        return { removed: removed.numDeletedRows > 0n, revokedFamilies: Number(revoked.numUpdatedRows) };
      });
    },
  };
}
