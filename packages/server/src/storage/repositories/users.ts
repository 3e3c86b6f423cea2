import type { Kysely, Selectable } from 'kysely';
import { isUniqueViolation } from '../constraint-errors.js';
import type { Tables, UserIdentitiesTable, UsersTable } from '../schema.js';

/** A user; `password_hash` is null for an account without a password (created by an upstream sign-in). */
export type UserRow = Omit<Selectable<UsersTable>, 'password_hash'> & { password_hash: string | null };

/** An upstream account (issuer + subject) linked to a user. */
export type UserIdentity = Selectable<UserIdentitiesTable>;

/** The column is NOT NULL (migration 013 says why): no password is stored as the empty string. */
const NO_PASSWORD = '';

export function toUser(row: Selectable<UsersTable>): UserRow {
  return { ...row, password_hash: row.password_hash === NO_PASSWORD ? null : row.password_hash };
}

function fromUser(user: UserRow): Selectable<UsersTable> {
  return { ...user, password_hash: user.password_hash ?? NO_PASSWORD };
}

export function usersRepository(db: Kysely<Tables>) {
  return {
    async create(user: UserRow): Promise<void> {
      await db.insertInto('users').values(fromUser(user)).execute();
    },
    async findById(id: string): Promise<UserRow | undefined> {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toUser(row);
    },
    async findByEmail(email: string): Promise<UserRow | undefined> {
      const row = await db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
      return row && toUser(row);
    },
    async list(): Promise<UserRow[]> {
      return (await db.selectFrom('users').selectAll().orderBy('created_at').execute()).map(toUser);
    },

    /** The user an upstream account is linked to, with the link. */
    async findByIdentity(
      issuer: string,
      subject: string,
    ): Promise<{ user: UserRow; identity: UserIdentity } | undefined> {
      const identity = await db
        .selectFrom('user_identities')
        .selectAll()
        .where('issuer', '=', issuer)
        .where('subject', '=', subject)
        .executeTakeFirst();
      if (!identity) return undefined;
      const user = await this.findById(identity.user_id);
      return user && { user, identity };
    },

    /**
     * Links an upstream account to a user, creating the user first when `newUser` is given — in one
     * transaction, so a user is never left without the link that created it. `false` when the
     * account is already linked or the new user's email is taken (two first sign-ins racing):
     * nothing is written, and the caller looks the link up again.
     */
    async link(identity: UserIdentity, newUser?: UserRow): Promise<boolean> {
      try {
        await db.transaction().execute(async (trx) => {
          if (newUser) await trx.insertInto('users').values(fromUser(newUser)).execute();
          await trx.insertInto('user_identities').values(identity).execute();
        });
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },

    async recordIdentitySignIn(issuer: string, subject: string, email: string | null, at: number): Promise<void> {
      await db
        .updateTable('user_identities')
        .set({ email, last_sign_in_at: at })
        .where('issuer', '=', issuer)
        .where('subject', '=', subject)
        .execute();
    },
  };
}
