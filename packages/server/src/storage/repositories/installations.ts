import type { Kysely, Selectable } from 'kysely';
import { type OutboxEvent, writeOutbox } from '../outbox.js';
import type { InstallationsTable, Tables } from '../schema.js';
import { splitScopes } from './apps.js';
import type { TeamMembership } from './teams.js';

/** An app installed in a team, with the scopes the team granted it. */
export interface Installation {
  appId: string;
  teamId: string;
  installedBy: string;
  scopes: string[];
  createdAt: number;
}

/** One of a user's teams, as a place to install an app: the user's role, and the app's installation there. */
export interface InstallTarget extends TeamMembership {
  /** The scopes the app is installed with in the team; null when it is not installed there. */
  installedScopes: string[] | null;
}

export interface InstallationSummary extends Installation {
  appName: string;
  installedByName: string;
  /** Users with a live token family for this app in this team. */
  authorizedUsers: number;
}

function toInstallation(row: Selectable<InstallationsTable>): Installation {
  return {
    appId: row.app_id,
    teamId: row.team_id,
    installedBy: row.installed_by,
    scopes: splitScopes(row.scopes),
    createdAt: row.created_at,
  };
}

export function installationsRepository(db: Kysely<Tables>) {
  return {
    /** Records the install, or widens its scopes when the app is authorized again with more. */
    async install(
      installation: Installation,
      events: (outcome: 'installed' | 'updated') => OutboxEvent[] = () => [],
    ): Promise<'installed' | 'updated'> {
      const row = {
        app_id: installation.appId,
        team_id: installation.teamId,
        installed_by: installation.installedBy,
        scopes: installation.scopes.join(' '),
        created_at: installation.createdAt,
      };
      return db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('installations')
          .select('scopes')
          .where('app_id', '=', row.app_id)
          .where('team_id', '=', row.team_id)
          .executeTakeFirst();
        if (!existing) {
          await trx
            .insertInto('installations')
            .values(row)
            .onConflict((oc) => oc.doNothing())
            .execute();
          await writeOutbox(trx, events('installed'));
          return 'installed';
        }
        const scopes = [...new Set([...splitScopes(existing.scopes), ...installation.scopes])].join(' ');
        if (scopes !== existing.scopes) {
          await trx
            .updateTable('installations')
            .set({ scopes })
            .where('app_id', '=', row.app_id)
            .where('team_id', '=', row.team_id)
            .execute();
        }
        await writeOutbox(trx, events('updated'));
        return 'updated';
      });
    },

    async find(appId: string, teamId: string): Promise<Installation | undefined> {
      const row = await db
        .selectFrom('installations')
        .selectAll()
        .where('app_id', '=', appId)
        .where('team_id', '=', teamId)
        .executeTakeFirst();
      return row && toInstallation(row);
    },

    /**
     * The user's teams (or the one given, if the user is a member), by name, with the user's role and
     * the app's installation in each: one query.
     */
    async targets(userId: string, appId: string, teamId?: string): Promise<InstallTarget[]> {
      let query = db
        .selectFrom('team_members as m')
        .innerJoin('teams', 'teams.id', 'm.team_id')
        .leftJoin('installations as i', (join) => join.onRef('i.team_id', '=', 'teams.id').on('i.app_id', '=', appId))
        .selectAll('teams')
        .select(['m.role', 'i.scopes as installed_scopes'])
        .where('m.user_id', '=', userId)
        .orderBy('teams.name');
      if (teamId !== undefined) query = query.where('teams.id', '=', teamId);
      return (await query.execute()).map(({ installed_scopes, ...team }) => ({
        ...team,
        installedScopes: installed_scopes === null ? null : splitScopes(installed_scopes),
      }));
    },

    /** The teams an app is installed in, by name. */
    teamsOf(appId: string): Promise<{ id: string; name: string }[]> {
      return db
        .selectFrom('installations as i')
        .innerJoin('teams as t', 't.id', 'i.team_id')
        .select(['t.id', 't.name'])
        .where('i.app_id', '=', appId)
        .orderBy('t.name')
        .execute();
    },

    /** One installation with its names and number of users, by app and team. */
    async summary(appId: string, teamId: string): Promise<InstallationSummary | undefined> {
      return (await this.list(teamId, appId))[0];
    },

    list(teamId?: string, appId?: string): Promise<InstallationSummary[]> {
      let query = db
        .selectFrom('installations as i')
        .innerJoin('apps', 'apps.id', 'i.app_id')
        .innerJoin('users', 'users.id', 'i.installed_by')
        .selectAll('i')
        .select((eb) => [
          'apps.name as app_name',
          'users.name as installed_by_name',
          eb
            .selectFrom('token_families as f')
            .select((inner) => inner.fn.count<number>('f.user_id').distinct().as('n'))
            .whereRef('f.app_id', '=', 'i.app_id')
            .whereRef('f.team_id', '=', 'i.team_id')
            .where('f.revoked_at', 'is', null)
            .as('authorized_users'),
        ])
        .orderBy('i.created_at');
      if (teamId !== undefined) query = query.where('i.team_id', '=', teamId);
      if (appId !== undefined) query = query.where('i.app_id', '=', appId);
      return query.execute().then((rows) =>
        rows.map((r) => ({
          ...toInstallation(r),
          appName: r.app_name,
          installedByName: r.installed_by_name,
          authorizedUsers: Number(r.authorized_users ?? 0),
        })),
      );
    },

    /**
     * Uninstalls the app from the team in one transaction: the installation goes, every token family
     * of the app in the team is revoked, and unredeemed codes are spent so none can mint a new token.
     */
    async uninstall(
      appId: string,
      teamId: string,
      now: number,
      events: (result: { removed: boolean; revokedFamilies: number }) => OutboxEvent[] = () => [],
    ): Promise<{ removed: boolean; revokedFamilies: number }> {
      return db.transaction().execute(async (trx) => {
        const removed = await trx
          .deleteFrom('installations')
          .where('app_id', '=', appId)
          .where('team_id', '=', teamId)
          .executeTakeFirst();
        const revoked = await trx
          .updateTable('token_families')
          .set({ revoked_at: now, revoked_reason: 'app_uninstalled' })
          .where('app_id', '=', appId)
          .where('team_id', '=', teamId)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        await trx
          .updateTable('authorization_codes')
          .set({ consumed_at: now })
          .where('app_id', '=', appId)
          .where('team_id', '=', teamId)
          .where('consumed_at', 'is', null)
          .execute();
        const result = { removed: removed.numDeletedRows > 0n, revokedFamilies: Number(revoked.numUpdatedRows) };
        await writeOutbox(trx, events(result));
        return result;
      });
    },
  };
}
