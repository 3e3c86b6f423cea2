import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { ValidationError } from '../../domain/errors.js';
import type { TeamMembership } from '../../domain/model.js';
import { html } from '../../http/html.js';
import { postedForm, sendSignedInPage, signedIn } from '../guard.js';
import { link, ROUTES } from '../routes.js';
import type { Sessions, SignedIn } from '../session.js';
import {
  type AppFormValues,
  clientTypeField,
  errorSummary,
  type FormError,
  formError,
  identityFields,
  identityInput,
  nameField,
  readAppForm,
  redirectUriLines,
  redirectUrisField,
  scopesField,
  sdkUriField,
  teamField,
  tokenModeField,
} from './app-form.js';
import { appIcon, logoOrigins } from './consent-parts.js';

function newAppPage(user: SignedIn, teams: TeamMembership[], values: AppFormValues, error?: FormError) {
  return html`<p class="crumbs"><a href="${ROUTES.apps}">Your apps</a></p>
<div class="card">
  <h1>Create new app</h1>
  <p class="muted">Register an app to get a client ID for the OAuth 2.0 authorization code flow.</p>
  ${errorSummary(error)}
  <form method="post" action="${ROUTES.apps}">
    <input type="hidden" name="csrf" value="${user.csrf}">
    ${nameField(values.name, error)}
    ${teamField(teams, values.teamId, error)}
    ${redirectUrisField(values.redirectUris, error)}
    ${sdkUriField(values.sdkUri, error)}
    ${identityFields(values.identity, error)}
    ${scopesField(values.scopes, error)}
    ${tokenModeField(values.expiring)}
    ${clientTypeField(values.public)}
    <div class="actions">
      <button type="submit">Create app</button>
      <a class="button secondary" href="${ROUTES.apps}">Cancel</a>
    </div>
  </form>
</div>`;
}

/** The developer console: "Your apps" and "Create new app". */
export function appsPages(app: FastifyInstance, { services }: AppContext, sessions: Sessions): void {
  app.get(ROUTES.apps, async (request, reply) => {
    const user = signedIn(request);
    const apps = await services.apps.ofMember(user.user.id);
    const body = html`<div class="page-head">
  <div><h1>Your apps</h1><p class="muted">Apps of the developer teams you belong to.</p></div>
  <a class="button" href="${ROUTES.newApp}">Create new app</a>
</div>
<div class="card">
  ${
    apps.length === 0
      ? html`<p class="empty">No apps yet. Create one to get a client ID and secret.</p>`
      : html`<ul class="rows">${apps.map(
          ({ app: a, teamName }) => html`<li class="row">
    <div class="app-identity">
      ${appIcon(a)}
      <div class="row-main">
        <h2><a href="${link(ROUTES.app, { appId: a.id })}">${a.name}</a></h2>
        <p class="muted small">${teamName} · Client ID <code>${a.id}</code></p>
      </div>
    </div>
    <ul class="tags">
      <li><span class="tag grey">${a.expiring ? 'Expiring tokens' : 'Non-expiring tokens'}</span></li>
      <li><span class="tag grey">${a.isPublic ? 'Public' : 'Confidential'}</span></li>
    </ul>
  </li>`,
        )}</ul>`
  }
</div>`;
    return sendSignedInPage(reply, user, {
      title: 'Your apps',
      body,
      section: 'apps',
      wide: true,
      imageOrigins: logoOrigins(apps.map((a) => a.app)),
      flash: await sessions.takeFlash(user),
    });
  });

  async function renderNew(reply: FastifyReply, user: SignedIn, values?: AppFormValues, error?: FormError) {
    const teams = await services.teams.teamsOf(user.user.id);
    const initialValues: AppFormValues = values ?? {
      name: '',
      teamId: teams[0]?.id ?? '',
      redirectUris: '',
      scopes: ['boards:read'],
      expiring: true,
      public: false,
      sdkUri: '',
      identity: { description: '', logoUrl: '', homepageUrl: '', privacyUrl: '', termsUrl: '' },
    };
    if (teams.length === 0) {
      const body = html`<div class="card"><h1>Create new app</h1><p class="error" role="alert">Apps belong to a developer team, and you are not a member of any team.</p></div>`;
      return sendSignedInPage(reply, user, { title: 'Create new app', body, section: 'apps' }, 403);
    }
    return sendSignedInPage(
      reply,
      user,
      { title: 'Create new app', body: newAppPage(user, teams, initialValues, error), section: 'apps', wide: true },
      error ? 400 : 200,
    );
  }

  app.get(ROUTES.newApp, async (request, reply) => renderNew(reply, signedIn(request)));

  app.post(ROUTES.apps, async (request, reply) => {
    const user = signedIn(request);
    const values = readAppForm(postedForm(request));
    try {
      // Only a member of the chosen team may register an app for it.
      const { app: created } = await services.apps.register({
        name: values.name,
        teamId: values.teamId,
        createdBy: user.user.id,
        redirectUris: redirectUriLines(values.redirectUris),
        scopes: values.scopes,
        expiring: values.expiring,
        public: values.public,
        sdkUri: values.sdkUri || null,
        identity: identityInput(values.identity),
      });
      await sessions.setFlash(user, {
        notice: `${created.name} is created. Keep its client secret safe.`,
        ...(created.isPublic ? {} : { revealSecret: created.id }),
      });
      return reply
        .code(303)
        .header('location', link(ROUTES.app, { appId: created.id }))
        .send();
    } catch (error) {
      if (error instanceof ValidationError) return renderNew(reply, user, values, formError(error));
      throw error;
    }
  });
}
