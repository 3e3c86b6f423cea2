import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { html } from '../../http/html.js';
import { initial } from '../format.js';
import { postedForm, sendSignedInPage } from '../guard.js';
import { link, ROUTES } from '../routes.js';
import type { Sessions } from '../session.js';
import { organizationHeader, organizationOf } from './org-header.js';

/** Organization settings → First-party apps: admins mark their own apps trusted (docs/security.md). */
export function orgAppsPages(app: FastifyInstance, context: AppContext, sessions: Sessions): void {
  const { services } = context;

  app.get(ROUTES.orgApps, async (request, reply) => {
    const view = await organizationOf(context, request, reply);
    if (!view) return reply;
    const orgId = view.organization.id;
    const apps = await services.firstParty.apps(orgId, view.user.user.id);
    const body = html`${organizationHeader(view, 'apps')}
<section class="card" aria-labelledby="first-party-title">
  <h2 id="first-party-title">First-party apps</h2>
  <p class="muted">The users of a first-party app are not asked for consent in this organization's teams: when there is one team to choose (or the app is installed in exactly one of them), Allow is implied. Mark only apps your organization builds and runs itself.</p>
  ${
    apps.length === 0
      ? html`<p class="empty">The organization's teams have registered no apps.</p>`
      : html`<ul class="rows">${apps.map(
          (a) => html`<li class="row">
    <div class="app-identity">
      <div class="app-icon" aria-hidden="true">${initial(a.name)}</div>
      <div class="row-main"><h3>${a.name}</h3><p class="muted small">Client id <code>${a.id}</code>${a.firstParty ? html` · <span class="tag">First party</span>` : ''}</p></div>
    </div>
    <div class="row-actions"><form method="post" action="${link(ROUTES.orgAppFirstParty, { organizationId: orgId, appId: a.id })}">
      <input type="hidden" name="csrf" value="${view.user.csrf}">
      <input type="hidden" name="first_party" value="${a.firstParty ? '0' : '1'}">
      <button type="submit" class="secondary small" aria-label="${a.firstParty ? `Stop trusting ${a.name}` : `Mark ${a.name} first party`}">${a.firstParty ? 'Ask for consent again' : 'Mark first party'}</button>
    </form></div>
  </li>`,
        )}</ul>`
  }
</section>`;
    return sendSignedInPage(reply, view.user, {
      title: `${view.organization.name} · First-party apps`,
      body,
      section: 'home',
      wide: true,
      flash: await sessions.takeFlash(view.user),
    });
  });

  app.post(ROUTES.orgAppFirstParty, async (request, reply) => {
    const view = await organizationOf(context, request, reply);
    if (!view) return reply;
    const { appId } = request.params as { appId: string };
    const value = postedForm(request).get('first_party');
    if (value !== '0' && value !== '1') {
      await sessions.setFlash(view.user, { error: 'Choose whether the app is first party.' });
    } else {
      const updated = await services.firstParty.set(view.organization.id, view.user.user.id, appId, value === '1');
      await sessions.setFlash(view.user, {
        notice: updated.firstParty
          ? `${updated.name} is first party: its users are no longer asked for consent.`
          : `${updated.name} asks its users for consent again.`,
      });
    }
    return reply
      .code(303)
      .header('location', link(ROUTES.orgApps, { organizationId: view.organization.id }))
      .send();
  });
}
