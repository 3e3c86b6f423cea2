import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { secretsEqual } from '../lib/compare.js';
import { formFields } from './forms.js';
import { type PageOptions, sendPage } from './layout.js';
import { errorPage } from './pages/error-page.js';
import { ROUTES } from './routes.js';
import type { Sessions, SignedIn } from './session.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the signed-in scope's hook on every request it lets through. */
    webSession: SignedIn | undefined;
    /** The posted form of a POST that passed the CSRF check. */
    webForm: URLSearchParams | undefined;
  }
}

/** The signed-in user of a request in the signed-in scope. */
export function signedIn(request: FastifyRequest): SignedIn {
  if (!request.webSession) throw new Error('signedIn() outside the signed-in scope');
  return request.webSession;
}

/** The CSRF-checked form of a POST in the signed-in scope. */
export function postedForm(request: FastifyRequest): URLSearchParams {
  return request.webForm ?? new URLSearchParams();
}

/** Sends the browser to sign in, and back here afterwards (GET only; a POST goes back home). */
export function redirectToSignIn(reply: FastifyReply, request: FastifyRequest): FastifyReply {
  const returnTo = request.method === 'GET' ? request.url : ROUTES.home;
  return reply
    .code(303)
    .header('location', `${ROUTES.signIn}?return_to=${encodeURIComponent(returnTo)}`)
    .send();
}

/**
 * Registers pages that need a signed-in user: one hook loads the session (or sends the browser to
 * sign in) and, for every POST, checks the session's CSRF token before any handler runs.
 */
export async function signedInScope(
  app: FastifyInstance,
  sessions: Sessions,
  routes: (scope: FastifyInstance) => void,
): Promise<void> {
  await app.register(async (scope) => {
    scope.decorateRequest('webSession', undefined);
    scope.decorateRequest('webForm', undefined);
    scope.addHook('preHandler', async (request, reply) => {
      const current = await sessions.current(request);
      if (!current) return redirectToSignIn(reply, request);
      request.webSession = current;
      if (request.method === 'POST') {
        const form = formFields(request);
        if (!secretsEqual(current.csrf, form.get('csrf'))) {
          return errorPage(reply, 403, 'This form has expired', 'Reload the page and try again.');
        }
        request.webForm = form;
      }
    });
    routes(scope);
  });
}

/** Sends a page of the signed-in scope: the header shows the user and a sign-out button. */
export function sendSignedInPage(
  reply: FastifyReply,
  user: SignedIn,
  options: Omit<PageOptions, 'user'>,
  status = 200,
): FastifyReply {
  return sendPage(reply, { ...options, user: { name: user.user.name, csrf: user.csrf } }, status);
}
