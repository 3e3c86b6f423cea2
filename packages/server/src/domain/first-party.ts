import { isNumericId } from '../lib/ids.js';
import type { App } from '../storage/repositories/apps.js';
import { ForbiddenError, NotFoundError, ValidationError } from './errors.js';
import type { TeamChoice } from './install-service.js';
import type { ServiceContext } from './service-context.js';

/**
 * Whether an app may be trusted as first party: only an app its organization registered itself. A
 * client that registered itself (RFC 7591) or names itself by a metadata document never is, whatever
 * its row says.
 */
export function mayBeFirstParty(app: Pick<App, 'registration'>): boolean {
  return app.registration === null;
}

/**
 * The team a first-party app is authorized in without asking (docs/security.md, "First-party
 * apps"): among the teams of the app's own organization where the user may authorize it, the one
 * the request names; else the only one; else the only one it is installed in already. Undefined —
 * show the consent page — for any other app, or when that leaves a choice to make.
 */
export function autoApprovedTeam(
  app: Pick<App, 'registration' | 'firstParty'>,
  organizationId: string | undefined,
  choices: TeamChoice[],
  requestedTeamId: string | undefined,
): string | undefined {
  if (!app.firstParty || !mayBeFirstParty(app) || organizationId === undefined) return undefined;
  const candidates = choices.filter((c) => !c.refusal && c.team.organization_id === organizationId);
  if (requestedTeamId !== undefined) return candidates.find((c) => c.team.id === requestedTeamId)?.team.id;
  if (candidates.length === 1) return candidates[0]!.team.id;
  const installed = candidates.filter((c) => c.installed);
  return installed.length === 1 ? installed[0]!.team.id : undefined;
}

/** Organization admins mark their own apps first party; the consent step asks `autoApprovedTeam`. */
export function firstPartyService({ repos, clock }: ServiceContext) {
  async function adminOf(organizationId: string, userId: string) {
    const org = isNumericId(organizationId)
      ? await repos.organizations.administered(organizationId, userId)
      : undefined;
    if (!org) throw new ForbiddenError('Only admins of a team of the organization can mark its apps first party.');
    return org;
  }

  return {
    /** The apps of the organization's developer teams, for its admins. */
    async apps(organizationId: string, userId: string): Promise<App[]> {
      await adminOf(organizationId, userId);
      return repos.organizations.apps(organizationId);
    },

    /** Marks an app of the organization first party, or not; audited in the app's developer team. */
    async set(organizationId: string, userId: string, appId: string, firstParty: boolean): Promise<App> {
      await adminOf(organizationId, userId);
      const app = isNumericId(appId) ? await repos.apps.findById(appId) : undefined;
      if (!app || app.teamId === null || (await repos.organizations.ofTeam(app.teamId)) !== organizationId) {
        throw new NotFoundError('There is no such app in this organization.');
      }
      if (firstParty && !mayBeFirstParty(app)) {
        throw new ValidationError('An app that registered itself can never be first party.');
      }
      if (Boolean(app.firstParty) === firstParty) return app;
      await repos.organizations.setFirstParty(app.id, firstParty);
      await repos.audit.record({
        type: 'app_first_party_changed',
        at: clock.now(),
        actorId: userId,
        teamId: app.teamId,
        appId: app.id,
        detail: { firstParty },
      });
      return { ...app, firstParty };
    },

    /** The team to authorize `app` in without the consent page, if any (see `autoApprovedTeam`). */
    async autoApproval(
      app: App,
      choices: TeamChoice[],
      requestedTeamId: string | undefined,
    ): Promise<string | undefined> {
      if (!app.firstParty || !mayBeFirstParty(app) || app.teamId === null) return undefined;
      return autoApprovedTeam(app, await repos.organizations.ofTeam(app.teamId), choices, requestedTeamId);
    },
  };
}
