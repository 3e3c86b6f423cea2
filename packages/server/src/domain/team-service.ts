import { isNumericId } from '../lib/ids.js';
import type { NamedAuditEvent } from '../storage/repositories/audit.js';
import type { TeamMembership } from '../storage/repositories/teams.js';
import { ForbiddenError } from './errors.js';
import type { ServiceContext } from './service-context.js';

/** What a signed-in user sees of teams: their own, each with their role, and an admin's audit log. */
export function teamService({ repos }: ServiceContext) {
  return {
    /** The user's teams, by name, with the user's role in each. */
    teamsOf(userId: string): Promise<TeamMembership[]> {
      return repos.teams.teamsOf(userId);
    },

    /** The team with the user's role in it; undefined unless the user is a member (only members see a team). */
    async membership(teamId: string, userId: string): Promise<TeamMembership | undefined> {
      return isNumericId(teamId) ? repos.teams.membership(teamId, userId) : undefined;
    },

    /** The team's first admin, who stands in as the creator of an app the operator registers. */
    async firstAdmin(teamId: string): Promise<string | undefined> {
      return (await repos.teams.members(teamId)).find((m) => m.role === 'admin')?.id;
    },

    /** A team's name, e.g. an app's developer team on a consent page. */
    async name(teamId: string | null): Promise<string | undefined> {
      return teamId === null ? undefined : (await repos.teams.findById(teamId))?.name;
    },

    /** The team's audit log, newest first: team admins only. */
    async auditLog(teamId: string, actorId: string, limit: number): Promise<NamedAuditEvent[]> {
      if ((await repos.teams.role(teamId, actorId)) !== 'admin') {
        throw new ForbiddenError('Only team admins can see the audit log.');
      }
      return repos.audit.teamLog(teamId, limit);
    },
  };
}

export type TeamService = ReturnType<typeof teamService>;
