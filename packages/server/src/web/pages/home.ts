import { PATHS } from '@grantboard/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { html } from '../html.js';
import { sendPage } from '../layout.js';
import type { Sessions } from '../session.js';

export function homePages(app: FastifyInstance, { repos, config }: AppContext, sessions: Sessions): void {
  app.get('/', async (request, reply) => {
    const signedIn = await sessions.current(request);
    if (!signedIn) return reply.code(302).header('location', '/signin').send();
    const teams = await repos.teams.teamsOf(signedIn.user.id);
    const body = html`<div class="card">
  <h1>Hello, ${signedIn.user.name}</h1>
  <p class="muted">Signed in as ${signedIn.user.email}.</p>
  <h2>Your teams</h2>
  <ul>${teams.map((t) => html`<li>${t.name} <span class="tag">${t.role}</span></li>`)}</ul>
  <h2>For developers</h2>
  <p>Authorization server metadata: <a href="${PATHS.metadata}"><code>${config.publicUrl}${PATHS.metadata}</code></a></p>
</div>`;
    return sendPage(reply, { title: 'Home', body, user: { name: signedIn.user.name, csrf: signedIn.csrf } });
  });

  // Where the browser lands after an app's back end finished Web SDK authorization.
  app.get(PATHS.appInstallCompleted, async (_request, reply) =>
    sendPage(reply, {
      title: 'App installed',
      body: html`<div class="card"><h1>App installed</h1><p>The app is installed and authorized. You can close this window.</p></div>`,
    }),
  );

  // The demo apps' redirect URI: shows the code and how to exchange it, for trying the flow with curl.
  app.get('/demo/callback', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const exchange = `curl -s -X POST '${config.publicUrl}${PATHS.token}' \\
  -d grant_type=authorization_code \\
  -d client_id='${query.client_id ?? ''}' \\
  -d client_secret="$CLIENT_SECRET" \\
  -d code='${query.code ?? ''}' \\
  -d redirect_uri='${config.publicUrl}/demo/callback'`;
    const body = query.error
      ? html`<div class="card"><h1>Authorization ended</h1><p class="error" role="alert"><code>${query.error}</code>: ${query.error_description ?? ''}</p></div>`
      : html`<div class="card">
  <h1>Authorization code received</h1>
  <p>This is the demo apps' redirect URI. A real app's back end would now exchange the code for tokens within 10 minutes:</p>
  <pre>${exchange}</pre>
  <p class="muted">Team <code>${query.team_id ?? ''}</code> · state <code>${query.state ?? '(none)'}</code> · issuer <code>${query.iss ?? ''}</code></p>
</div>`;
    return sendPage(reply, { title: 'Demo callback', body });
  });
}
