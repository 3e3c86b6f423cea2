import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { NotFoundError } from '../../domain/errors.js';
import { UpstreamRejectedError, UpstreamUnavailableError } from '../../domain/upstream-sign-in.js';
import { safeReturnPath } from '../forms.js';
import { sendPage } from '../layout.js';
import { ROUTES } from '../routes.js';
import type { Sessions } from '../session.js';
import { errorPage } from './error-page.js';
import { signInForm } from './sign-in.js';

/**
 * Sign-in through an upstream OpenID Connect provider (docs/federation.md): a link on the sign-in
 * page leaves for the provider with a sealed flow cookie (state, nonce, PKCE verifier, where to
 * return); the provider's redirect comes back to the callback, which signs the user in and returns
 * them where sign-in was asked for — the consent page of a pending authorization request, say.
 */
export function upstreamSignInPages(app: FastifyInstance, { services }: AppContext, sessions: Sessions): void {
  const options = { providers: services.upstream.providers(), localPasswords: services.upstream.localPasswords };

  /** The sign-in page again, with what went wrong. */
  function refuse(request: FastifyRequest, reply: FastifyReply, status: number, returnTo: string, error: string) {
    const csrf = sessions.anonymousCsrf(request, reply);
    return sendPage(reply, { title: 'Sign in', body: signInForm({ ...options, csrf, returnTo, error }) }, status);
  }

  function unknownProvider(reply: FastifyReply) {
    return errorPage(reply, 404, 'Not found', 'There is no such sign-in provider here.');
  }

  app.get(ROUTES.upstreamSignIn, async (request, reply) => {
    const { providerId } = request.params as { providerId: string };
    const query = request.query as Record<string, unknown>;
    const returnTo = safeReturnPath(typeof query.return_to === 'string' ? query.return_to : undefined);
    let started: Awaited<ReturnType<typeof services.upstream.begin>>;
    try {
      started = await services.upstream.begin(providerId, returnTo);
    } catch (error) {
      if (error instanceof NotFoundError) return unknownProvider(reply);
      if (!(error instanceof UpstreamUnavailableError)) throw error;
      request.log.warn({ provider: providerId, detail: error.message }, 'upstream provider unavailable');
      return refuse(
        request,
        reply,
        502,
        returnTo,
        'The sign-in provider cannot be reached right now. Please try again shortly.',
      );
    }
    sessions.setUpstreamFlow(reply, started.sealedFlow, services.upstream.flowTtlSeconds);
    return reply.code(303).header('location', started.url).send();
  });

  app.get(ROUTES.upstreamCallback, async (request, reply) => {
    const { providerId } = request.params as { providerId: string };
    // The flow cookie is single use: gone after this request, whatever happens.
    const sealedFlow = sessions.takeUpstreamFlow(request, reply);
    let done: Awaited<ReturnType<typeof services.upstream.complete>>;
    try {
      done = await services.upstream.complete(providerId, new URL(request.url, 'http://callback.invalid'), sealedFlow);
    } catch (error) {
      if (error instanceof NotFoundError) return unknownProvider(reply);
      if (error instanceof UpstreamUnavailableError) {
        request.log.warn({ provider: providerId, detail: error.message }, 'upstream provider unavailable');
        return refuse(
          request,
          reply,
          502,
          '/',
          'The sign-in provider cannot be reached right now. Please try again shortly.',
        );
      }
      if (!(error instanceof UpstreamRejectedError)) throw error;
      request.log.warn({ provider: providerId, reason: error.reason }, 'upstream sign-in refused');
      return refuse(request, reply, error.reason === 'no_flow' ? 400 : 401, error.returnTo ?? '/', error.message);
    }
    await sessions.start(reply, done.user.id, await sessions.current(request));
    return reply.code(303).header('location', done.returnTo).send();
  });
}
