import { PATHS } from '@grantboard/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import type { TeamChoice } from '../../domain/install-service.js';
import { type Html, html } from '../../http/html.js';
import { secretsEqual } from '../../lib/compare.js';
import {
  type AuthorizationRequest,
  errorRedirect,
  parseAuthorizationRequest,
  RedirectableError,
  successRedirect,
  UnverifiedClientError,
} from '../../oauth/authorization-request.js';
import { AccessDenied } from '../../oauth/errors.js';
import { askAdmins, groupScopes, refusalText } from '../format.js';
import { formFields } from '../forms.js';
import { redirectToSignIn } from '../guard.js';
import { sendPage } from '../layout.js';
import { ROUTES } from '../routes.js';
import type { Sessions, SignedIn } from '../session.js';
import { agentNotice, resourceFields } from './consent-agent.js';
import { firstPartyApproval } from './consent-first-party.js';
import {
  apiScopeSections,
  appAbout,
  appIcon,
  destination,
  formTarget,
  lifetime,
  logoOrigins,
  scopeSection,
} from './consent-parts.js';
import { errorPage } from './error-page.js';

/**
 * The install & authorize page (RFC 6819 §5.1.3, §5.2.4.2: the user sees who is asking, for what,
 * for how long, and where the answer goes).
 */
function consentPage(
  request: AuthorizationRequest,
  signedIn: SignedIn,
  choices: TeamChoice[],
  developer: string | undefined,
  returnTo: string,
  accessTtlSeconds: number,
  boundTeam?: string,
) {
  const { app } = request;
  const { read, write } = groupScopes(request.scopes);
  const selectable = choices.filter((c) => !c.refusal);
  const refused = choices.filter((c) => c.refusal);
  const requested = request.teamId === undefined ? undefined : choices.find((c) => c.team.id === request.teamId);
  const preselected = selectable.find((c) => c.team.id === request.teamId) ?? selectable[0];
  const hidden = (name: string, value: string | undefined) =>
    value === undefined ? '' : html`<input type="hidden" name="${name}" value="${value}">`;
  const why = (c: TeamChoice) =>
    c.refusal ? html`<li>${c.team.name}: ${c.refusal.brief}. ${askAdmins(c.refusal)}</li>` : '';
  let teamNote: Html | string = '';
  if (request.teamId !== undefined && !requested) {
    teamNote = html`<p class="warning">${app.name} asked for a team you are not a member of. Choose one of your teams instead.</p>`;
  } else if (requested?.refusal && selectable.length > 0) {
    teamNote = html`<p class="warning">${app.name} asked for ${requested.team.name}, where ${requested.refusal.brief}. Choose another team. ${askAdmins(requested.refusal)}</p>`;
  }
  let teamPicker: Html;
  if (choices.length === 0) {
    teamPicker = html`<p class="error" role="alert">You are not a member of any team, so there is nowhere to install this app. Ask a team admin to add you to their team.</p>`;
  } else if (selectable.length === 0) {
    // No team to choose: no empty picker, but why not and whom to ask.
    teamPicker = html`<div class="error" role="alert" id="team-refusals">
      <p>You cannot install or authorize ${app.name} in any of your teams:</p>
      <ul>${refused.map(why)}</ul>
    </div>`;
  } else {
    teamPicker = html`${teamNote}<label for="team_id">Team</label>
    <span class="hint" id="team-hint">The app gets access to this team only.${refused.length > 0 ? ' Teams where you cannot install apps are shown but cannot be chosen.' : ''}</span>
    <select id="team_id" name="team_id" required aria-describedby="team-hint${refused.length > 0 ? ' team-refusals' : ''}">
      ${choices.map(
        (c) =>
          html`<option value="${c.team.id}"${c === preselected ? html` selected` : ''}${c.refusal ? html` disabled` : ''}>${c.team.name}${c.refusal ? ` (${c.refusal.brief})` : ''}</option>`,
      )}
    </select>
    ${refused.length > 0 ? html`<ul class="hint" id="team-refusals">${refused.map(why)}</ul>` : ''}`;
  }

  return html`<div class="card">
  <div class="app-identity">
    ${appIcon(app)}
    <div>
      <h1>Install &amp; authorize ${app.name}</h1>
      <p class="muted">${developer ? `Developed by the ${developer} team` : 'Developer unknown'}</p>
    </div>
  </div>
  ${appAbout(app)}
  <p><strong>${app.name}</strong> wants to be installed in one of your teams and to act on your behalf there.</p>
  ${agentNotice(app, request.redirectUri, request.scopes, boundTeam)}
  <form method="post" action="${ROUTES.signOut}" class="switch muted">
    <input type="hidden" name="csrf" value="${signedIn.csrf}">
    <input type="hidden" name="return_to" value="${returnTo}">
    You are signed in as ${signedIn.user.name} (${signedIn.user.email}). <button type="submit" class="link">Not you? Switch account</button>
  </form>
  <form method="post" action="${PATHS.authorize}">
    <input type="hidden" name="csrf" value="${signedIn.csrf}">
    ${hidden('response_type', 'code')}
    ${hidden('client_id', app.id)}
    ${hidden('redirect_uri', request.redirectUri)}
    ${hidden('state', request.state)}
    ${hidden('scope', request.scopes.join(' '))}
    ${hidden('code_challenge', request.codeChallenge)}
    ${hidden('code_challenge_method', request.codeChallenge ? 'S256' : undefined)}
    ${resourceFields(request.resources)}
    ${teamPicker}
    <h2>${app.name} will be able to</h2>
    ${
      request.scopeGroups.some((group) => group.identifier !== null)
        ? apiScopeSections(request.scopeGroups)
        : html`${scopeSection(html`<span class="tag">Read</span> See your data`, read)}
    ${scopeSection(html`<span class="tag warn">Write</span> Make changes`, write)}`
    }
    <ul class="facts">
      <li>${
        app.expiring
          ? `Its access token expires after ${lifetime(accessTtlSeconds)} and is renewed automatically, until you revoke access or the app is uninstalled.`
          : 'Its access token does not expire: it lasts until you revoke access or the app is uninstalled from the team.'
      }</li>
      <li>You can revoke access at any time under Authorized apps; team admins can uninstall the app.</li>
      <li>When you allow, you will be sent to <strong>${destination(request.redirectUri)}</strong>.</li>
    </ul>
    <div class="actions">
      ${selectable.length > 0 ? html`<button type="submit" name="decision" value="allow">Allow</button>` : ''}
      <button type="submit" name="decision" value="deny" class="secondary" formnovalidate>Cancel</button>
    </div>
  </form>
</div>`;
}

/**
 * `GET /oauth/authorize` shows the install & authorize page; `POST` takes the decision. Every POST
 * re-validates the whole request, so the hidden fields carry no trust.
 */
export function authorizePages(app: FastifyInstance, context: AppContext, sessions: Sessions): void {
  const { services } = context;

  async function handleParseError(
    error: unknown,
    reply: FastifyReply,
    signedIn: SignedIn | undefined,
    request: FastifyRequest,
  ) {
    if (error instanceof UnverifiedClientError) {
      // RFC 6749 §4.1.2.1: never redirect to an unverified redirect URI.
      return errorPage(
        reply,
        400,
        'This app cannot be authorized',
        error.message,
        signedIn,
        'Grantboard did not send you back to the app, because it could not verify where the link leads. Let the app’s developer know.',
      );
    }
    if (error instanceof RedirectableError) {
      // RFC 9700 §4.11.2: the user is authenticated before any redirect, even an error redirect.
      if (!signedIn) return redirectToSignIn(reply, request);
      return reply.code(303).header('location', errorRedirect(context.config.publicUrl, error)).send();
    }
    throw error;
  }

  async function render(reply: FastifyReply, request: AuthorizationRequest, signedIn: SignedIn, returnTo: string) {
    const choices = await services.installs.choices(signedIn.user.id, request.app, request.scopes);
    const approved = await firstPartyApproval(context, reply, request, signedIn, choices);
    if (approved) return approved;
    // An agent's team is the one it is bound to, not a developer team (docs/mcp.md).
    const team = await services.teams.name(request.app.teamId);
    const developer = request.app.registration === null ? team : undefined;
    // A registered API's own token lifetime, e.g. a JWT API's 5 minutes (docs/platform.md).
    const policy = await services.resourceServers.policyFor(request.audience);
    const accessTtl = policy.ttlSeconds ?? context.config.accessTokenTtlSeconds;
    return sendPage(reply, {
      title: `Authorize ${request.app.name}`,
      body: consentPage(request, signedIn, choices, developer, returnTo, accessTtl, team),
      user: { name: signedIn.user.name, csrf: signedIn.csrf },
      focused: true,
      formTargets: [formTarget(request.redirectUri)],
      imageOrigins: logoOrigins([request.app]),
    });
  }

  app.get(PATHS.authorize, async (request, reply) => {
    const raw = request.raw.url ?? '';
    const params = new URLSearchParams(raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : '');
    const signedIn = await sessions.current(request);
    let authorization: AuthorizationRequest;
    try {
      authorization = await parseAuthorizationRequest(params, services.apps, services.resourceServers);
    } catch (error) {
      return handleParseError(error, reply, signedIn, request);
    }
    if (!signedIn) return redirectToSignIn(reply, request);
    return render(reply, authorization, signedIn, request.url);
  });

  app.post(PATHS.authorize, async (request, reply) => {
    const form = formFields(request);
    const signedIn = await sessions.current(request);
    if (!signedIn) return redirectToSignIn(reply, request);
    if (!secretsEqual(signedIn.csrf, form.get('csrf'))) {
      return errorPage(reply, 403, 'This form has expired', 'Go back to the app and start again.', signedIn);
    }
    let authorization: AuthorizationRequest;
    try {
      authorization = await parseAuthorizationRequest(form, services.apps, services.resourceServers);
    } catch (error) {
      return handleParseError(error, reply, signedIn, request);
    }
    const decision = form.get('decision');
    if (decision === 'deny') {
      const denied = new RedirectableError(
        new AccessDenied('The user denied the request.'),
        authorization.redirectUri,
        authorization.state,
      );
      return reply.code(303).header('location', errorRedirect(context.config.publicUrl, denied)).send();
    }
    if (decision !== 'allow')
      return errorPage(reply, 400, 'Choose Allow or Cancel', 'The form was sent without a decision.', signedIn);
    const teamId = authorization.teamId;
    const refusal = teamId
      ? await services.installs.authorize(authorization.app, teamId, signedIn.user.id, authorization.scopes)
      : undefined;
    if (!teamId || refusal) {
      const why = refusal ? refusalText(refusal) : 'Choose a team.';
      return errorPage(reply, 403, 'The app cannot be installed in this team', why, signedIn);
    }
    const code = await services.authorization.issueCode(authorization, signedIn.user.id, teamId);
    // RFC 9700 §4.12: 303, so the browser does not re-post the form to the client.
    return reply
      .code(303)
      .header('location', successRedirect(context.config.publicUrl, authorization, code, teamId))
      .send();
  });
}
