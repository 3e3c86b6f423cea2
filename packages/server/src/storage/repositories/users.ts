import type { Kysely, Selectable } from 'kysely';
import type { Tables, UsersTable } from '../schema.js';

export type UserRow = Selectable<UsersTable>;

export function usersRepository(db: Kysely<Tables>) {
  return {
    async create(user: UserRow): Promise<void> {
      await db.insertInto('users').values(user).execute();
    },
    findById(id: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    },
    findByEmail(email: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
    },
    list(): Promise<UserRow[]> {
      return db.selectFrom('users').selectAll().orderBy('created_at').execute();
    },
  };
}
