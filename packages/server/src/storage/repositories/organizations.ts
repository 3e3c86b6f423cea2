import type { Kysely } from 'kysely';
import type { Tables } from '../schema.js';

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
  };
}
