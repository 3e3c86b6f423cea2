import type { Kysely } from 'kysely';
import type { Tables } from '../schema.js';

export interface CleanupCutoffs {
  now: number;
  /** Codes are kept this long past expiry, so a late replay still finds and revokes their tokens. */
  codeRetentionMs: number;
  /** Revoked families (and their tokens) are kept this long for the audit trail. */
  revokedRetentionMs: number;
}

/**
 * Deletes what can no longer be used, in batches, so no statement holds locks for long. Rotated
 * refresh tokens of live families stay: they are what detects a replayed (stolen) refresh token.
 */
export function janitorRepository(db: Kysely<Tables>, batchSize = 1000) {
  async function inBatches(deleteBatch: () => Promise<bigint>): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = Number(await deleteBatch());
      total += deleted;
      if (deleted < batchSize) return total;
    }
  }

  return {
    async sweep({ now, codeRetentionMs, revokedRetentionMs }: CleanupCutoffs) {
      const codes = await inBatches(async () => {
        const batch = db
          .selectFrom('authorization_codes')
          .select('digest')
          .where('expires_at', '<', now - codeRetentionMs)
          .limit(batchSize);
        return (await db.deleteFrom('authorization_codes').where('digest', 'in', batch).executeTakeFirst())
          .numDeletedRows;
      });
      const accessTokens = await inBatches(async () => {
        const batch = db
          .selectFrom('access_tokens')
          .select('digest')
          .where((eb) => eb.or([eb('expires_at', '<', now), eb('revoked_at', '<', now)]))
          .limit(batchSize);
        return (await db.deleteFrom('access_tokens').where('digest', 'in', batch).executeTakeFirst()).numDeletedRows;
      });
      const refreshTokens = await inBatches(async () => {
        const batch = db.selectFrom('refresh_tokens').select('digest').where('expires_at', '<', now).limit(batchSize);
        return (await db.deleteFrom('refresh_tokens').where('digest', 'in', batch).executeTakeFirst()).numDeletedRows;
      });
      // A family goes once it was revoked long enough ago, or when it has no token left at all.
      const families = await inBatches(async () => {
        const batch = db
          .selectFrom('token_families as f')
          .select('f.id')
          .where((eb) =>
            eb.or([
              eb('f.revoked_at', '<', now - revokedRetentionMs),
              eb.and([
                eb.not(
                  eb.exists(
                    eb.selectFrom('access_tokens').select('digest').whereRef('access_tokens.family_id', '=', 'f.id'),
                  ),
                ),
                eb.not(
                  eb.exists(
                    eb.selectFrom('refresh_tokens').select('digest').whereRef('refresh_tokens.family_id', '=', 'f.id'),
                  ),
                ),
              ]),
            ]),
          )
          .limit(batchSize);
        return (await db.deleteFrom('token_families').where('id', 'in', batch).executeTakeFirst()).numDeletedRows;
      });
      const sessions = await inBatches(
        async () =>
          (
            await db
              .deleteFrom('sessions')
              .where(
                'digest',
                'in',
                db.selectFrom('sessions').select('digest').where('expires_at', '<', now).limit(batchSize),
              )
              .executeTakeFirst()
          ).numDeletedRows,
      );
      // Agents that registered themselves (RFC 7591) and were never authorized: their expiry is set
      // at registration and cleared by the first authorization.
      const registrations = await inBatches(
        async () =>
          (
            await db
              .deleteFrom('apps')
              .where(
                'id',
                'in',
                db
                  .selectFrom('apps')
                  .select('id')
                  .where('registration', '=', 'dynamic')
                  .where('registration_expires_at', '<', now)
                  .limit(batchSize),
              )
              .executeTakeFirst()
          ).numDeletedRows,
      );
      return { codes, accessTokens, refreshTokens, families, sessions, registrations };
    },
  };
}
