import { PATHS } from '@grantboard/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { html } from '../../http/html.js';
import { shellQuote } from '../../lib/shell-quote.js';
import type { App } from '../../storage/repositories/apps.js';
import { sendPage } from '../layout.js';
import { link, ROUTES } from '../routes.js';
import type { Sessions } from '../session.js';
import { errorPage } from './error-page.js';

export const DEMO_CALLBACK = '/demo/callback';

/** A fresh authorization request for an app, to this callback. */
function authorizeLink(publicUrl: string, app: App, redirectUri: string): string {
  const params = new URLSearchParams({ response_type: 'code', client_id: app.id, redirect_uri: redirectUri });
  return `${publicUrl}${PATHS.authorize}?${params}`;
}

/**
 * The demo apps' redirect URI: shows the code and a `curl` that exchanges it, for trying the flow by
 * hand. Served only where it is meant to be (`DEMO_CALLBACK`, docs/security.md): by default for the
 * apps registered with it, which `grantboard demo` creates; elsewhere a 404. Every value in the
 * command is one shell-quoted word, since the query string is anyone's to write; the client secret
 * is filled in only for a member of the app's developer team (who can see it in the console too),
 * and otherwise the page says where to find it.
 */
export function demoCallbackPages(app: FastifyInstance, { config, services }: AppContext, sessions: Sessions): void {
  const redirectUri = `${config.publicUrl}${DEMO_CALLBACK}`;

  app.get(DEMO_CALLBACK, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const notFound = () => errorPage(reply, 404, 'Not found', 'There is no page at this address.');
    if (config.demoCallback === 'off') return notFound();
    const demoApps = await services.apps.withRedirectUri(redirectUri);
    const client = query.client_id ? await services.apps.find(query.client_id) : undefined;
    const served =
      config.demoCallback === 'on' ||
      (client ? demoApps.some((a) => a.id === client.id) : !query.client_id && demoApps.length > 0);
    if (!served) return notFound();

    if (query.error !== undefined || query.code === undefined) {
      // The authorization ended without a code (denied, or a refused request): offer a fresh one.
      const retry = client ? [client] : demoApps;
      const body = html`<div class="card">
  <h1>Authorization ended</h1>
  <p class="error" role="alert"><code>${query.error ?? 'no_code'}</code>${query.error_description ? html`: ${query.error_description}` : ''}</p>
  ${
    retry.length === 0
      ? html`<p>Start again from your app.</p>`
      : retry.length === 1
        ? html`<p><a class="button" href="${authorizeLink(config.publicUrl, retry[0] as App, redirectUri)}">Try again</a></p>`
        : html`<p>Try again with:</p><ul>${retry.map((a) => html`<li><a href="${authorizeLink(config.publicUrl, a, redirectUri)}">${a.name}</a></li>`)}</ul>`
  }
</div>`;
      return sendPage(reply, { title: 'Authorization ended', body });
    }

    const viewer = await sessions.current(request);
    const managed = client && viewer ? await services.apps.managed(client.id, viewer.user.id) : undefined;
    const secret = managed ? services.apps.revealSecret(managed.app) : undefined;
    const consolePage = client ? `${config.publicUrl}${link(ROUTES.app, { appId: client.id })}#credentials` : undefined;
    const exchange = [
      `curl -s -X POST ${shellQuote(`${config.publicUrl}${PATHS.token}`)}`,
      '-d grant_type=authorization_code',
      `--data-urlencode ${shellQuote(`client_id=${query.client_id ?? ''}`)}`,
      client?.isPublic
        ? undefined
        : secret
          ? `--data-urlencode ${shellQuote(`client_secret=${secret}`)}`
          : '--data-urlencode "client_secret=$CLIENT_SECRET"',
      `--data-urlencode ${shellQuote(`code=${query.code}`)}`,
      `--data-urlencode ${shellQuote(`redirect_uri=${redirectUri}`)}`,
    ]
      .filter((line) => line !== undefined)
      .join(' \\\n  ');
    const where = client?.isPublic
      ? ''
      : secret
        ? html`<p class="muted">The command carries the app’s client secret: keep it to yourself.</p>`
        : html`<p>Set <code>CLIENT_SECRET</code> to the app’s client secret first. It is on ${
            consolePage
              ? html`the app’s console page, <a href="${consolePage}">${consolePage}</a> (“Show secret”; sign in as a member of its developer team)`
              : html`the app’s page in <a href="${ROUTES.apps}">Your apps</a>`
          }, and <code>grantboard demo</code> prints it for the demo apps.</p>`;
    const body = html`<div class="card">
  <h1>Authorization code received</h1>
  <p>This is the demo apps' redirect URI. A real app's back end would now exchange the code for tokens within 10 minutes:</p>
  ${where}
  <pre id="exchange">${exchange}</pre>
  <p class="muted">Team <code>${query.team_id ?? ''}</code> · state <code>${query.state ?? '(none)'}</code> · issuer <code>${query.iss ?? ''}</code></p>
</div>`;
    return sendPage(reply, { title: 'Demo callback', body });
  });
}
