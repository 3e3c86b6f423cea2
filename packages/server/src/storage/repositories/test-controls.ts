import type { Kysely } from 'kysely';
import type { Tables } from '../schema.js';

/** A failure the next token requests of an app get instead of their answer. */
export type TokenFault =
  | { kind: 'invalid_grant' }
  | { kind: 'temporarily_unavailable'; retryAfterSeconds: number }
  | { kind: 'delay'; delayMs: number };

/** Storage of the test controls (ARCHITECTURE.md decision 18); every process on the database sees it. */
export function testControlsRepository(db: Kysely<Tables>) {
  return {
    /** Replaces the app's pending fault with `count` more of `fault`. */
    async setTokenFault(appId: string, fault: TokenFault, count: number, now: number): Promise<void> {
      const values = {
        kind: fault.kind,
        remaining: count,
        retry_after_seconds: fault.kind === 'temporarily_unavailable' ? fault.retryAfterSeconds : 0,
        delay_ms: fault.kind === 'delay' ? fault.delayMs : 0,
        created_at: now,
      };
      await db
        .insertInto('test_token_faults')
        .values({ app_id: appId, ...values })
        .onConflict((c) => c.column('app_id').doUpdateSet(values))
        .execute();
    },

    /**
     * Takes one fault of the app, if any is left: one conditional decrement, so N parallel requests
     * (in any number of processes) get exactly N faults between them.
     */
    async takeTokenFault(appId: string): Promise<TokenFault | undefined> {
      const row = await db
        .updateTable('test_token_faults')
        .set((eb) => ({ remaining: eb('remaining', '-', 1) }))
        .where('app_id', '=', appId)
        .where('remaining', '>', 0)
        .returning(['kind', 'retry_after_seconds', 'delay_ms'])
        .executeTakeFirst();
      if (!row) return undefined;
      if (row.kind === 'temporarily_unavailable') return { kind: row.kind, retryAfterSeconds: row.retry_after_seconds };
      if (row.kind === 'delay') return { kind: row.kind, delayMs: row.delay_ms };
      return { kind: 'invalid_grant' };
    },

    async denyRate(appId: string, userId: string, until: number): Promise<void> {
      await db
        .insertInto('test_rate_denials')
        .values({ app_id: appId, user_id: userId, until })
        .onConflict((c) => c.columns(['app_id', 'user_id']).doUpdateSet({ until }))
        .execute();
    },

    /** Until when the user of the app is refused, if that is still ahead of `now`. */
    async rateDeniedUntil(appId: string, userId: string, now: number): Promise<number | undefined> {
      const row = await db
        .selectFrom('test_rate_denials')
        .select('until')
        .where('app_id', '=', appId)
        .where('user_id', '=', userId)
        .where('until', '>', now)
        .executeTakeFirst();
      return row?.until;
    },

    /** Ends a live expiring access token now; false when there is none with the digest. */
    async expireAccess(digest: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('access_tokens')
        .set({ expires_at: now })
        .where('digest', '=', digest)
        .where('revoked_at', 'is', null)
        .where('expires_at', 'is not', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    /** Ends a live refresh token now; false when there is none with the digest. */
    async expireRefresh(digest: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('refresh_tokens')
        .set({ expires_at: now })
        .where('digest', '=', digest)
        .where('rotated_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    /**
     * Ages everything of the app that expires by `ms`, as if that much time had passed for it:
     * access and refresh token expiries, rotation times (the reuse grace window) and code expiries.
     * Only stored times move, so the token check on the hot path is the same query as ever.
     */
    async age(appId: string, ms: number): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const families = trx.selectFrom('token_families').select('id').where('app_id', '=', appId);
        await trx
          .updateTable('access_tokens')
          .set((eb) => ({ expires_at: eb('expires_at', '-', ms) }))
          .where('family_id', 'in', families)
          .where('expires_at', 'is not', null)
          .execute();
        await trx
          .updateTable('refresh_tokens')
          .set((eb) => ({ expires_at: eb('expires_at', '-', ms) }))
          .where('family_id', 'in', families)
          .execute();
        await trx
          .updateTable('refresh_tokens')
          .set((eb) => ({ rotated_at: eb('rotated_at', '-', ms) }))
          .where('family_id', 'in', families)
          .where('rotated_at', 'is not', null)
          .execute();
        await trx
          .updateTable('authorization_codes')
          .set((eb) => ({ expires_at: eb('expires_at', '-', ms) }))
          .where('app_id', '=', appId)
          .execute();
      });
    },
  };
}

export type TestControlsRepository = ReturnType<typeof testControlsRepository>;
