import type { Kysely } from 'kysely';
import type { Tables } from '../schema.js';
import { type App, toApp } from './apps.js';

/** An organization as one of its admins sees it. */
export interface AdministeredOrganization {
  id: string;
  name: string;
}

/**
 * Organizations have no role of their own: an organization admin is an admin of any of its teams
 * (docs/webhooks.md).
 */
export function organizationsRepository(db: Kysely<Tables>) {
  return {
    /** The organization, if the user is an admin of one of its teams; one query. */
    administered(organizationId: string, userId: string): Promise<AdministeredOrganization | undefined> {
      return db
        .selectFrom('organizations as o')
        .select(['o.id', 'o.name'])
        .where('o.id', '=', organizationId)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('team_members as m')
              .innerJoin('teams as t', 't.id', 'm.team_id')
              .select('m.user_id')
              .whereRef('t.organization_id', '=', 'o.id')
              .where('m.user_id', '=', userId)
              .where('m.role', '=', 'admin'),
          ),
        )
        .executeTakeFirst();
    },

    /** The organization a team belongs to. */
    async ofTeam(teamId: string): Promise<string | undefined> {
      const row = await db.selectFrom('teams').select('organization_id').where('id', '=', teamId).executeTakeFirst();
      return row?.organization_id;
    },

    /** The apps registered by the organization's developer teams (agents excluded), by name. */
    async apps(organizationId: string): Promise<App[]> {
      const rows = await db
        .selectFrom('apps')
        .innerJoin('teams as t', 't.id', 'apps.team_id')
        .selectAll('apps')
        .where('t.organization_id', '=', organizationId)
        .where('apps.registration', 'is', null)
        .orderBy('apps.name')
        .execute();
      return rows.map(toApp);
    },

    async setFirstParty(appId: string, firstParty: boolean): Promise<void> {
      await db
        .updateTable('apps')
        .set({ first_party: firstParty ? 1 : 0 })
        .where('id', '=', appId)
        .execute();
    },
  };
}
