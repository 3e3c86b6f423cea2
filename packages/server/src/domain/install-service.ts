import type { App } from '../storage/repositories/apps.js';
import type { InstallationSummary, InstallTarget } from '../storage/repositories/installations.js';
import type { TeamMembership } from '../storage/repositories/teams.js';
import { ForbiddenError, NotFoundError } from './errors.js';
import { outboxEvent } from './events.js';
import type { ServiceContext } from './service-context.js';

/** Why a user may not install or authorize an app in a team, and whom to ask. */
export interface Refusal {
  /** A sentence fit to show. */
  message: string;
  /** The same in a few words, for a label: "only team admins can install apps". */
  brief: string;
  /** For a member: the team's name and its admins, by name, whom to ask. Nothing for someone outside the team. */
  ask: { team: string; admins: string[] } | undefined;
}

/** One of the user's teams as a place to authorize an app, and why not, if not. */
export interface TeamChoice {
  team: TeamMembership;
  /** The app is installed in the team already: authorizing it installs nothing. */
  installed: boolean;
  refusal: Refusal | undefined;
}

type Reason = Omit<Refusal, 'ask'>;

/**
 * Who may install and who may authorize, the one rule for the consent page, the board's install
 * page and the developer console. A member may install an app, or authorize it with more scopes
 * than it was installed with (the installation widens), unless the team keeps installs for its
 * admins; there, a member may still authorize an app an admin installed, within the installed
 * scopes ("Members can still use apps an admin installed").
 */
export function installReason(
  target: Pick<InstallTarget, 'role' | 'installs_admin_only' | 'installedScopes'> | undefined,
  app: Pick<App, 'name'> | undefined,
  scopes: string[],
): Reason | undefined {
  if (!target) return { message: 'You are not a member of this team.', brief: 'not a member' };
  if (target.role === 'admin' || target.installs_admin_only !== 1) return undefined;
  const installed = target.installedScopes;
  if (!app || installed === null) {
    return { message: 'Only team admins can install apps in this team.', brief: 'only team admins can install apps' };
  }
  const extra = scopes.filter((scope) => !installed.includes(scope));
  if (extra.length === 0) return undefined;
  return {
    message: `Only team admins can install apps in this team, and ${app.name} is installed there without ${extra.join(', ')}.`,
    brief: `only team admins can add ${extra.join(', ')}`,
  };
}

/** A self-registered agent belongs to the team of its first authorization, and to no other. */
function boundElsewhere(app: App | undefined, teamId: string): Reason | undefined {
  if (app?.registration !== 'dynamic' || app.teamId === null || app.teamId === teamId) return undefined;
  return {
    message: `${app.name} registered itself and is bound to another team; it cannot be authorized here.`,
    brief: 'the agent is bound to another team',
  };
}

/** Installing apps into teams and uninstalling them; shared by the consent page, the board, the console, the CLI and team settings. */
export function installService({ repos, clock }: ServiceContext) {
  /** The reasons, with the admins of each refused team a member can ask (one query for all teams). */
  async function withAdmins(
    reasons: { team: { id: string; name: string } | undefined; reason: Reason | undefined }[],
  ): Promise<(Refusal | undefined)[]> {
    const asked = reasons.flatMap((r) => (r.reason && r.team ? [r.team.id] : []));
    const admins = await repos.teams.admins([...new Set(asked)]);
    return reasons.map(({ team, reason }) => {
      if (!reason) return undefined;
      const names = team ? admins.filter((a) => a.teamId === team.id).map((a) => a.name) : [];
      return { ...reason, ask: team && { team: team.name, admins: names } };
    });
  }

  async function refusalFor(userId: string, app: App | undefined, teamId: string, scopes: string[]) {
    const [target] = await repos.installations.targets(userId, app?.id ?? '', teamId);
    const reason = (target && boundElsewhere(app, teamId)) ?? installReason(target, app, scopes);
    const [refusal] = await withAdmins([{ team: target, reason }]);
    return refusal;
  }

  /** Records the install, or widens its scopes; audited when the app is new in the team. */
  async function install(app: App, teamId: string, userId: string, scopes: string[]): Promise<void> {
    const now = clock.now();
    const outcome = await repos.installations.install(
      { appId: app.id, teamId, installedBy: userId, scopes, createdAt: now },
      (result) =>
        result === 'installed'
          ? [
              outboxEvent('app.installed', teamId, now, {
                app: { id: app.id, name: app.name },
                team: { id: teamId },
                installedBy: { id: userId },
                scopes,
              }),
            ]
          : [],
    );
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
  }

  return {
    /** The user's teams, each with whether the user may authorize `app` with `scopes` there. */
    async choices(userId: string, app: App, scopes: string[]): Promise<TeamChoice[]> {
      const targets = await repos.installations.targets(userId, app.id);
      const refusals = await withAdmins(
        targets.map((t) => ({ team: t, reason: boundElsewhere(app, t.id) ?? installReason(t, app, scopes) })),
      );
      return targets.map(({ installedScopes, ...team }, i) => ({
        team,
        installed: installedScopes !== null,
        refusal: refusals[i],
      }));
    },

    /** Why `userId` may not authorize `app` with `scopes` in `teamId`; undefined when they may. */
    refusal(userId: string, app: App, teamId: string, scopes: string[]): Promise<Refusal | undefined> {
      return refusalFor(userId, app, teamId, scopes);
    },

    /** Why `userId` may not install apps that are not yet in `teamId` (a board's "Add apps"); undefined when they may. */
    newInstallRefusal(userId: string, teamId: string): Promise<Refusal | undefined> {
      return refusalFor(userId, undefined, teamId, []);
    },

    /**
     * Installs `app` in the team for the user (or widens its scopes), when the rule lets them; an app
     * an admin installed is authorized as it is. Returns why not, and does nothing, otherwise.
     */
    async authorize(app: App, teamId: string, userId: string, scopes: string[]): Promise<Refusal | undefined> {
      const refusal = await refusalFor(userId, app, teamId, scopes);
      if (refusal) return refusal;
      if (app.registration === 'dynamic' && app.teamId === null) {
        const now = clock.now();
        if (!(await repos.apps.bindAgent(app.id, teamId, userId, now))) {
          // Another team's authorization bound it first.
          return refusalFor(userId, { ...app, teamId: '' }, teamId, scopes);
        }
        app.teamId = teamId;
        await repos.audit.record({ type: 'agent_bound', at: now, actorId: userId, teamId, appId: app.id });
      }
      await install(app, teamId, userId, scopes);
      return undefined;
    },

    /** Installs without asking who may: for the operator's tools and test fixtures, never for a user's request. */
    install,

    /** The scopes an app holds in a team: the installation's, narrowed to what the app is registered for today. */
    async grantedScopes(app: App, teamId: string): Promise<string[] | undefined> {
      const installation = await repos.installations.find(app.id, teamId);
      return installation?.scopes.filter((scope) => app.scopes.includes(scope));
    },

    /**
     * A team's installed apps (every team's, for the operator's CLI), oldest install first, with who
     * installed each and how many users authorized it.
     */
    list(teamId?: string): Promise<InstallationSummary[]> {
      return repos.installations.list(teamId);
    },

    /** The teams an app is installed in, by name. */
    teamsOf(appId: string): Promise<{ id: string; name: string }[]> {
      return repos.installations.teamsOf(appId);
    },

    /** The installation an admin is about to uninstall; only team admins may. */
    async uninstallable(appId: string, teamId: string, actorId: string): Promise<InstallationSummary> {
      if ((await repos.teams.role(teamId, actorId)) !== 'admin') {
        throw new ForbiddenError('Only team admins can uninstall apps.');
      }
      const installation = await repos.installations.summary(appId, teamId);
      if (!installation) throw new NotFoundError(`App ${appId} is not installed in team ${teamId}.`);
      return installation;
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
      const result = await repos.installations.uninstall(appId, teamId, now, (done) =>
        done.removed || done.revokedFamilies > 0
          ? [
              outboxEvent('app.uninstalled', teamId, now, {
                app: { id: appId },
                team: { id: teamId },
                uninstalledBy: actorId === null ? null : { id: actorId },
                revokedAuthorizations: done.revokedFamilies,
              }),
            ]
          : [],
      );
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
