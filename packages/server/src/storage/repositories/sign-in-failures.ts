import type { Kysely } from 'kysely';
import { numericId } from '../../lib/ids.js';
import type { Tables } from '../schema.js';

/** Failed sign-ins per account and per client address, shared by every server process. */
export function signInFailuresRepository(db: Kysely<Tables>) {
  return {
    async record(keys: string[], at: number): Promise<void> {
      if (keys.length === 0) return;
      await db
        .insertInto('sign_in_failures')
        .values(keys.map((key) => ({ id: numericId(), key, at })))
        .execute();
    },
    /** How many failures each key has had since `since`, and the earliest of them. */
    async since(keys: string[], since: number): Promise<Map<string, { count: number; first: number }>> {
      const result = new Map<string, { count: number; first: number }>();
      if (keys.length === 0) return result;
      const rows = await db
        .selectFrom('sign_in_failures')
        .select((eb) => ['key', eb.fn.countAll<number>().as('count'), eb.fn.min<number>('at').as('first')])
        .where('key', 'in', keys)
        .where('at', '>', since)
        .groupBy('key')
        .execute();
      for (const row of rows) result.set(row.key, { count: Number(row.count), first: Number(row.first) });
      return result;
    },
    async clear(key: string): Promise<void> {
      await db.deleteFrom('sign_in_failures').where('key', '=', key).execute();
    },
    /** Forgets failures older than the throttling window. */
    async prune(before: number): Promise<void> {
      await db.deleteFrom('sign_in_failures').where('at', '<=', before).execute();
    },
  };
}

export type SignInFailuresRepository = ReturnType<typeof signInFailuresRepository>;
