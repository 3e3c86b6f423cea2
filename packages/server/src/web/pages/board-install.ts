import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import type { BoardApp } from '../../domain/board-app-service.js';
import type { AccessibleBoard } from '../../domain/board-roles.js';
import type { Refusal } from '../../domain/install-service.js';
import { html } from '../../http/html.js';
import { type AuthorizationRequest, successRedirect } from '../../oauth/authorization-request.js';
import { BOARD_PAGE_ACTOR } from '../board-endpoints.js';
import { askAdmins, groupScopes, initial, refusalText } from '../format.js';
import { sendSignedInPage, signedIn } from '../guard.js';
import { link, ROUTES } from '../routes.js';
import { cookieNames, type SignedIn } from '../session.js';
import { destination, formTarget, lifetime, scopeSection } from './consent-parts.js';
import { errorPage } from './error-page.js';

/** How long the browser remembers which board to return to while the app's back end finishes. */
const RETURN_TTL_SECONDS = 600;

interface InstallView {
  user: SignedIn;
  access: AccessibleBoard;
  entry: BoardApp;
  /** The redirect URI the OAuth code flow runs through alongside, for confidential apps that chose one. */
  chained: string | undefined;
  developer: string | undefined;
  refusal: Refusal | undefined;
  accessTtlSeconds: number;
}

/** The redirect URI "for SDK authorization", when the code flow can run alongside the install. */
function chainedRedirect(entry: BoardApp): string | undefined {
  // A public app proves a code with PKCE, and only the app knows the verifier: no chaining for it.
  return entry.app.sdkRedirectUri && !entry.app.isPublic ? entry.app.sdkRedirectUri : undefined;
}

function installPage(view: InstallView) {
  const { app } = view.entry;
  const board = view.access.board;
  const back = link(ROUTES.board, { boardId: board.id });
  const { read, write } = groupScopes(app.scopes);
  return html`<div class="card">
  <div class="app-identity">
    <div class="app-icon" aria-hidden="true">${initial(app.name)}</div>
    <div>
      <h1>Install &amp; authorize ${app.name}</h1>
      <p class="muted">${view.developer ? `Developed by the ${view.developer} team` : 'Developer unknown'}</p>
    </div>
  </div>
  <p><strong>${app.name}</strong> wants to be installed in <strong>${board.team_name}</strong> and to act on your behalf on its boards, starting with <strong>${board.name}</strong>.</p>
  <p class="muted">You are signed in as ${view.user.user.name} (${view.user.user.email}).</p>
  ${view.refusal ? html`<p class="warning">${view.refusal.message} ${askAdmins(view.refusal)}</p>` : ''}
  <h2>${app.name} will be able to</h2>
  ${scopeSection(html`<span class="tag">Read</span> See your data`, read)}
  ${scopeSection(html`<span class="tag warn">Write</span> Make changes`, write)}
  <ul class="facts">
    <li>It runs inside the boards of ${board.team_name}, in a sandboxed frame served from <strong>${view.entry.origin}</strong>. It gets no access token there, only a short-lived id token that tells its back end who you are.</li>
    ${
      view.chained
        ? html`<li>Its back end also gets access to the REST API for you: when you allow, you will be sent to <strong>${destination(view.chained)}</strong> and then back to the board. ${
            app.expiring
              ? `Its access token expires after ${lifetime(view.accessTtlSeconds)} and is renewed automatically.`
              : 'Its access token does not expire.'
          }</li>`
        : ''
    }
    <li>You can revoke access at any time under Authorized apps; team admins can uninstall the app in team settings.</li>
  </ul>
  <form method="post" action="${link(ROUTES.boardAppInstall, { boardId: board.id, appId: app.id })}" class="actions">
    <input type="hidden" name="csrf" value="${view.user.csrf}">
    ${view.refusal ? '' : html`<button type="submit">Allow</button>`}
    <a class="button secondary" href="${back}">Cancel</a>
  </form>
</div>`;
}

/**
 * Install & authorize an app from a board, the Web SDK's consent: the team is the board's, the scopes
 * are the app's, and the rules are the OAuth consent page's (members install unless the team keeps
 * installs for admins). Where the app chose a redirect URI for SDK authorization, the code flow runs
 * alongside (wire spec §7.2): the browser goes through the app's back end with a code and returns
 * through `/app-install-completed`.
 */
export function boardInstallPages(app: FastifyInstance, context: AppContext): void {
  const { services, config } = context;
  const names = cookieNames(config.publicUrl);

  async function load(request: FastifyRequest, reply: FastifyReply): Promise<InstallView | undefined> {
    const user = signedIn(request);
    const { boardId, appId } = request.params as { boardId: string; appId: string };
    const { access } = await services.boards.openAsUser(user.user.id, boardId, BOARD_PAGE_ACTOR);
    const entry = await services.boardApps.find(access.board.team_id, appId);
    if (!entry) {
      errorPage(reply, 404, 'App not found', 'There is no board app with this client ID.', user);
      return undefined;
    }
    return {
      user,
      access,
      entry,
      chained: chainedRedirect(entry),
      developer: await services.teams.name(entry.app.teamId),
      refusal: await services.installs.refusal(user.user.id, entry.app, access.board.team_id, entry.app.scopes),
      accessTtlSeconds: config.accessTokenTtlSeconds,
    };
  }

  app.get(ROUTES.boardAppInstall, async (request, reply) => {
    const view = await load(request, reply);
    if (!view) return reply;
    return sendSignedInPage(reply, view.user, {
      title: `Install ${view.entry.app.name}`,
      body: installPage(view),
      focused: true,
      formTargets: view.chained ? [formTarget(view.chained)] : [],
    });
  });

  app.post(ROUTES.boardAppInstall, async (request, reply) => {
    const view = await load(request, reply);
    if (!view) return reply;
    const board = view.access.board;
    const { app: sdkApp } = view.entry;
    const scopes = sdkApp.scopes;
    const refusal = await services.installs.authorize(sdkApp, board.team_id, view.user.user.id, scopes);
    if (refusal) {
      return errorPage(reply, 403, 'The app cannot be installed in this team', refusalText(refusal), view.user);
    }
    const running = `${link(ROUTES.board, { boardId: board.id })}?app=${encodeURIComponent(sdkApp.id)}`;
    if (!view.chained) return reply.code(303).header('location', running).send();

    const authorization: AuthorizationRequest = {
      app: sdkApp,
      redirectUri: view.chained,
      state: undefined,
      teamId: board.team_id,
      scopes,
      codeChallenge: undefined,
      resources: [],
      // An App URL's installation grants the app's scopes for the audience their owners make.
      audience: await services.resourceServers.audienceFor(sdkApp, scopes, []),
      scopeGroups: [],
    };
    const code = await services.authorization.issueCode(authorization, view.user.user.id, board.team_id);
    // `/app-install-completed` brings the browser back to this board once the app's back end is done.
    reply.setCookie(names.sdkReturn, `${sdkApp.id}.${board.team_id}.${board.id}`, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: names.secure,
      maxAge: RETURN_TTL_SECONDS,
    });
    // RFC 9700 §4.12: 303, so the browser does not re-post the form to the app.
    return reply
      .code(303)
      .header('location', successRedirect(context.config.publicUrl, authorization, code, board.team_id))
      .send();
  });
}
