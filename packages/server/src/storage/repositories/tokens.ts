import { type Kysely, type Selectable, sql } from 'kysely';
import { type OutboxEvent, writeOutbox } from '../outbox.js';
import { prepare } from '../prepared.js';
import type { Tables, TokenFamiliesTable } from '../schema.js';
import { createTokenCache, FAMILY_NOTICE, FAMILY_SCOPED, type TokenCache } from '../token-cache.js';
import { splitScopes } from './apps.js';

/** A token family: one grant of app × user × team × scopes, whose tokens live and die together. */
export interface Family {
  id: string;
  appId: string;
  userId: string;
  teamId: string;
  scopes: string[];
  /** The code the family was issued from: a replay of that code revokes the family. */
  codeDigest: string | null;
  createdAt: number;
  /** RFC 8707: the resource servers its tokens are for; null for the REST API alone (the default). */
  audience: string[] | null;
}

/** What one grant issues: a family and its first access (and, for expiring apps, refresh) token. */
export interface TokenSet {
  family: Family;
  access: { digest: string; expiresAt: number | null };
  refresh: { digest: string; expiresAt: number } | null;
}

/** An access token that is known, not revoked and whose family is live. Expiry is for the caller to judge. */
export interface AccessGrant {
  expiresAt: number | null;
  createdAt: number;
  familyId: string;
  appId: string;
  userId: string;
  teamId: string;
  scopes: string[];
  /** RFC 8707: null for the REST API alone. */
  audience: string[] | null;
}

/** An access token with the names its context shows (`GET /v1/oauth-token`). */
export interface AccessContext {
  expiresAt: number | null;
  createdAt: number;
  scopes: string[];
  userId: string;
  userName: string;
  teamId: string;
  teamName: string;
  organizationId: string;
  organizationName: string;
  /** Who installed the app in the team; the user when the installation is gone. */
  createdById: string;
  createdByName: string;
}

/** A live (unrotated, unexpired) refresh token and its family. */
export interface LiveRefresh {
  family: Family;
  expiresAt: number;
}

export interface RotationRequest {
  digest: string;
  appId: string;
  now: number;
  access: { digest: string; expiresAt: number };
  refresh: { digest: string; expiresAt: number };
  /** The response to replay within the grace window, sealed under a key derived from the old refresh token. */
  replaySealed: string;
  /** The client asked for a (possibly narrower) scope or audience: only then may the family change. */
  scopeRequested: boolean;
  /**
   * The new access token was minted for a grant without an audience (the REST API's default
   * policy) before the family was read: a family with an audience is then left as it is, and the
   * answer is `other_audience`, so the caller can read it and mint the token its policy wants.
   */
  defaultAudienceOnly?: boolean;
}

/**
 * Decides, inside the rotation's transaction, the scopes (and, when narrowed, the RFC 8707 audience)
 * of the new pair; an error rolls the rotation back.
 */
export type ScopeDecision<E> = { ok: true; scopes: string[]; audience?: string[] | null } | { ok: false; error: E };

/** One app a user has authorized in one team, for the user's "Authorized apps" page. */
export interface UserGrant {
  appId: string;
  appName: string;
  teamId: string;
  teamName: string;
  /** Live token families: one per authorization. */
  grants: number;
  firstAuthorizedAt: number;
  lastAuthorizedAt: number;
}

export type RotationResult<E> =
  | { kind: 'rotated'; family: Family }
  | { kind: 'rejected'; error: E }
  /** The token was rotated before: what the caller needs to tell a parallel retry from a replay. */
  | {
      kind: 'already_rotated';
      family: Family;
      familyLive: boolean;
      rotatedAt: number;
      replaySealed: string | null;
      successorLive: boolean;
    }
  | { kind: 'invalid' }
  /** `defaultAudienceOnly` was asked and the family (or the token) is not one of those: nothing written. */
  | { kind: 'other_audience' };

function toFamily(row: Selectable<TokenFamiliesTable>): Family {
  return {
    id: row.id,
    appId: row.app_id,
    userId: row.user_id,
    teamId: row.team_id,
    scopes: splitScopes(row.scopes),
    codeDigest: row.code_digest,
    createdAt: row.created_at,
    audience: splitAudience(row.audience),
  };
}

/** Audiences are stored space-separated, like scopes; null is the default (the REST API). */
export function splitAudience(audience: string | null): string[] | null {
  return audience === null ? null : audience.split(' ').filter(Boolean);
}

function joinAudience(audience: string[] | null): string | null {
  return audience === null ? null : audience.join(' ');
}

const OTHER_AUDIENCE = Symbol('other audience');

/** Thrown inside a rotation's transaction to roll it back when the scope decision refuses. */
class RotationRefused<E> {
  constructor(readonly error: E) {}
}

/**
 * The token statements on the hot paths (every token check, rotation and code redemption),
 * prepared once per database: building and compiling them anew each time cost more than running them.
 */
export function tokenStatements(
  db: Kysely<Tables>,
  options: { announceFamilies: boolean } = { announceFamilies: false },
) {
  return {
    insertFamily: prepare(
      db,
      (
        db,
        id: string,
        appId: string,
        userId: string,
        teamId: string,
        scopes: string,
        codeDigest: string | null,
        createdAt: number,
        audience: string | null,
      ) =>
        db.insertInto('token_families').values({
          id,
          app_id: appId,
          user_id: userId,
          team_id: teamId,
          scopes,
          code_digest: codeDigest,
          created_at: createdAt,
          revoked_at: null,
          revoked_reason: null,
          audience,
        }),
    ),
    insertAccess: prepare(db, (db, digest: string, familyId: string, expiresAt: number | null, createdAt: number) =>
      db
        .insertInto('access_tokens')
        .values({ digest, family_id: familyId, expires_at: expiresAt, created_at: createdAt, revoked_at: null }),
    ),
    // `replaySealed`: a rotation's successor carries the pair sealed for its predecessor's grace window,
    // so the rotation inserts it with the row instead of growing the predecessor's row in place.
    insertRefresh: prepare(
      db,
      (db, digest: string, familyId: string, expiresAt: number, createdAt: number, replaySealed: string | null) =>
        db.insertInto('refresh_tokens').values({
          digest,
          family_id: familyId,
          expires_at: expiresAt,
          created_at: createdAt,
          rotated_at: null,
          replaced_by: null,
          replay_sealed: replaySealed,
        }),
    ),
    findAccess: prepare(db, (db, digest: string) =>
      db
        .selectFrom('access_tokens as a')
        .innerJoin('token_families as f', 'f.id', 'a.family_id')
        .select([
          'a.expires_at as expiresAt',
          'a.created_at as createdAt',
          'f.id as familyId',
          'f.app_id as appId',
          'f.user_id as userId',
          'f.team_id as teamId',
          'f.scopes as scopes',
          'f.audience as audience',
        ])
        .where('a.digest', '=', digest)
        .where('a.revoked_at', 'is', null)
        .where('f.revoked_at', 'is', null),
    ),
    findAccessWithContext: prepare(db, (db, digest: string) =>
      db
        .selectFrom('access_tokens as a')
        .innerJoin('token_families as f', 'f.id', 'a.family_id')
        .innerJoin('users as u', 'u.id', 'f.user_id')
        .innerJoin('teams as t', 't.id', 'f.team_id')
        .innerJoin('organizations as o', 'o.id', 't.organization_id')
        .leftJoin('installations as i', (join) =>
          join.onRef('i.app_id', '=', 'f.app_id').onRef('i.team_id', '=', 'f.team_id'),
        )
        .leftJoin('users as installer', 'installer.id', 'i.installed_by')
        .select([
          'a.expires_at as expiresAt',
          'f.created_at as createdAt',
          'f.id as familyId',
          'f.scopes as scopes',
          'u.id as userId',
          'u.name as userName',
          't.id as teamId',
          't.name as teamName',
          'o.id as organizationId',
          'o.name as organizationName',
          'installer.id as installerId',
          'installer.name as installerName',
        ])
        .where('a.digest', '=', digest)
        .where('a.revoked_at', 'is', null)
        .where('f.revoked_at', 'is', null),
    ),
    // The compare-and-set of a rotation: see tokensRepository().rotate.
    markRotated: prepare(db, (db, digest: string, appId: string, now: number, successor: string) =>
      db
        .updateTable('refresh_tokens')
        .set({ rotated_at: now, replaced_by: successor })
        .where('digest', '=', digest)
        .where('rotated_at', 'is', null)
        .where('expires_at', '>', now)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('token_families as f')
              .select('f.id')
              .whereRef('f.id', '=', 'refresh_tokens.family_id')
              .where('f.app_id', '=', appId)
              .where('f.revoked_at', 'is', null),
          ),
        )
        .returning((eb) => {
          // The family's fields come back with the compare-and-set itself: no second read.
          const family = () => eb.selectFrom('token_families as f').whereRef('f.id', '=', 'refresh_tokens.family_id');
          return [
            'family_id',
            family().select('f.user_id').as('user_id'),
            family().select('f.team_id').as('team_id'),
            family().select('f.scopes').as('scopes'),
            family().select('f.code_digest').as('code_digest'),
            family().select('f.created_at').as('created_at'),
            family().select('f.audience').as('audience'),
          ];
        }),
    ),
    narrowFamily: prepare(db, (db, familyId: string, scopes: string, audience: string | null) =>
      db.updateTable('token_families').set({ scopes, audience }).where('id', '=', familyId),
    ),
    // The rotation evicts this one family from the token cache itself, and on PostgreSQL the
    // statement announces it to the other processes in the same round trip (storage/token-cache.ts).
    revokeAccessOfFamily: prepare(db, (db, familyId: string, now: number) => {
      const update = db
        .updateTable('access_tokens')
        .set({ revoked_at: now })
        .where('family_id', '=', familyId)
        .where('revoked_at', 'is', null);
      return (
        options.announceFamilies ? update.returning(sql<string>`${sql.raw(FAMILY_NOTICE)}`.as('notice')) : update
      ).modifyEnd(sql.raw(FAMILY_SCOPED));
    }),
  };
}

export type TokenStatements = ReturnType<typeof tokenStatements>;

export async function insertTokenSet(
  statements: TokenStatements,
  executor: Kysely<Tables>,
  set: TokenSet,
): Promise<void> {
  const { family } = set;
  await statements.insertFamily(
    executor,
    family.id,
    family.appId,
    family.userId,
    family.teamId,
    family.scopes.join(' '),
    family.codeDigest,
    family.createdAt,
    joinAudience(family.audience),
  );
  await statements.insertAccess(executor, set.access.digest, family.id, set.access.expiresAt, family.createdAt);
  if (set.refresh)
    await statements.insertRefresh(
      executor,
      set.refresh.digest,
      family.id,
      set.refresh.expiresAt,
      family.createdAt,
      null,
    );
}

/**
 * PostgreSQL: a rotation that keeps the family's scopes as one statement, one round trip, atomic on
 * its own: the compare-and-set, the revocation of the family's access tokens (announced to the other
 * processes' token caches), the new pair, and the family's fields back. Every part sees the snapshot
 * from before the statement, so the new access token is not among those revoked; two racing
 * rotations of one token serialize on its row, and the loser's `marked` is empty, so it writes nothing.
 */
function rotateInOneStatement(db: Kysely<Tables>, request: RotationRequest) {
  const { now } = request;
  return sql<{
    family_id: string;
    user_id: string;
    team_id: string;
    scopes: string;
    audience: string | null;
    code_digest: string | null;
    created_at: number;
  }>`with marked as (
  update refresh_tokens set rotated_at = ${now}, replaced_by = ${request.refresh.digest}
  where digest = ${request.digest} and rotated_at is null and expires_at > ${now}
    and exists (select 1 from token_families f where f.id = refresh_tokens.family_id and f.app_id = ${request.appId} and f.revoked_at is null${request.defaultAudienceOnly ? sql` and f.audience is null` : sql``})
  returning family_id
), revoked as (
  update access_tokens set revoked_at = ${now}
  where family_id = (select family_id from marked) and revoked_at is null
  returning ${sql.raw(FAMILY_NOTICE)}
), new_access as (
  insert into access_tokens (digest, family_id, expires_at, created_at, revoked_at)
  select ${request.access.digest}, family_id, ${request.access.expiresAt}, ${now}, null from marked
), new_refresh as (
  insert into refresh_tokens (digest, family_id, expires_at, created_at, rotated_at, replaced_by, replay_sealed)
  select ${request.refresh.digest}, family_id, ${request.refresh.expiresAt}, ${now}, null, null, ${request.replaySealed} from marked
)
select f.id as family_id, f.user_id, f.team_id, f.scopes, f.audience, f.code_digest, f.created_at, (select count(*) from revoked) as revoked
from token_families f join marked m on f.id = m.family_id ${sql.raw(FAMILY_SCOPED)}`.execute(db);
}

export function tokensRepository(
  db: Kysely<Tables>,
  statements: TokenStatements,
  cache: TokenCache = createTokenCache(0),
  dialect: 'sqlite' | 'postgres' = 'sqlite',
) {
  /** Why a rotation's compare-and-set matched nothing: what tells a parallel retry from a replay. */
  async function rotationRefused(request: RotationRequest): Promise<RotationResult<never>> {
    const previous = await db
      .selectFrom('refresh_tokens as r')
      .innerJoin('token_families as f', 'f.id', 'r.family_id')
      .leftJoin('refresh_tokens as next', 'next.digest', 'r.replaced_by')
      .selectAll('f')
      .select([
        'r.rotated_at as rotatedAt',
        // Rows rotated by earlier versions kept the sealed pair themselves.
        (eb) => eb.fn.coalesce('next.replay_sealed', 'r.replay_sealed').as('replaySealed'),
        'next.rotated_at as nextRotatedAt',
      ])
      .where('r.digest', '=', request.digest)
      .executeTakeFirst();
    if (!previous || previous.rotatedAt === null || previous.app_id !== request.appId) return { kind: 'invalid' };
    const familyLive = previous.revoked_at === null;
    return {
      kind: 'already_rotated',
      family: toFamily(previous),
      familyLive,
      rotatedAt: previous.rotatedAt,
      replaySealed: previous.replaySealed,
      successorLive: previous.nextRotatedAt === null && familyLive,
    };
  }

  async function readAccessWithContext(key: string, digest: string): Promise<AccessContext | undefined> {
    const ticket = cache.ticket();
    const row = (await statements.findAccessWithContext(db, digest)).rows[0];
    if (!row) return undefined;
    const { installerId, installerName, familyId, ...rest } = row;
    const context = {
      ...rest,
      scopes: splitScopes(row.scopes),
      createdById: installerId ?? row.userId,
      createdByName: installerName ?? row.userName,
    };
    cache.set(ticket, key, familyId, context);
    return context;
  }

  return {
    issue(set: TokenSet, events: OutboxEvent[] = []): Promise<void> {
      return db.transaction().execute(async (trx) => {
        await insertTokenSet(statements, trx, set);
        await writeOutbox(trx, events);
      });
    },

    /** The grant behind an access token, if the token is known and neither it nor its family is revoked. */
    async findAccess(digest: string): Promise<AccessGrant | undefined> {
      const key = `a${digest}`;
      const cached = cache.get(key) as AccessGrant | undefined;
      if (cached) return cached;
      const ticket = cache.ticket();
      const row = (await statements.findAccess(db, digest)).rows[0];
      if (!row) return undefined;
      const grant = { ...row, scopes: splitScopes(row.scopes), audience: splitAudience(row.audience) };
      cache.set(ticket, key, grant.familyId, grant);
      return grant;
    },

    /** A live (unrotated, unexpired) refresh token of a live family. */
    async findLiveRefresh(digest: string, now: number): Promise<LiveRefresh | undefined> {
      const row = await db
        .selectFrom('refresh_tokens as r')
        .innerJoin('token_families as f', 'f.id', 'r.family_id')
        .selectAll('f')
        .select('r.expires_at as expiresAt')
        .where('r.digest', '=', digest)
        .where('r.rotated_at', 'is', null)
        .where('r.expires_at', '>', now)
        .where('f.revoked_at', 'is', null)
        .executeTakeFirst();
      return row && { family: toFamily(row), expiresAt: row.expiresAt };
    },

    /**
     * An access token with the names its context shows (user, team, organization, who installed the
     * app), in one query; undefined when the token is unknown or revoked.
     */
    findAccessWithContext(digest: string): AccessContext | Promise<AccessContext | undefined> {
      const key = `c${digest}`;
      const cached = cache.get(key) as AccessContext | undefined;
      // A cached answer comes back without a promise: this is the token check apps call most.
      return cached ?? readAccessWithContext(key, digest);
    },

    /**
     * Refresh rotation as one compare-and-set: the old refresh token is marked rotated only if it is
     * still unrotated, unexpired, issued to this app and its family is live, and the family comes
     * back with it. In the same transaction `decide` picks the new pair's scopes (a narrower set
     * narrows the family; a refusal rolls everything back), the family's access tokens are revoked
     * and the new pair is stored. Two racing requests can never both rotate: the loser's update
     * matches no row, and it then reads what it needs to tell a parallel retry from a replay.
     */
    async rotate<E>(
      request: RotationRequest,
      decide: (family: Family) => ScopeDecision<E>,
    ): Promise<RotationResult<E>> {
      const { now } = request;
      if (dialect === 'postgres' && !request.scopeRequested) {
        const row = (await rotateInOneStatement(db, request)).rows[0];
        if (row) {
          cache.evictFamily(row.family_id);
          return {
            kind: 'rotated',
            family: {
              id: row.family_id,
              appId: request.appId,
              userId: row.user_id,
              teamId: row.team_id,
              scopes: splitScopes(row.scopes),
              audience: splitAudience(row.audience),
              codeDigest: row.code_digest,
              createdAt: Number(row.created_at),
            },
          };
        }
        return request.defaultAudienceOnly ? { kind: 'other_audience' } : rotationRefused(request);
      }
      try {
        const rotated = await db.transaction().execute(async (trx) => {
          const marked = (await statements.markRotated(trx, request.digest, request.appId, now, request.refresh.digest))
            .rows[0];
          if (!marked) return undefined;
          // The compare-and-set matched only through a live family, so its fields are all there.
          const family: Family = {
            id: marked.family_id,
            appId: request.appId,
            userId: marked.user_id!,
            teamId: marked.team_id!,
            scopes: splitScopes(marked.scopes!),
            codeDigest: marked.code_digest,
            createdAt: Number(marked.created_at),
            audience: splitAudience(marked.audience ?? null),
          };
          const decision = decide(family);
          if (!decision.ok) throw new RotationRefused(decision.error);
          const audience = decision.audience ?? family.audience;
          if (request.defaultAudienceOnly && audience !== null) throw new RotationRefused(OTHER_AUDIENCE);
          if (
            decision.scopes.join(' ') !== family.scopes.join(' ') ||
            joinAudience(audience) !== joinAudience(family.audience)
          ) {
            await statements.narrowFamily(trx, family.id, decision.scopes.join(' '), joinAudience(audience));
            family.scopes = decision.scopes;
            family.audience = audience;
          }
          await statements.revokeAccessOfFamily(trx, family.id, now);
          cache.evictFamily(family.id);
          await statements.insertAccess(trx, request.access.digest, family.id, request.access.expiresAt, now);
          await statements.insertRefresh(
            trx,
            request.refresh.digest,
            family.id,
            request.refresh.expiresAt,
            now,
            request.replaySealed,
          );
          return family;
        });
        if (rotated) {
          // Again after the commit: a check on another connection may have read the old token before it.
          cache.evictFamily(rotated.id);
          return { kind: 'rotated', family: rotated };
        }
      } catch (error) {
        if (error instanceof RotationRefused && error.error === OTHER_AUDIENCE) return { kind: 'other_audience' };
        if (error instanceof RotationRefused) return { kind: 'rejected', error: error.error as E };
        throw error;
      }
      return rotationRefused(request);
    },

    /** Revokes a family (its access and refresh tokens at once); false when it was already revoked. */
    async revokeFamily(familyId: string, now: number, reason: string, events: OutboxEvent[] = []): Promise<boolean> {
      const revoke = async (executor: Kysely<Tables>) => {
        const result = await executor
          .updateTable('token_families')
          .set({ revoked_at: now, revoked_reason: reason })
          .where('id', '=', familyId)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      };
      if (events.length === 0) return revoke(db);
      // The events are written only by the request that revoked the family.
      return db.transaction().execute(async (trx) => {
        const revoked = await revoke(trx);
        if (revoked) await writeOutbox(trx, events);
        return revoked;
      });
    },

    /**
     * The apps a user has authorized, one row per app and team, counting the user's live grants
     * (token families). A family counts as live while it is not revoked and still holds a token that
     * has not expired.
     */
    grantsOf(userId: string, now: number): Promise<UserGrant[]> {
      return db
        .selectFrom('token_families as f')
        .innerJoin('apps as a', 'a.id', 'f.app_id')
        .innerJoin('teams as t', 't.id', 'f.team_id')
        .select((eb) => [
          'f.app_id as appId',
          'a.name as appName',
          'f.team_id as teamId',
          't.name as teamName',
          eb.fn.countAll<number>().as('grants'),
          eb.fn.min<number>('f.created_at').as('firstAuthorizedAt'),
          eb.fn.max<number>('f.created_at').as('lastAuthorizedAt'),
        ])
        .where('f.user_id', '=', userId)
        .where('f.revoked_at', 'is', null)
        .where((eb) =>
          eb.or([
            eb.exists(
              eb
                .selectFrom('access_tokens as at')
                .select('at.digest')
                .whereRef('at.family_id', '=', 'f.id')
                .where('at.revoked_at', 'is', null)
                .where((inner) => inner.or([inner('at.expires_at', 'is', null), inner('at.expires_at', '>', now)])),
            ),
            eb.exists(
              eb
                .selectFrom('refresh_tokens as rt')
                .select('rt.digest')
                .whereRef('rt.family_id', '=', 'f.id')
                .where('rt.rotated_at', 'is', null)
                .where('rt.expires_at', '>', now),
            ),
          ]),
        )
        .groupBy(['f.app_id', 'a.name', 'f.team_id', 't.name'])
        .orderBy('a.name')
        .orderBy('t.name')
        .execute()
        .then((rows) =>
          rows.map((r) => ({
            ...r,
            grants: Number(r.grants),
            firstAuthorizedAt: Number(r.firstAuthorizedAt),
            lastAuthorizedAt: Number(r.lastAuthorizedAt),
          })),
        );
    },

    /**
     * Revokes every live family of the user for the app in the team and spends the user's unredeemed
     * codes for them, in one transaction, so no code issued before can mint a token afterwards.
     * Returns the revoked family ids.
     */
    async revokeGrantsOf(
      grant: { userId: string; appId: string; teamId: string },
      now: number,
      reason: string,
      events: (familyIds: string[]) => OutboxEvent[] = () => [],
    ): Promise<string[]> {
      return db.transaction().execute(async (trx) => {
        await trx
          .updateTable('authorization_codes')
          .set({ consumed_at: now })
          .where('user_id', '=', grant.userId)
          .where('app_id', '=', grant.appId)
          .where('team_id', '=', grant.teamId)
          .where('consumed_at', 'is', null)
          .execute();
        const rows = await trx
          .updateTable('token_families')
          .set({ revoked_at: now, revoked_reason: reason })
          .where('user_id', '=', grant.userId)
          .where('app_id', '=', grant.appId)
          .where('team_id', '=', grant.teamId)
          .where('revoked_at', 'is', null)
          .returning('id')
          .execute();
        const ids = rows.map((r) => r.id);
        await writeOutbox(trx, events(ids));
        return ids;
      });
    },
  };
}
