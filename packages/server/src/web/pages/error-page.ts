import type { FastifyReply } from 'fastify';
import { html } from '../../http/html.js';
import { sendPage } from '../layout.js';
import { ROUTES } from '../routes.js';
import type { SignedIn } from '../session.js';

/** An error page that says what went wrong and never redirects. */
export function errorPage(
  reply: FastifyReply,
  status: number,
  title: string,
  message: string,
  signedIn?: SignedIn,
  advice?: string,
): FastifyReply {
  return sendPage(
    reply,
    {
      title,
      body: html`<div class="card"><h1>${title}</h1><p class="error" role="alert">${message}</p>${advice ? html`<p>${advice}</p>` : ''}<p><a href="${ROUTES.home}">Go to Grantboard</a></p></div>`,
      user: signedIn ? { name: signedIn.user.name, csrf: signedIn.csrf } : undefined,
    },
    status,
  );
}
