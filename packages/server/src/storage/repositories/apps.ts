import type { Kysely, Selectable, Updateable } from 'kysely';
import type { AppsTable, Tables } from '../schema.js';

export type AppRow = Selectable<AppsTable>;

export function appsRepository(db: Kysely<Tables>) {
  return {
    async create(app: AppRow): Promise<void> {
      await db.insertInto('apps').values(app).execute();
    },
    findById(id: string): Promise<AppRow | undefined> {
      return db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
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
  };
}
