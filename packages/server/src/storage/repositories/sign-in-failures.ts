import type { Kysely } from 'kysely';
import { numericId } from '../../lib/ids.js';
import type { Tables } from '../schema.js';

/** A key and how many failures it may have had within the window. */
export interface FailureLimit {
  key: string;
  limit: number;
}

/** The failures recorded for an attempt, or the first key that is at its limit. */
export type Reservation = { reserved: true; ids: string[] } | { reserved: false; key: string; first: number };

/** Failed sign-ins per account and per client address, shared by every server process. */
export function signInFailuresRepository(db: Kysely<Tables>) {
  /** How many failures each key has had since `since`, and the earliest of them. */
  async function since(
    executor: Kysely<Tables>,
    keys: string[],
    after: number,
  ): Promise<Map<string, { count: number; first: number }>> {
    const result = new Map<string, { count: number; first: number }>();
    if (keys.length === 0) return result;
    const rows = await executor
      .selectFrom('sign_in_failures')
      .select((eb) => ['key', eb.fn.countAll<number>().as('count'), eb.fn.min<number>('at').as('first')])
      .where('key', 'in', keys)
      .where('at', '>', after)
      .groupBy('key')
      .execute();
    for (const row of rows) result.set(row.key, { count: Number(row.count), first: Number(row.first) });
    return result;
  }

  return {
    /**
     * Reserves one failure for every key, all or none: only if each key has had fewer than its
     * limit since `after`. In one transaction the keys' lock rows are written first (in key order,
     * so two attempts never wait on each other crosswise): on PostgreSQL a racing attempt for the
     * same key waits on that row until this one commits and then counts what it recorded; SQLite
     * runs one writing transaction at a time, across processes too. So of N parallel attempts at
     * most `limit` are reserved.
     */
    reserve(limits: FailureLimit[], at: number, after: number): Promise<Reservation> {
      return db.transaction().execute(async (trx) => {
        const keys = [...new Set(limits.map((l) => l.key))].sort();
        if (keys.length > 0) {
          await trx
            .insertInto('sign_in_locks')
            .values(keys.map((key) => ({ key, at })))
            .onConflict((oc) => oc.column('key').doUpdateSet({ at }))
            .execute();
        }
        const counts = await since(trx, keys, after);
        for (const { key, limit } of limits) {
          const seen = counts.get(key);
          if (seen && seen.count >= limit) return { reserved: false, key, first: seen.first };
        }
        const rows = limits.map(({ key }) => ({ id: numericId(), key, at }));
        if (rows.length > 0) await trx.insertInto('sign_in_failures').values(rows).execute();
        return { reserved: true, ids: rows.map((r) => r.id) };
      });
    },
    /** Takes reserved failures back: the attempt succeeded, or its password was never checked. */
    async release(ids: string[]): Promise<void> {
      if (ids.length === 0) return;
      await db.deleteFrom('sign_in_failures').where('id', 'in', ids).execute();
    },
    async clear(key: string): Promise<void> {
      await db.deleteFrom('sign_in_failures').where('key', '=', key).execute();
    },
    /** Forgets failures older than the throttling window, and the locks of keys idle since. */
    async prune(before: number): Promise<void> {
      await db.deleteFrom('sign_in_failures').where('at', '<=', before).execute();
      await db.deleteFrom('sign_in_locks').where('at', '<=', before).execute();
    },
  };
}

export type SignInFailuresRepository = ReturnType<typeof signInFailuresRepository>;
