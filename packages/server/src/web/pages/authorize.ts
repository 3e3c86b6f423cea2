import { isReadScope, PATHS, SCOPES } from '@grantboard/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import {
  type AuthorizationRequest,
  RedirectableError,
  UnverifiedClientError,
} from '../../domain/authorization-service.js';
import { AccessDenied } from '../../oauth/errors.js';
import type { TeamMembership } from '../../storage/repositories/teams.js';
import { formFields } from '../forms.js';
import { html } from '../html.js';
import { sendPage } from '../layout.js';
import { type Sessions, type SignedIn, tokensEqual } from '../session.js';
import { errorPage } from './error-page.js';

function installRefusal(team: TeamMembership): string | undefined {
  return team.installs_admin_only === 1 && team.role !== 'admin' ? 'Only team admins can install apps here' : undefined;
}

function describeScope(scope: string): string {
  return (SCOPES as Record<string, string>)[scope] ?? scope;
}

/** Where a form may lead: the redirect URI's origin (or scheme, for native apps). */
function formTarget(redirectUri: string): string {
  const url = new URL(redirectUri);
  return url.origin !== 'null' ? url.origin : url.protocol;
}

function consentPage(request: AuthorizationRequest, signedIn: SignedIn, teams: TeamMembership[], developer: string) {
  const { app } = request;
  const read = request.scopes.filter(isReadScope);
  const write = request.scopes.filter((s) => !isReadScope(s));
  const selectable = teams.filter((t) => !installRefusal(t));
  const preselected = selectable.find((t) => t.id === request.teamId) ?? selectable[0];
  const hidden = (name: string, value: string | undefined) =>
    value === undefined ? '' : html`<input type="hidden" name="${name}" value="${value}">`;
  const scopeList = (title: string, scopes: string[]) =>
    scopes.length === 0
      ? ''
      : html`<h2>${title}</h2><ul class="scopes">${scopes.map((s) => html`<li>${describeScope(s)} <code class="tag">${s}</code></li>`)}</ul>`;

  return html`<div class="card">
  <h1>Install &amp; authorize ${app.name}</h1>
  <p class="muted">Developed by ${developer}. Client ID <code>${app.id}</code></p>
  <p><strong>${app.name}</strong> is asking for access to your boards in the team you choose.</p>
  ${scopeList('It will be able to read', read)}
  ${scopeList('It will be able to change', write)}
  <p class="muted">${
    app.expiring === 1
      ? 'Its access lasts one hour at a time and is renewed until you revoke it or the app is uninstalled.'
      : 'Its access does not expire: it lasts until the app is uninstalled from the team.'
  }</p>
  <p class="muted">After you allow, you will be sent to <code>${request.redirectUri}</code>.</p>
  <form method="post" action="${PATHS.authorize}">
    <input type="hidden" name="csrf" value="${signedIn.csrf}">
    ${hidden('response_type', 'code')}
    ${hidden('client_id', app.id)}
    ${hidden('redirect_uri', request.redirectUri)}
    ${hidden('state', request.state)}
    ${hidden('scope', request.scopes.join(' '))}
    ${hidden('code_challenge', request.codeChallenge)}
    ${hidden('code_challenge_method', request.codeChallenge ? 'S256' : undefined)}
    ${
      teams.length === 0
        ? html`<p class="error" role="alert">You are not a member of any team, so there is nowhere to install this app.</p>`
        : html`<label for="team_id">Team</label>
    <select id="team_id" name="team_id" required>
      ${teams.map((team) => {
        const refusal = installRefusal(team);
        return html`<option value="${team.id}"${team === preselected ? ' selected' : ''}${refusal ? ' disabled' : ''}>${team.name}${refusal ? ` — ${refusal}` : ''}</option>`;
      })}
    </select>`
    }
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
  const { services, repos } = context;

  async function handleParseError(
    error: unknown,
    reply: FastifyReply,
    signedIn: SignedIn | undefined,
    request: FastifyRequest,
  ) {
    if (error instanceof UnverifiedClientError) {
      // RFC 6749 §4.1.2.1: never redirect to an unverified redirect URI.
      return errorPage(reply, 400, 'This app cannot be authorized', error.message);
    }
    if (error instanceof RedirectableError) {
      // RFC 9700 §4.11.2: the user is authenticated before any redirect, even an error redirect.
      if (!signedIn) return redirectToSignIn(reply, request);
      return reply.code(303).header('location', services.authorization.errorRedirect(error)).send();
    }
    throw error;
  }

  function redirectToSignIn(reply: FastifyReply, request: FastifyRequest) {
    const returnTo = request.method === 'GET' ? request.url : PATHS.authorize;
    return reply
      .code(303)
      .header('location', `/signin?return_to=${encodeURIComponent(returnTo)}`)
      .send();
  }

  async function render(reply: FastifyReply, request: AuthorizationRequest, signedIn: SignedIn) {
    const teams = await repos.teams.teamsOf(signedIn.user.id);
    const developer = (await repos.teams.findById(request.app.team_id))?.name ?? 'an unknown team';
    return sendPage(reply, {
      title: `Authorize ${request.app.name}`,
      body: consentPage(request, signedIn, teams, developer),
      user: { name: signedIn.user.name, csrf: signedIn.csrf },
      formTargets: [formTarget(request.redirectUri)],
    });
  }

  app.get(PATHS.authorize, async (request, reply) => {
    const raw = request.raw.url ?? '';
    const params = new URLSearchParams(raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : '');
    const signedIn = await sessions.current(request);
    let authorization: AuthorizationRequest;
    try {
      authorization = await services.authorization.parse(params);
    } catch (error) {
      return handleParseError(error, reply, signedIn, request);
    }
    if (!signedIn) return redirectToSignIn(reply, request);
    return render(reply, authorization, signedIn);
  });

  app.post(PATHS.authorize, async (request, reply) => {
    const form = formFields(request);
    const signedIn = await sessions.current(request);
    if (!signedIn) return redirectToSignIn(reply, request);
    if (!tokensEqual(signedIn.csrf, form.get('csrf'))) {
      return errorPage(reply, 403, 'This form has expired', 'Go back to the app and start again.');
    }
    let authorization: AuthorizationRequest;
    try {
      authorization = await services.authorization.parse(form);
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
      return reply.code(303).header('location', services.authorization.errorRedirect(denied)).send();
    }
    if (decision !== 'allow')
      return errorPage(reply, 400, 'Choose Allow or Cancel', 'The form was sent without a decision.');
    const teamId = authorization.teamId;
    const refusal = teamId ? await services.installs.installRefusal(signedIn.user.id, teamId) : 'Choose a team.';
    if (!teamId || refusal) return errorPage(reply, 403, 'The app cannot be installed in this team', refusal ?? '');

    const scopes = authorization.scopes.join(' ');
    await services.installs.install(authorization.app, teamId, signedIn.user.id, scopes);
    const code = await services.authorization.issueCode(authorization, signedIn.user.id, teamId);
    // RFC 9700 §4.12: 303, so the browser does not re-post the form to the client.
    return reply
      .code(303)
      .header('location', services.authorization.successRedirect(authorization, code, teamId))
      .send();
  });
}
