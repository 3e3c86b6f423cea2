import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { ValidationError } from '../../domain/errors.js';
import type { Refusal } from '../../domain/install-service.js';
import type { App, TeamRow } from '../../domain/model.js';
import { type Html, html } from '../../http/html.js';
import { count, refusalText, when } from '../format.js';
import { postedForm, sendSignedInPage, signedIn } from '../guard.js';
import { link, ROUTES } from '../routes.js';
import type { Flash, Sessions, SignedIn } from '../session.js';
import {
  errorSummary,
  type FormError,
  formError,
  type IdentityValues,
  identityFields,
  identityInput,
  nameField,
  readIdentity,
  redirectUriLines,
  redirectUrisField,
  scopesField,
  sdkRedirectField,
  sdkUriField,
} from './app-form.js';
import { testControlsRoute, testControlsSection } from './app-test-controls.js';
import { appIcon, lifetime, logoOrigins } from './consent-parts.js';
import { errorPage } from './error-page.js';

interface Managed {
  user: SignedIn;
  app: App;
  team: TeamRow;
}

interface SettingsValues {
  name: string;
  redirectUris: string;
  scopes: string[];
  sdkUri: string;
  sdkRedirectUri: string;
  identity: IdentityValues;
}

const csrfField = (user: SignedIn) => html`<input type="hidden" name="csrf" value="${user.csrf}">`;

function credentials(m: Managed, secret: string | undefined, previousExpiry: number | undefined): Html {
  const appLink = link(ROUTES.app, { appId: m.app.id });
  let secretRow: Html;
  if (m.app.isPublic) {
    secretRow = html`<dd>None: this is a public app, so it proves itself with PKCE instead.</dd>`;
  } else if (secret !== undefined) {
    secretRow = html`<dd><code class="secret" id="client-secret">${secret}</code>
      <div class="actions tight"><a class="button secondary small" href="${appLink}">Hide secret</a></div></dd>`;
  } else {
    secretRow = html`<dd><span class="secret" aria-label="hidden">••••••••••••••••</span>
      <form method="post" action="${link(ROUTES.appSecret, { appId: m.app.id })}" class="actions tight">
        ${csrfField(m.user)}
        <button type="submit" class="secondary small">Reveal secret</button>
      </form></dd>`;
  }
  return html`<section class="card" aria-labelledby="credentials-title" id="credentials">
  <h2 id="credentials-title">App credentials</h2>
  <dl class="kv">
    <dt>Client ID</dt><dd><code id="client-id">${m.app.id}</code></dd>
    <dt>Client secret</dt>${secretRow}
    ${previousExpiry === undefined ? '' : html`<dt>Previous secret</dt><dd id="previous-secret">Still works until ${when(previousExpiry)}.</dd>`}
  </dl>
  ${
    m.app.isPublic
      ? ''
      : html`<div class="actions">
    <a class="button danger-outline small" href="${link(ROUTES.appRotateSecret, { appId: m.app.id })}" aria-describedby="rotate-hint">Rotate secret…</a>
    <span class="hint" id="rotate-hint">Issues a new secret after you confirm; the current one keeps working for a while.</span>
  </div>`
  }
</section>`;
}

function installSection(m: Managed, refusal: Refusal | undefined, token: Flash['token']): Html {
  const shown = token?.appId === m.app.id ? token.response : undefined;
  return html`<section class="card" aria-labelledby="token-title" id="token">
  <h2 id="token-title">Install app and get OAuth token</h2>
  <p>Installs the app in your developer team <strong>${m.team.name}</strong> and issues a token for you right away, without going through the redirect. Handy for trying the REST API.</p>
  ${
    shown
      ? html`<div class="notice" role="status">
    <p><strong>Copy the token now: it is not shown again.</strong></p>
    <dl class="kv">
      <dt>Access token</dt><dd><code id="access-token">${shown.access_token}</code></dd>
      ${shown.refresh_token ? html`<dt>Refresh token</dt><dd><code id="refresh-token">${shown.refresh_token}</code></dd>` : ''}
      <dt>Expires</dt><dd>${shown.expires_in === undefined ? 'Never (until the app is uninstalled)' : `In ${Math.round(shown.expires_in / 60)} minutes`}</dd>
      <dt>Team ID</dt><dd><code>${shown.team_id}</code></dd>
      <dt>Scopes</dt><dd><code>${shown.scope}</code></dd>
    </dl>
  </div>`
      : ''
  }
  ${
    refusal
      ? html`<p class="warning">${refusalText(refusal)}</p>`
      : html`<form method="post" action="${link(ROUTES.appToken, { appId: m.app.id })}" class="actions tight">
    ${csrfField(m.user)}
    <button type="submit">Install app and get OAuth token</button>
  </form>`
  }
</section>`;
}

function settingsSection(m: Managed, values: SettingsValues, error: FormError | undefined): Html {
  return html`<section class="card" aria-labelledby="settings-title" id="settings">
  <h2 id="settings-title">Settings</h2>
  ${errorSummary(error)}
  <form method="post" action="${link(ROUTES.app, { appId: m.app.id })}">
    ${csrfField(m.user)}
    ${nameField(values.name, error)}
    ${redirectUrisField(values.redirectUris, error)}
    ${identityFields(values.identity, error)}
    <h3>Web SDK</h3>
    ${sdkUriField(values.sdkUri, error)}
    ${sdkRedirectField(m.app.redirectUris, values.sdkRedirectUri, error)}
    ${scopesField(values.scopes, error)}
    <h3>Access tokens</h3>
    <p><span class="tag grey">Locked</span> ${
      m.app.expiring
        ? 'Expiring: 1-hour access tokens with rotating refresh tokens.'
        : 'Non-expiring: tokens last until the app is uninstalled.'
    } <span class="muted">Chosen when the app was created; it cannot be changed.</span></p>
    <div class="actions"><button type="submit">Save changes</button></div>
  </form>
</section>`;
}

function appPage(
  m: Managed,
  options: {
    flash: Flash | undefined;
    secret: string | undefined;
    previousExpiry: number | undefined;
    refusal: Refusal | undefined;
    installedIn: number;
    testControls: boolean;
  },
  settings: SettingsValues,
  settingsError?: FormError,
): Html {
  return html`<p class="crumbs"><a href="${ROUTES.apps}">Your apps</a></p>
<div class="app-identity">
  ${appIcon(m.app)}
  <div>
    <h1>${m.app.name}</h1>
    <p class="muted">Developer team ${m.team.name} · created ${when(m.app.createdAt)} · installed in ${count(options.installedIn, 'team')}</p>
  </div>
</div>
<ul class="tags">
  <li><span class="tag grey">${m.app.expiring ? 'Expiring tokens' : 'Non-expiring tokens'}</span></li>
  <li><span class="tag grey">${m.app.isPublic ? 'Public client' : 'Confidential client'}</span></li>
</ul>
<div class="grid-2">
  ${credentials(m, options.secret, options.previousExpiry)}
  ${installSection(m, options.refusal, options.flash?.token)}
</div>
${settingsSection(m, settings, settingsError)}
${options.testControls ? testControlsSection(m) : ''}
<section class="card" aria-labelledby="delete-title">
  <h2 id="delete-title">Delete app</h2>
  <p>Uninstalls the app from every team and revokes all of its tokens. This cannot be undone.</p>
  <div class="actions tight"><a class="button danger" href="${link(ROUTES.appDelete, { appId: m.app.id })}">Delete app…</a></div>
</section>`;
}

/** An app's page in the developer console: credentials, token, settings, deletion. */
export function appPages(app: FastifyInstance, context: AppContext, sessions: Sessions): void {
  const { services } = context;
  /** The app, if the signed-in user is a member of its developer team; otherwise a 404 page. */
  async function managed(request: FastifyRequest, reply: FastifyReply): Promise<Managed | undefined> {
    const user = signedIn(request);
    const { appId } = request.params as { appId: string };
    const found = await services.apps.managed(appId, user.user.id);
    if (!found) {
      errorPage(reply, 404, 'App not found', 'None of your teams has an app with this client ID.', user);
      return undefined;
    }
    return { user, ...found };
  }

  async function render(
    reply: FastifyReply,
    m: Managed,
    flash: Flash | undefined,
    settings?: SettingsValues,
    settingsError?: FormError,
  ) {
    const secret = flash?.revealSecret === m.app.id ? services.apps.revealSecret(m.app) : undefined;
    const refusal = await services.installs.refusal(m.user.user.id, m.app, m.team.id, m.app.scopes);
    const installedIn = (await services.installs.teamsOf(m.app.id)).length;
    const values = settings ?? {
      name: m.app.name,
      redirectUris: m.app.redirectUris.join('\n'),
      scopes: m.app.scopes,
      sdkUri: m.app.sdkUri ?? '',
      sdkRedirectUri: m.app.sdkRedirectUri ?? '',
      identity: {
        description: m.app.identity.description ?? '',
        logoUrl: m.app.identity.logoUrl ?? '',
        homepageUrl: m.app.identity.homepageUrl ?? '',
        privacyUrl: m.app.identity.privacyUrl ?? '',
        termsUrl: m.app.identity.termsUrl ?? '',
      },
    };
    const previousExpiry = services.apps.previousSecretExpiry(m.app);
    return sendSignedInPage(
      reply,
      m.user,
      {
        title: m.app.name,
        body: appPage(
          m,
          { flash, secret, previousExpiry, refusal, installedIn, testControls: services.testControls.enabled },
          values,
          settingsError,
        ),
        section: 'apps',
        wide: true,
        imageOrigins: logoOrigins([m.app]),
        flash,
      },
      settingsError ? 400 : 200,
    );
  }

  const back = (reply: FastifyReply, m: Managed, anchor = '') =>
    reply
      .code(303)
      .header('location', `${link(ROUTES.app, { appId: m.app.id })}${anchor}`)
      .send();

  app.get(ROUTES.app, async (request, reply) => {
    const m = await managed(request, reply);
    if (!m) return reply;
    return render(reply, m, await sessions.takeFlash(m.user));
  });

  app.post(ROUTES.app, async (request, reply) => {
    const m = await managed(request, reply);
    if (!m) return reply;
    const form = postedForm(request);
    const values: SettingsValues = {
      name: (form.get('name') ?? '').slice(0, 200),
      redirectUris: (form.get('redirect_uris') ?? '').slice(0, 50_000),
      scopes: form.getAll('scopes'),
      sdkUri: (form.get('sdk_uri') ?? '').trim().slice(0, 4000),
      sdkRedirectUri: form.get('sdk_redirect_uri') ?? '',
      identity: readIdentity(form),
    };
    try {
      await services.apps.update(
        m.app.id,
        {
          name: values.name,
          redirectUris: redirectUriLines(values.redirectUris),
          scopes: values.scopes,
          sdkUri: values.sdkUri || null,
          sdkRedirectUri: values.sdkRedirectUri || null,
          identity: identityInput(values.identity),
        },
        m.user.user.id,
      );
    } catch (error) {
      if (error instanceof ValidationError) return render(reply, m, undefined, values, formError(error));
      throw error;
    }
    await sessions.setFlash(m.user, { notice: 'Changes saved.' });
    return back(reply, m);
  });

  // The secret is shown on the page after a POST that carries the session's CSRF token.
  app.post(ROUTES.appSecret, async (request, reply) => {
    const m = await managed(request, reply);
    if (!m) return reply;
    await sessions.setFlash(m.user, { revealSecret: m.app.id });
    return back(reply, m, '#credentials');
  });

  /** The confirmation step before a rotation: what happens to the current secret, and a checkbox. */
  function rotatePage(reply: FastifyReply, m: Managed, error?: FormError) {
    const overlap = context.config.clientSecretOverlapSeconds;
    const appLink = link(ROUTES.app, { appId: m.app.id });
    const body = html`<p class="crumbs"><a href="${appLink}">${m.app.name}</a></p>
<div class="card">
  <h1>Rotate the client secret of ${m.app.name}?</h1>
  <p>A new client secret is issued and shown once. Web SDK id tokens are signed with the new secret at once.</p>
  <p class="warning" id="rotate-overlap">${
    overlap > 0
      ? `The current secret keeps working for ${lifetime(overlap)}, so you can deploy the new one; then it stops working.${m.app.previousSecret ? ' A previous secret still in its overlap stops working now.' : ''}`
      : 'The current secret stops working at once.'
  }</p>
  ${errorSummary(error)}
  <form method="post" action="${link(ROUTES.appRotateSecret, { appId: m.app.id })}">
    ${csrfField(m.user)}
    <label class="check"><input type="checkbox" id="confirm" name="confirm" value="rotate" required${error ? html` aria-invalid="true" aria-describedby="rotate-overlap confirm-error"` : html` aria-describedby="rotate-overlap"`}><span>I understand: my app's back ends need the new secret${overlap > 0 ? ` within ${lifetime(overlap)}` : ' now'}.</span></label>
    ${error ? html`<p class="field-error" id="confirm-error">${error.message}</p>` : ''}
    <div class="actions">
      <button type="submit" class="danger">Rotate secret</button>
      <a class="button secondary" href="${appLink}">Cancel</a>
    </div>
  </form>
</div>`;
    return sendSignedInPage(
      reply,
      m.user,
      { title: `Rotate secret of ${m.app.name}`, body, section: 'apps' },
      error ? 400 : 200,
    );
  }

  app.get(ROUTES.appRotateSecret, async (request, reply) => {
    const m = await managed(request, reply);
    if (!m) return reply;
    if (m.app.isPublic) return errorPage(reply, 400, 'No client secret', 'Public apps have no client secret.', m.user);
    return rotatePage(reply, m);
  });

  app.post(ROUTES.appRotateSecret, async (request, reply) => {
    const m = await managed(request, reply);
    if (!m) return reply;
    if (postedForm(request).get('confirm') !== 'rotate') {
      return rotatePage(reply, m, { message: 'Tick the box to confirm the rotation.', control: 'confirm' });
    }
    try {
      await services.apps.rotateSecret(m.app.id, m.user.user.id);
    } catch (error) {
      if (error instanceof ValidationError) return rotatePage(reply, m, formError(error));
      throw error;
    }
    const overlap = context.config.clientSecretOverlapSeconds;
    await sessions.setFlash(m.user, {
      notice:
        overlap > 0
          ? `A new client secret is issued; the previous one keeps working for ${lifetime(overlap)}.`
          : 'A new client secret is issued; the previous one no longer works.',
      revealSecret: m.app.id,
    });
    return back(reply, m, '#credentials');
  });

  // Miro's "Install app and get OAuth token": an install and a token for the developer, in one step.
  app.post(ROUTES.appToken, async (request, reply) => {
    const m = await managed(request, reply);
    if (!m) return reply;
    const refusal = await services.installs.authorize(m.app, m.team.id, m.user.user.id, m.app.scopes);
    if (refusal) {
      return errorPage(reply, 403, 'The app cannot be installed in this team', refusalText(refusal), m.user);
    }
    const response = await services.tokens.issue(m.app, {
      userId: m.user.user.id,
      teamId: m.team.id,
      scopes: m.app.scopes,
    });
    await sessions.setFlash(m.user, {
      notice: `${m.app.name} is installed in ${m.team.name}.`,
      token: { appId: m.app.id, response },
    });
    return back(reply, m, '#token');
  });

  testControlsRoute(app, context, sessions, managed);

  app.get(ROUTES.appDelete, async (request, reply) => {
    const m = await managed(request, reply);
    if (!m) return reply;
    const teams = await services.installs.teamsOf(m.app.id);
    const body = html`<p class="crumbs"><a href="${link(ROUTES.app, { appId: m.app.id })}">${m.app.name}</a></p>
<div class="card">
  <h1>Delete ${m.app.name}?</h1>
  <p>${
    teams.length === 0
      ? 'The app is not installed in any team.'
      : html`The app is installed in ${count(teams.length, 'team')}: ${teams.map((t) => t.name).join(', ')}.`
  }</p>
  <p class="warning">Deleting the app uninstalls it everywhere and revokes every token it holds, at once. Its client ID stops working. This cannot be undone.</p>
  <form method="post" action="${link(ROUTES.appDelete, { appId: m.app.id })}" class="actions">
    ${csrfField(m.user)}
    <button type="submit" class="danger">Delete app</button>
    <a class="button secondary" href="${link(ROUTES.app, { appId: m.app.id })}">Cancel</a>
  </form>
</div>`;
    return sendSignedInPage(reply, m.user, { title: `Delete ${m.app.name}`, body, section: 'apps' });
  });

  app.post(ROUTES.appDelete, async (request, reply) => {
    const m = await managed(request, reply);
    if (!m) return reply;
    const { revokedFamilies } = await services.apps.remove(m.app.id, m.user.user.id);
    await sessions.setFlash(m.user, {
      notice: `${m.app.name} is deleted; ${count(revokedFamilies, 'authorization')} revoked.`,
    });
    return reply.code(303).header('location', ROUTES.apps).send();
  });
}
