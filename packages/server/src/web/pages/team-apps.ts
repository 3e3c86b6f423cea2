import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { ForbiddenError, NotFoundError } from '../../domain/errors.js';
import type { TeamMembership, TeamRole } from '../../domain/model.js';
import { type Html, html } from '../../http/html.js';
import { count, initial, scopeTags, when } from '../format.js';
import { postedForm, sendSignedInPage, signedIn } from '../guard.js';
import { link, ROUTES } from '../routes.js';
import type { Sessions, SignedIn } from '../session.js';
import { errorPage } from './error-page.js';

export interface TeamView {
  user: SignedIn;
  team: TeamMembership;
  role: TeamRole;
}

/** The team, if the signed-in user is a member of it; otherwise a 404 page (members only see a team). */
export async function teamOf(
  { services }: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<TeamView | undefined> {
  const user = signedIn(request);
  const { teamId } = request.params as { teamId: string };
  const team = await services.teams.membership(teamId, user.user.id);
  if (!team) {
    errorPage(reply, 404, 'Team not found', 'You are not a member of a team with this ID.', user);
    return undefined;
  }
  return { user, team, role: team.role };
}

/** The team's heading and its tabs; the audit log tab is for admins only. */
export function teamHeader(view: TeamView, current: 'apps' | 'audit'): Html {
  const tabs = [
    { key: 'apps', href: link(ROUTES.teamApps, { teamId: view.team.id }), label: 'Installed apps' },
    ...(view.role === 'admin'
      ? [
          { key: 'audit', href: link(ROUTES.teamAudit, { teamId: view.team.id }), label: 'Audit log' },
          {
            key: 'webhooks',
            href: link(ROUTES.orgWebhooks, { organizationId: view.team.organization_id }),
            label: 'Webhooks',
          },
        ]
      : []),
  ];
  return html`<div class="page-head">
  <div>
    <p class="crumbs"><a href="${ROUTES.home}">Teams</a></p>
    <h1>${view.team.name}</h1>
    <p class="muted">Team settings · you are ${view.role === 'admin' ? 'an admin' : 'a member'}</p>
  </div>
</div>
<nav aria-label="Team settings"><ul class="tabs">${tabs.map(
    (tab) =>
      html`<li><a href="${tab.href}"${tab.key === current ? html` aria-current="page"` : ''}>${tab.label}</a></li>`,
  )}</ul></nav>`;
}

const csrfField = (user: SignedIn) => html`<input type="hidden" name="csrf" value="${user.csrf}">`;

/** Team settings → Installed apps, with uninstall (admins) and the install policy (admins). */
export function teamAppsPages(app: FastifyInstance, context: AppContext, sessions: Sessions): void {
  const { services } = context;

  app.get(ROUTES.teamApps, async (request, reply) => {
    const view = await teamOf(context, request, reply);
    if (!view) return reply;
    const admin = view.role === 'admin';
    const installations = await services.installs.list(view.team.id);
    const body = html`${teamHeader(view, 'apps')}
<section class="card" aria-labelledby="installed-title">
  <h2 id="installed-title">Installed apps</h2>
  ${admin ? '' : html`<p class="muted">Only team admins can uninstall apps. Ask an admin of ${view.team.name}.</p>`}
  ${
    installations.length === 0
      ? html`<p class="empty">No apps are installed in this team.</p>`
      : html`<ul class="rows">${installations.map(
          (i) => html`<li class="row">
    <div class="app-identity">
      <div class="app-icon" aria-hidden="true">${initial(i.appName)}</div>
      <div class="row-main">
        <h3>${i.appName}</h3>
        <p class="muted small">Installed by ${i.installedByName} on ${when(i.createdAt)} · authorized by ${count(i.authorizedUsers, 'user')}</p>
        ${scopeTags(i.scopes)}
      </div>
    </div>
    ${
      admin
        ? html`<div class="row-actions"><a class="button danger small" href="${link(ROUTES.teamUninstall, { teamId: view.team.id, appId: i.appId })}" aria-label="Uninstall ${i.appName}">Uninstall</a></div>`
        : ''
    }
  </li>`,
        )}</ul>`
  }
</section>
<section class="card" aria-labelledby="policy-title">
  <h2 id="policy-title">Who can install apps</h2>
  ${
    admin
      ? html`<form method="post" action="${link(ROUTES.teamSettings, { teamId: view.team.id })}">
    ${csrfField(view.user)}
    <label class="check"><input type="checkbox" name="installs_admin_only" value="1"${view.team.installs_admin_only === 1 ? html` checked` : ''}><span><strong>Only team admins can install apps</strong><span class="hint">Members can still use apps an admin installed.</span></span></label>
    <div class="actions"><button type="submit" class="secondary">Save</button></div>
  </form>`
      : html`<p>${view.team.installs_admin_only === 1 ? 'Only team admins can install apps in this team.' : 'Every member of this team can install apps.'}</p>`
  }
</section>`;
    return sendSignedInPage(reply, view.user, {
      title: `${view.team.name} · Installed apps`,
      body,
      section: 'home',
      wide: true,
      flash: await sessions.takeFlash(view.user),
    });
  });

  app.post(ROUTES.teamSettings, async (request, reply) => {
    const view = await teamOf(context, request, reply);
    if (!view) return reply;
    const adminOnly = postedForm(request).get('installs_admin_only') === '1';
    await services.accounts.setInstallPolicy(view.team.id, view.user.user.id, adminOnly);
    await sessions.setFlash(view.user, {
      notice: adminOnly ? 'Only team admins can install apps now.' : 'Every member can install apps now.',
    });
    return reply
      .code(303)
      .header('location', link(ROUTES.teamApps, { teamId: view.team.id }))
      .send();
  });

  /** The installation to uninstall, for an admin of the team; otherwise an error page. */
  async function uninstallTarget(request: FastifyRequest, reply: FastifyReply) {
    const view = await teamOf(context, request, reply);
    if (!view) return undefined;
    const { appId } = request.params as { appId: string };
    try {
      return { view, installation: await services.installs.uninstallable(appId, view.team.id, view.user.user.id) };
    } catch (error) {
      if (error instanceof ForbiddenError) {
        errorPage(reply, 403, 'Only team admins can uninstall apps', `Ask an admin of ${view.team.name}.`, view.user);
        return undefined;
      }
      if (error instanceof NotFoundError) {
        errorPage(reply, 404, 'App not installed', `This app is not installed in ${view.team.name}.`, view.user);
        return undefined;
      }
      throw error;
    }
  }

  app.get(ROUTES.teamUninstall, async (request, reply) => {
    const target = await uninstallTarget(request, reply);
    if (!target) return reply;
    const { view, installation: i } = target;
    const back = link(ROUTES.teamApps, { teamId: view.team.id });
    const body = html`<p class="crumbs"><a href="${back}">${view.team.name} · Installed apps</a></p>
<div class="card">
  <h1>Uninstall ${i.appName} from ${view.team.name}?</h1>
  <p>${i.appName} was installed by ${i.installedByName} on ${when(i.createdAt)} and is authorized by ${count(i.authorizedUsers, 'user')}.</p>
  <p class="warning">Every token of ${i.appName} in ${view.team.name} stops working at once, for every user. Members can install it again later, and will have to authorize it again.</p>
  <form method="post" action="${link(ROUTES.teamUninstall, { teamId: view.team.id, appId: i.appId })}" class="actions">
    ${csrfField(view.user)}
    <button type="submit" class="danger">Uninstall</button>
    <a class="button secondary" href="${back}">Cancel</a>
  </form>
</div>`;
    return sendSignedInPage(reply, view.user, { title: `Uninstall ${i.appName}`, body, section: 'home' });
  });

  app.post(ROUTES.teamUninstall, async (request, reply) => {
    const target = await uninstallTarget(request, reply);
    if (!target) return reply;
    const { view, installation } = target;
    const { revokedFamilies } = await services.installs.uninstall(installation.appId, view.team.id, view.user.user.id);
    await sessions.setFlash(view.user, {
      notice: `${installation.appName} is uninstalled from ${view.team.name}; ${count(revokedFamilies, 'authorization')} revoked.`,
    });
    return reply
      .code(303)
      .header('location', link(ROUTES.teamApps, { teamId: view.team.id }))
      .send();
  });
}
