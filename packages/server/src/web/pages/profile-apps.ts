import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { isMetadataDocumentUrl } from '../../domain/client-metadata-service.js';
import { html } from '../../http/html.js';
import { isNumericId } from '../../lib/ids.js';
import { count, initial, when } from '../format.js';
import { postedForm, sendSignedInPage, signedIn } from '../guard.js';
import { ROUTES } from '../routes.js';
import type { Sessions } from '../session.js';

/** Profile → Authorized apps: what the user has let apps do, per team, with Revoke access. */
export function profileAppsPages(app: FastifyInstance, { services }: AppContext, sessions: Sessions): void {
  app.get(ROUTES.profileApps, async (request, reply) => {
    const user = signedIn(request);
    const grants = await services.tokens.grantsOf(user.user.id);
    const body = html`<div class="page-head">
  <div><h1>Authorized apps</h1><p class="muted">Apps you have allowed to act on your behalf, per team. Revoking access signs the app out for you in that team; it stays installed for others.</p></div>
</div>
<section class="card" aria-label="Authorized apps">
  ${
    grants.length === 0
      ? html`<p class="empty">You have not authorized any apps.</p>`
      : html`<ul class="rows">${grants.map(
          (g) => html`<li class="row">
    <div class="app-identity">
      <div class="app-icon" aria-hidden="true">${initial(g.appName)}</div>
      <div class="row-main">
        <h2>${g.appName}</h2>
        <p class="muted small">In team <strong>${g.teamName}</strong> · authorized ${when(g.lastAuthorizedAt)}${g.grants > 1 ? ` · ${count(g.grants, 'active authorization')}` : ''}</p>
      </div>
    </div>
    <form method="post" action="${ROUTES.profileRevoke}" class="row-actions">
      <input type="hidden" name="csrf" value="${user.csrf}">
      <input type="hidden" name="app_id" value="${g.appId}">
      <input type="hidden" name="team_id" value="${g.teamId}">
      <button type="submit" class="danger-outline small" aria-label="Revoke access of ${g.appName} in ${g.teamName}">Revoke access</button>
    </form>
  </li>`,
        )}</ul>`
  }
</section>`;
    return sendSignedInPage(reply, user, {
      title: 'Authorized apps',
      body,
      section: 'authorized',
      wide: true,
      flash: await sessions.takeFlash(user),
    });
  });

  app.post(ROUTES.profileRevoke, async (request, reply) => {
    const user = signedIn(request);
    const form = postedForm(request);
    const appId = form.get('app_id') ?? '';
    const teamId = form.get('team_id') ?? '';
    // Only the signed-in user's own grants can match: the user id comes from the session.
    const revoked =
      (isNumericId(appId) || isMetadataDocumentUrl(appId)) && isNumericId(teamId)
        ? await services.tokens.revokeGrant({ userId: user.user.id, appId, teamId })
        : 0;
    const appName = (await services.apps.find(appId))?.name ?? 'The app';
    await sessions.setFlash(
      user,
      revoked > 0 ? { notice: `Access of ${appName} is revoked.` } : { error: 'There was nothing to revoke.' },
    );
    return reply.code(303).header('location', ROUTES.profileApps).send();
  });
}
