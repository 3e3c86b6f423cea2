import type { FastifyReply } from 'fastify';
import { API_PATHS } from '../../api/paths.js';
import { html } from '../../http/html.js';
import { sendPage } from '../layout.js';
import { ROUTES } from '../routes.js';

/** The page a browser gets for a path nothing answers: what happened and where to go instead. */
export function notFoundPage(reply: FastifyReply, path: string): FastifyReply {
  return sendPage(
    reply,
    {
      title: 'Page not found',
      body: html`<div class="card"><h1>Page not found</h1>
<p>There is no page at <code>${path}</code>. The link may be old or mistyped.</p>
<ul>
  <li><a href="${ROUTES.home}">Go to Grantboard</a></li>
  <li><a href="${ROUTES.apps}">Your apps</a> (the developer console)</li>
  <li><a href="${API_PATHS.reference}">REST API reference</a></li>
</ul></div>`,
    },
    404,
  );
}
