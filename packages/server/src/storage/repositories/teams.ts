import type { Kysely, Selectable } from 'kysely';
import type { OrganizationsTable, Tables, TeamRole, TeamsTable } from '../schema.js';

export type TeamRow = Selectable<TeamsTable>;
export type OrganizationRow = Selectable<OrganizationsTable>;
export interface TeamMembership extends TeamRow {
  role: TeamRole;
}

export function teamsRepository(db: Kysely<Tables>) {
  return {
    async createOrganization(org: OrganizationRow): Promise<void> {
      await db.insertInto('organizations').values(org).execute();
    },
    findOrganization(id: string): Promise<OrganizationRow | undefined> {
      return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
    },
    listOrganizations(): Promise<OrganizationRow[]> {
      return db.selectFrom('organizations').selectAll().orderBy('created_at').orderBy('id').execute();
    },
    async create(team: TeamRow): Promise<void> {
      await db.insertInto('teams').values(team).execute();
    },
    findById(id: string): Promise<TeamRow | undefined> {
      return db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
    },
    list(): Promise<TeamRow[]> {
      return db.selectFrom('teams').selectAll().orderBy('created_at').execute();
    },
    async setInstallsAdminOnly(teamId: string, adminOnly: boolean): Promise<void> {
      await db
        .updateTable('teams')
        .set({ installs_admin_only: adminOnly ? 1 : 0 })
        .where('id', '=', teamId)
        .execute();
    },
    /** Adds a member or changes the role of an existing one. */
    async setMember(teamId: string, userId: string, role: TeamRole, now: number): Promise<void> {
      await db
        .insertInto('team_members')
        .values({ team_id: teamId, user_id: userId, role, created_at: now })
        .onConflict((oc) => oc.columns(['team_id', 'user_id']).doUpdateSet({ role }))
        .execute();
    },
    async role(teamId: string, userId: string): Promise<TeamRole | undefined> {
      const row = await db
        .selectFrom('team_members')
        .select('role')
        .where('team_id', '=', teamId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row?.role;
    },
    /** The team with the user's role in it, in one query; undefined when the user is not a member. */
    membership(teamId: string, userId: string): Promise<TeamMembership | undefined> {
      return db
        .selectFrom('team_members')
        .innerJoin('teams', 'teams.id', 'team_members.team_id')
        .selectAll('teams')
        .select('team_members.role')
        .where('team_members.team_id', '=', teamId)
        .where('team_members.user_id', '=', userId)
        .executeTakeFirst();
    },
    /** The admins of some teams, by name: whom a member asks. */
    admins(teamIds: string[]): Promise<{ teamId: string; name: string }[]> {
      if (teamIds.length === 0) return Promise.resolve([]);
      return db
        .selectFrom('team_members')
        .innerJoin('users', 'users.id', 'team_members.user_id')
        .select(['team_members.team_id as teamId', 'users.name'])
        .where('team_members.team_id', 'in', teamIds)
        .where('team_members.role', '=', 'admin')
        .orderBy('team_members.created_at')
        .execute();
    },
    /** A team's members with their roles, oldest membership first. */
    members(teamId: string): Promise<{ id: string; name: string; email: string; role: TeamRole }[]> {
      return db
        .selectFrom('team_members')
        .innerJoin('users', 'users.id', 'team_members.user_id')
        .select(['users.id', 'users.name', 'users.email', 'team_members.role'])
        .where('team_members.team_id', '=', teamId)
        .orderBy('team_members.created_at')
        .execute();
    },
    /** The teams a user belongs to, with the user's role in each. */
    teamsOf(userId: string): Promise<TeamMembership[]> {
      return db
        .selectFrom('team_members')
        .innerJoin('teams', 'teams.id', 'team_members.team_id')
        .selectAll('teams')
        .select('team_members.role')
        .where('team_members.user_id', '=', userId)
        .orderBy('teams.name')
        .execute();
    },
  };
}
