import { PATHS } from '@grantboard/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { html } from '../../http/html.js';
import { sendSignedInPage, signedIn } from '../guard.js';
import { sendPage } from '../layout.js';
import { link, ROUTES } from '../routes.js';
import { cookieNames, type Sessions } from '../session.js';

/** The signed-in home page: the user's teams, with their settings pages. */
export function homePage(app: FastifyInstance, { services, config }: AppContext, sessions: Sessions): void {
  app.get(ROUTES.home, async (request, reply) => {
    const user = signedIn(request);
    const teams = await services.teams.teamsOf(user.user.id);
    const body = html`<div class="page-head">
  <div><h1>Hello, ${user.user.name}</h1><p class="muted">Signed in as ${user.user.email}.</p></div>
</div>
<section class="card" aria-labelledby="teams-title">
  <h2 id="teams-title">Your teams</h2>
  ${
    teams.length === 0
      ? html`<p class="empty">You are not a member of any team yet.</p>`
      : html`<ul class="rows">${teams.map(
          (t) => html`<li class="row">
    <div class="row-main">
      <h3>${t.name}</h3>
      <ul class="tags">
        <li><span class="tag${t.role === 'admin' ? '' : ' grey'}">${t.role === 'admin' ? 'Admin' : 'Member'}</span></li>
        ${t.installs_admin_only === 1 ? html`<li><span class="tag grey">Admins install apps</span></li>` : ''}
      </ul>
    </div>
    <div class="row-actions">
      <a class="button secondary small" href="${link(ROUTES.teamApps, { teamId: t.id })}" aria-label="Installed apps of ${t.name}">Installed apps</a>
      ${t.role === 'admin' ? html`<a class="button secondary small" href="${link(ROUTES.teamAudit, { teamId: t.id })}" aria-label="Audit log of ${t.name}">Audit log</a>` : ''}
    </div>
  </li>`,
        )}</ul>`
  }
</section>
<section class="card" aria-labelledby="dev-title">
  <h2 id="dev-title">For developers</h2>
  <p>Register apps and get their credentials in <a href="${ROUTES.apps}">Your apps</a>.</p>
  <p>Authorization server metadata: <a href="${PATHS.metadata}"><code>${config.publicUrl}${PATHS.metadata}</code></a></p>
</section>`;
    return sendSignedInPage(reply, user, {
      title: 'Teams',
      body,
      section: 'home',
      wide: true,
      flash: await sessions.takeFlash(user),
    });
  });
}

/** Public pages: where a Web SDK install ends. */
export function homePages(app: FastifyInstance, { config }: AppContext): void {
  const names = cookieNames(config.publicUrl);
  // Where the browser lands after an app's back end finished Web SDK authorization (wire spec §7.2).
  // An install started from a board left a cookie naming it: back to that board, with the app open.
  app.get(PATHS.appInstallCompleted, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const [appId, teamId, boardId] = (request.cookies[names.sdkReturn] ?? '').split('.');
    if (appId && boardId && appId === query.client_id && teamId === query.team_id) {
      reply.clearCookie(names.sdkReturn, { path: '/', httpOnly: true, sameSite: 'lax', secure: names.secure });
      const board = `${link(ROUTES.board, { boardId })}?app=${encodeURIComponent(appId)}`;
      return reply.code(303).header('location', board).send();
    }
    return sendPage(reply, {
      title: 'App installed',
      body: html`<div class="card"><h1>App installed</h1><p>The app is installed and authorized. You can close this window.</p></div>`,
    });
  });
}
