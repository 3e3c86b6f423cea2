import type { App } from '../storage/repositories/apps.js';
import { ForbiddenError, NotFoundError } from './errors.js';
import type { ServiceContext } from './service-context.js';

/** Installing apps into teams and uninstalling them; shared by the consent page, the CLI and team settings. */
export function installService({ repos, clock }: ServiceContext) {
  return {
    /** Why `userId` may not install apps in `teamId`, or undefined when they may. */
    async installRefusal(userId: string, teamId: string): Promise<string | undefined> {
      const team = await repos.teams.findById(teamId);
      const role = await repos.teams.role(teamId, userId);
      if (!team || !role) return 'You are not a member of this team.';
      if (team.installs_admin_only === 1 && role !== 'admin') return 'Only team admins can install apps in this team.';
      return undefined;
    },

    async install(app: App, teamId: string, userId: string, scopes: string[]): Promise<void> {
      const now = clock.now();
      const outcome = await repos.installations.install({
        appId: app.id,
        teamId,
        installedBy: userId,
        scopes,
        createdAt: now,
      });
      if (outcome === 'installed') {
        await repos.audit.record({
          type: 'app_installed',
          at: now,
          actorId: userId,
          teamId,
          appId: app.id,
          detail: { scopes: scopes.join(' ') },
        });
      }
    },

    /**
     * Uninstalls an app from a team: every token of the app in the team stops working at once.
     * `actorId` must be a team admin unless it is null (the operator's CLI).
     */
    async uninstall(appId: string, teamId: string, actorId: string | null): Promise<{ revokedFamilies: number }> {
      if (actorId !== null && (await repos.teams.role(teamId, actorId)) !== 'admin') {
        throw new ForbiddenError('Only team admins can uninstall apps.');
      }
      const now = clock.now();
      const result = await repos.installations.uninstall(appId, teamId, now);
      if (!result.removed && result.revokedFamilies === 0) {
        throw new NotFoundError(`App ${appId} is not installed in team ${teamId}.`);
      }
      await repos.audit.record({
        type: 'app_uninstalled',
        at: now,
        actorId,
        teamId,
        appId,
        detail: { revokedFamilies: result.revokedFamilies },
      });
      return { revokedFamilies: result.revokedFamilies };
    },
  };
}

export type InstallService = ReturnType<typeof installService>;
