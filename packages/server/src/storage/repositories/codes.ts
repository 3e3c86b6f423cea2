import type { Kysely, Selectable } from 'kysely';
import { prepare } from '../prepared.js';
import type { AuthorizationCodesTable, Tables } from '../schema.js';
import { insertTokenSet, type TokenSet, type TokenStatements } from './tokens.js';

export type CodeRow = Selectable<AuthorizationCodesTable>;

export type RedeemDecision<E> = { ok: true; tokens: TokenSet } | { ok: false; error: E };

export type RedeemResult<E> =
  | { kind: 'issued'; tokens: TokenSet }
  | { kind: 'rejected'; error: E }
  /** Redeemed before: every family issued from it has now been revoked. */
  | { kind: 'replayed'; code: CodeRow; revokedFamilies: string[] }
  | { kind: 'unknown' };

export function codesRepository(db: Kysely<Tables>, statements: TokenStatements) {
  const consume = prepare(db, (db, digest: string, now: number) =>
    db
      .updateTable('authorization_codes')
      .set({ consumed_at: now })
      .where('digest', '=', digest)
      .where('consumed_at', 'is', null)
      .returningAll(),
  );
  return {
    async create(code: CodeRow): Promise<void> {
      await db.insertInto('authorization_codes').values(code).execute();
    },

    /**
     * Redeems a code once. In one transaction the code is marked consumed (compare-and-set: only if it
     * was not), `decide` checks its bindings, and the tokens it returns are stored — so a replay racing
     * the first redemption waits for it and then finds the family to revoke. A code that fails the
     * checks stays consumed.
     */
    async redeem<E>(
      digest: string,
      now: number,
      decide: (code: CodeRow) => RedeemDecision<E>,
    ): Promise<RedeemResult<E>> {
      const first = await db.transaction().execute(async (trx): Promise<RedeemResult<E> | undefined> => {
        const code = (await consume(trx, digest, now)).rows[0];
        if (!code) return undefined;
        const decision = decide(code);
        if (!decision.ok) return { kind: 'rejected', error: decision.error };
        await insertTokenSet(statements, trx, decision.tokens);
        return { kind: 'issued', tokens: decision.tokens };
      });
      if (first) return first;

      const code = await db
        .selectFrom('authorization_codes')
        .selectAll()
        .where('digest', '=', digest)
        .executeTakeFirst();
      if (!code) return { kind: 'unknown' };
      // RFC 9700 §4.2.4 / RFC 6749 §4.1.2: a second redemption revokes all tokens issued from the code.
      const revoked = await db
        .updateTable('token_families')
        .set({ revoked_at: now, revoked_reason: 'authorization_code_replay' })
        .where('code_digest', '=', digest)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      return { kind: 'replayed', code, revokedFamilies: revoked.map((r) => r.id) };
    },
  };
}
