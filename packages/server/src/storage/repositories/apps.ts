import { type Kysely, type Selectable, sql } from 'kysely';
import { type OutboxEvent, writeOutbox } from '../outbox.js';
import { prepare } from '../prepared.js';
import type { AppsTable, ClientRegistration, Tables } from '../schema.js';
import { createTokenCache, type TokenCache } from '../token-cache.js';
import type { TeamRow } from './teams.js';

/** A registered app (an OAuth client), as the domain sees it. */
export interface App {
  /** The client id: a numeric string. */
  id: string;
  name: string;
  /**
   * The developer team that owns the app. For an agent that registered itself, the team it was
   * bound to by its first authorization; null before that, and always for a metadata-document client.
   */
  teamId: string | null;
  createdBy: string | null;
  /** Public apps (single-page, native, CLI) have no client secret and must use PKCE. */
  isPublic: boolean;
  /** AES-256-GCM ciphertext of the client secret; null exactly when the app is public. */
  secretSealed: string | null;
  /** The secret before the last rotation, sealed the same way, and when it stops working (ms). */
  previousSecret: { sealed: string; expiresAt: number } | null;
  redirectUris: string[];
  /** The redirect URI used for Web SDK authorization, if any (one of `redirectUris`). */
  sdkRedirectUri: string | null;
  /** The App URL the board runs in its frame. */
  sdkUri: string | null;
  scopes: string[];
  /** 1 h access + rotating refresh tokens, or tokens that live until uninstall. Fixed at creation. */
  expiring: boolean;
  /** What the consent page tells users about the app besides its name and developer team. */
  identity: AppIdentity;
  createdAt: number;
  updatedAt: number;
  /** Agents: `dynamic` (RFC 7591 registration) or `metadata_document` (a URL client id); null for console apps. */
  registration: ClientRegistration | null;
  /** When an unused dynamic registration is deleted; null once a user authorized it. */
  registrationExpiresAt: number | null;
  /** Marked first party by an organization admin: its users are not asked for consent (domain/first-party.ts). */
  firstParty?: boolean;
}

/** An app's description and links, each null when not given. */
export interface AppIdentity {
  description: string | null;
  /** An https URL, or a path on Grantboard's own origin. */
  logoUrl: string | null;
  homepageUrl: string | null;
  privacyUrl: string | null;
  termsUrl: string | null;
}

/** What may change after creation: never the token mode, the id, the owner or the creation time. */
export type AppChangeSet = Partial<
  Pick<App, 'name' | 'redirectUris' | 'sdkRedirectUri' | 'sdkUri' | 'scopes' | 'secretSealed' | 'identity'>
> & {
  updatedAt: number;
};

type AppRow = Selectable<AppsTable>;

export function toApp(row: AppRow): App {
  return {
    id: row.id,
    name: row.name,
    teamId: row.team_id,
    createdBy: row.created_by,
    isPublic: row.secret_sealed === null,
    secretSealed: row.secret_sealed,
    previousSecret:
      row.previous_secret_sealed !== null && row.previous_secret_expires_at !== null
        ? { sealed: row.previous_secret_sealed, expiresAt: Number(row.previous_secret_expires_at) }
        : null,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    sdkRedirectUri: row.sdk_redirect_uri,
    sdkUri: row.sdk_uri,
    scopes: splitScopes(row.scopes),
    expiring: row.expiring === 1,
    identity: {
      description: row.description,
      logoUrl: row.logo_url,
      homepageUrl: row.homepage_url,
      privacyUrl: row.privacy_url,
      termsUrl: row.terms_url,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    registration: row.registration,
    registrationExpiresAt: row.registration_expires_at,
    firstParty: row.first_party === 1,
  };
}

function identityColumns(identity: AppIdentity) {
  return {
    description: identity.description,
    logo_url: identity.logoUrl,
    homepage_url: identity.homepageUrl,
    privacy_url: identity.privacyUrl,
    terms_url: identity.termsUrl,
  };
}

/** Scopes are stored space-separated, as they travel on the wire (RFC 6749 §3.3). */
export function splitScopes(scopes: string): string[] {
  return scopes.split(' ').filter(Boolean);
}

function toRow(app: App): AppRow {
  return {
    id: app.id,
    name: app.name,
    team_id: app.teamId,
    created_by: app.createdBy,
    secret_sealed: app.secretSealed,
    redirect_uris: JSON.stringify(app.redirectUris),
    sdk_redirect_uri: app.sdkRedirectUri,
    sdk_uri: app.sdkUri,
    scopes: app.scopes.join(' '),
    expiring: app.expiring ? 1 : 0,
    previous_secret_sealed: app.previousSecret?.sealed ?? null,
    previous_secret_expires_at: app.previousSecret?.expiresAt ?? null,
    ...identityColumns(app.identity),
    created_at: app.createdAt,
    updated_at: app.updatedAt,
    registration: app.registration,
    registration_expires_at: app.registrationExpiresAt,
    first_party: app.firstParty ? 1 : 0,
  };
}

/**
 * `cache`: the database's validated-token cache. Every token request reads its client, so a found
 * app is kept there too: any update or delete of an app empties the cache, in this process and in
 * the others, as a token revocation does (storage/token-cache.ts).
 */
export function appsRepository(db: Kysely<Tables>, cache: TokenCache = createTokenCache(0)) {
  const byId = prepare(db, (db, id: string) => db.selectFrom('apps').selectAll().where('id', '=', id));
  return {
    async create(app: App): Promise<void> {
      await db.insertInto('apps').values(toRow(app)).execute();
    },
    /** Inserts the app unless one with its id exists (two processes fetching one metadata document). */
    async createOrKeep(app: App): Promise<void> {
      await db
        .insertInto('apps')
        .values(toRow(app))
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    },
    // Read on every token request: prepared once, and cached.
    async findById(id: string): Promise<App | undefined> {
      const key = `p${id}`;
      const cached = cache.get(key) as App | undefined;
      // A copy: a caller may change its app (an agent bound to a team) without changing the cache's.
      if (cached) return { ...cached };
      const ticket = cache.ticket();
      const row = (await byId(db, id)).rows[0];
      if (!row) return undefined;
      const app = toApp(row);
      cache.set(ticket, key, `app ${id}`, app);
      return { ...app };
    },
    async list(teamId?: string): Promise<App[]> {
      let query = db.selectFrom('apps').selectAll().orderBy('created_at');
      if (teamId !== undefined) query = query.where('team_id', '=', teamId);
      return (await query.execute()).map(toApp);
    },
    /** The apps that registered this exact redirect URI. */
    async withRedirectUri(uri: string): Promise<App[]> {
      // Narrowed in SQL by the quoted URI in the JSON array (LIKE's wildcards escaped), decided exactly here.
      const pattern = `%${JSON.stringify(uri).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const rows = await db
        .selectFrom('apps')
        .selectAll()
        .where(sql<boolean>`redirect_uris like ${pattern} escape '\\'`)
        .orderBy('created_at')
        .execute();
      return rows.map(toApp).filter((app) => app.redirectUris.includes(uri));
    },
    /** The apps of every developer team the user belongs to, with the team's name, in one query. */
    async ofMember(userId: string): Promise<{ app: App; teamName: string }[]> {
      const rows = await db
        .selectFrom('apps')
        .innerJoin('team_members as m', 'm.team_id', 'apps.team_id')
        .innerJoin('teams', 'teams.id', 'apps.team_id')
        .selectAll('apps')
        .select('teams.name as team_name')
        .where('m.user_id', '=', userId)
        .where('apps.registration', 'is', null)
        .orderBy('apps.created_at')
        .execute();
      return rows.map(({ team_name, ...row }) => ({ app: toApp(row), teamName: team_name }));
    },
    /** An app with its developer team, if the user is a member of that team; one query. */
    async findForMember(appId: string, userId: string): Promise<{ app: App; team: TeamRow } | undefined> {
      const row = await db
        .selectFrom('apps')
        .innerJoin('team_members as m', 'm.team_id', 'apps.team_id')
        .innerJoin('teams', 'teams.id', 'apps.team_id')
        .selectAll('apps')
        .select([
          'teams.organization_id as team_organization_id',
          'teams.name as team_name',
          'teams.installs_admin_only as team_installs_admin_only',
          'teams.created_at as team_created_at',
        ])
        .where('apps.id', '=', appId)
        .where('m.user_id', '=', userId)
        .where('apps.registration', 'is', null)
        .executeTakeFirst();
      if (!row) return undefined;
      const { team_organization_id, team_name, team_installs_admin_only, team_created_at, ...app } = row;
      return {
        app: toApp(app),
        team: {
          id: app.team_id ?? '',
          organization_id: team_organization_id,
          name: team_name,
          installs_admin_only: team_installs_admin_only,
          created_at: team_created_at,
        },
      };
    },
    /**
     * The board apps a team sees, in one query: apps with an app URL that are installed in the team
     * or registered by a developer team of the team's organization; each says whether it is installed.
     */
    async boardApps(teamId: string, appId?: string): Promise<{ app: App; installed: boolean }[]> {
      let query = db
        .selectFrom('apps')
        .leftJoin('installations as i', (join) => join.onRef('i.app_id', '=', 'apps.id').on('i.team_id', '=', teamId))
        .selectAll('apps')
        .select('i.app_id as installed_app_id')
        .where('apps.sdk_uri', 'is not', null)
        .where('apps.sdk_uri', '!=', '')
        .where((eb) =>
          eb.or([
            eb('i.app_id', 'is not', null),
            eb(
              'apps.team_id',
              'in',
              eb
                .selectFrom('teams as developer')
                .innerJoin('teams as own', 'own.organization_id', 'developer.organization_id')
                .select('developer.id')
                .where('own.id', '=', teamId),
            ),
          ]),
        );
      if (appId !== undefined) query = query.where('apps.id', '=', appId);
      const rows = await query.execute();
      return rows.map(({ installed_app_id, ...row }) => ({ app: toApp(row), installed: installed_app_id !== null }));
    },
    /** The agents (self-registered or metadata-document clients) installed in a team, by name. */
    async agentsInstalledIn(teamId: string): Promise<App[]> {
      const rows = await db
        .selectFrom('apps')
        .innerJoin('installations as i', 'i.app_id', 'apps.id')
        .selectAll('apps')
        .where('i.team_id', '=', teamId)
        .where('apps.registration', 'is not', null)
        .orderBy('apps.name')
        .execute();
      return rows.map(toApp);
    },
    /**
     * Binds a self-registered agent to the team of its first authorization (compare-and-set: only
     * while it is of no team, or already of this one), and stops its registration from expiring.
     */
    async bindAgent(id: string, teamId: string, userId: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('apps')
        .set({ team_id: teamId, created_by: userId, registration_expires_at: null, updated_at: now })
        .where('id', '=', id)
        .where('registration', '=', 'dynamic')
        .where((eb) => eb.or([eb('team_id', 'is', null), eb('team_id', '=', teamId)]))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    /** Token mode (`expiring`) is not updatable: it is fixed when the app is created. */
    async update(id: string, changes: AppChangeSet, events: OutboxEvent[] = []): Promise<boolean> {
      if (events.length > 0) {
        return db.transaction().execute(async (trx) => {
          const updated = await appsRepository(trx).update(id, changes);
          if (updated) await writeOutbox(trx, events);
          return updated;
        });
      }
      const result = await db
        .updateTable('apps')
        .set({
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.redirectUris !== undefined && { redirect_uris: JSON.stringify(changes.redirectUris) }),
          ...(changes.sdkRedirectUri !== undefined && { sdk_redirect_uri: changes.sdkRedirectUri }),
          ...(changes.sdkUri !== undefined && { sdk_uri: changes.sdkUri }),
          ...(changes.scopes !== undefined && { scopes: changes.scopes.join(' ') }),
          ...(changes.secretSealed !== undefined && { secret_sealed: changes.secretSealed }),
          ...(changes.identity !== undefined && identityColumns(changes.identity)),
          updated_at: changes.updatedAt,
        })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    /**
     * Rotates the client secret in one compare-and-set: the current secret becomes the previous one
     * (replacing an older previous secret) until `previousExpiresAt`, or is dropped when that is null.
     * Returns false when the secret changed since `expected` was read (a concurrent rotation won).
     */
    async rotateSecret(
      id: string,
      expected: string,
      next: { sealed: string; previousExpiresAt: number | null; now: number; events?: OutboxEvent[] },
    ): Promise<boolean> {
      if (next.events && next.events.length > 0) {
        const events = next.events;
        // The event is written in the same transaction, and only if this rotation won.
        return db.transaction().execute(async (trx) => {
          const rotated = await appsRepository(trx).rotateSecret(id, expected, { ...next, events: [] });
          if (rotated) await writeOutbox(trx, events);
          return rotated;
        });
      }
      const result = await db
        .updateTable('apps')
        .set({
          secret_sealed: next.sealed,
          previous_secret_sealed: next.previousExpiresAt === null ? null : expected,
          previous_secret_expires_at: next.previousExpiresAt,
          updated_at: next.now,
        })
        .where('id', '=', id)
        .where('secret_sealed', '=', expected)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    /** Re-encrypts the secrets of an app under the current server key; `previous` only if it is set. */
    async resealSecrets(id: string, sealed: string, previous: string | null): Promise<void> {
      await db
        .updateTable('apps')
        .set({ secret_sealed: sealed, ...(previous !== null && { previous_secret_sealed: previous }) })
        .where('id', '=', id)
        .execute();
    },
    /**
     * Deletes an app in one transaction: every token family of the app is revoked (the rows stay, for
     * the audit trail), unredeemed codes are spent, installations and the app itself are removed.
     */
    async remove(id: string, now: number): Promise<{ removed: boolean; revokedFamilies: number }> {
      return db.transaction().execute(async (trx) => {
        const revoked = await trx
          .updateTable('token_families')
          .set({ revoked_at: now, revoked_reason: 'app_deleted' })
          .where('app_id', '=', id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        await trx
          .updateTable('authorization_codes')
          .set({ consumed_at: now })
          .where('app_id', '=', id)
          .where('consumed_at', 'is', null)
          .execute();
        await trx.deleteFrom('installations').where('app_id', '=', id).execute();
        const removed = await trx.deleteFrom('apps').where('id', '=', id).executeTakeFirst();
        return { removed: removed.numDeletedRows > 0n, revokedFamilies: Number(revoked.numUpdatedRows) };
      });
    },
  };
}
