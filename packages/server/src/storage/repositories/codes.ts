import type { Kysely, Selectable } from 'kysely';
import { type OutboxEvent, writeOutbox } from '../outbox.js';
import { prepare } from '../prepared.js';
import type { AuthorizationCodesTable, Tables } from '../schema.js';
import { splitScopes } from './apps.js';
import { insertTokenSet, splitAudience, type TokenSet, type TokenStatements } from './tokens.js';

/** An authorization code as stored: its digest and what it is bound to (RFC 6749 §4.1.2). */
export interface AuthorizationCode {
  digest: string;
  appId: string;
  userId: string;
  teamId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string | null;
  expiresAt: number;
  createdAt: number;
  /** RFC 8707: the resources named in the authorization request; null when none was. */
  audience: string[] | null;
}

/**
 * `decide`'s answer: the tokens to store (with what the caller keeps of them), a refusal, or
 * `read_first`: nothing is written, the code stays unredeemed, and the caller reads it and tries again.
 */
export type RedeemDecision<E, V> =
  | { ok: true; tokens: TokenSet; value: V; events?: OutboxEvent[] }
  | { ok: false; error: E }
  | { ok: 'read_first' };

export type RedeemResult<E, V> =
  | { kind: 'issued'; value: V }
  | { kind: 'rejected'; error: E }
  /** Redeemed before by its own client: every family issued from it has now been revoked. */
  | { kind: 'replayed'; code: AuthorizationCode; revokedFamilies: string[] }
  /** Unknown, or issued to another client (which leaves it as it was). */
  | { kind: 'unknown' }
  /** `decide` asked for it: nothing was written. */
  | { kind: 'read_first' };

/** Thrown inside a redemption's transaction to roll it back when `decide` wants the code read first. */
const READ_FIRST = Symbol('read first');

function toCode(row: Selectable<AuthorizationCodesTable>): AuthorizationCode {
  return {
    digest: row.digest,
    appId: row.app_id,
    userId: row.user_id,
    teamId: row.team_id,
    redirectUri: row.redirect_uri,
    scopes: splitScopes(row.scopes),
    codeChallenge: row.code_challenge,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    audience: splitAudience(row.audience),
  };
}

export function codesRepository(db: Kysely<Tables>, statements: TokenStatements) {
  const consume = prepare(db, (db, digest: string, appId: string, now: number) =>
    db
      .updateTable('authorization_codes')
      .set({ consumed_at: now })
      .where('digest', '=', digest)
      .where('app_id', '=', appId)
      .where('consumed_at', 'is', null)
      .returningAll(),
  );
  return {
    async create(code: AuthorizationCode): Promise<void> {
      await db
        .insertInto('authorization_codes')
        .values({
          digest: code.digest,
          app_id: code.appId,
          user_id: code.userId,
          team_id: code.teamId,
          redirect_uri: code.redirectUri,
          scopes: code.scopes.join(' '),
          code_challenge: code.codeChallenge,
          expires_at: code.expiresAt,
          consumed_at: null,
          created_at: code.createdAt,
          audience: code.audience === null ? null : code.audience.join(' '),
        })
        .execute();
    },

    /** The code as issued to this client, consumed or not: what a redemption will find (read only). */
    async peek(digest: string, appId: string): Promise<AuthorizationCode | undefined> {
      const row = await db
        .selectFrom('authorization_codes')
        .selectAll()
        .where('digest', '=', digest)
        .where('app_id', '=', appId)
        .executeTakeFirst();
      return row ? toCode(row) : undefined;
    },

    /**
     * Redeems a code once, for the client it was issued to. In one transaction the code is marked
     * consumed (compare-and-set: only if it was not, and only by its own client), `decide` checks its
     * bindings, and the tokens it returns are stored — so a replay racing the first redemption waits
     * for it and then finds the family to revoke. A code that fails the checks stays consumed; a code
     * presented by another client is left untouched, so it neither burns nor raises a replay alarm
     * for the real client.
     */
    async redeem<E, V>(
      digest: string,
      appId: string,
      now: number,
      decide: (code: AuthorizationCode) => RedeemDecision<E, V>,
    ): Promise<RedeemResult<E, V>> {
      let first: RedeemResult<E, V> | undefined;
      try {
        first = await db.transaction().execute(async (trx): Promise<RedeemResult<E, V> | undefined> => {
          const row = (await consume(trx, digest, appId, now)).rows[0];
          if (!row) return undefined;
          const decision = decide(toCode(row));
          if (decision.ok === 'read_first') throw READ_FIRST;
          if (!decision.ok) return { kind: 'rejected', error: decision.error };
          await insertTokenSet(statements, trx, decision.tokens);
          if (decision.events) await writeOutbox(trx, decision.events);
          return { kind: 'issued', value: decision.value };
        });
      } catch (error) {
        if (error === READ_FIRST) return { kind: 'read_first' };
        throw error;
      }
      if (first) return first;

      const row = await db
        .selectFrom('authorization_codes')
        .selectAll()
        .where('digest', '=', digest)
        .where('app_id', '=', appId)
        .executeTakeFirst();
      if (!row) return { kind: 'unknown' };
      // RFC 9700 §4.2.4 / RFC 6749 §4.1.2: a second redemption revokes all tokens issued from the code.
      const revoked = await db
        .updateTable('token_families')
        .set({ revoked_at: now, revoked_reason: 'authorization_code_replay' })
        .where('code_digest', '=', digest)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      return { kind: 'replayed', code: toCode(row), revokedFamilies: revoked.map((r) => r.id) };
    },
  };
}
