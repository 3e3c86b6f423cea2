import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toApiError } from '../api/error-handler.js';
import { ApiError } from '../api/errors.js';
import { typeboxValidatorCompiler } from '../api/validation.js';
import { UNAVAILABLE_RETRY_SECONDS } from '../http/failures.js';
import { noStore, retryAfter } from '../http/responses.js';
import { secretsEqual } from '../lib/compare.js';
import type { Sessions, SignedIn } from './session.js';

/** The header a page's script sends the session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the JSON scope's hook on every request it lets through. */
    jsonSession: SignedIn | undefined;
  }
}

/** The signed-in user of a request in the JSON scope. */
export function jsonUser(request: FastifyRequest): SignedIn {
  if (!request.jsonSession) throw new Error('jsonUser() outside the JSON scope');
  return request.jsonSession;
}

function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  if (error.status === 503) retryAfter(reply, UNAVAILABLE_RETRY_SECONDS);
  return noStore(reply.code(error.status))
    .header('content-type', 'application/json; charset=utf-8')
    .send(error.toBody());
}

/**
 * Same-origin JSON endpoints for the pages' own scripts (the board page and its app host). They
 * are authenticated by the session cookie, never by an OAuth token, and every request, reads
 * included, must carry the session's CSRF token in a header: a cross-site form or image cannot set
 * one, and a cross-origin script cannot without a CORS preflight, which Grantboard never grants.
 * Bodies are JSON only, validated with the REST API's TypeBox schemas; errors are the API's envelope.
 */
export async function jsonScope(
  app: FastifyInstance,
  sessions: Sessions,
  routes: (scope: FastifyInstance) => void,
): Promise<void> {
  await app.register(async (scope) => {
    scope.decorateRequest('jsonSession', undefined);
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, scope.getDefaultJsonParser('error', 'error'));
    scope.setValidatorCompiler(typeboxValidatorCompiler);
    scope.setErrorHandler((error, request, reply) => {
      const apiError = toApiError(error, request);
      return sendError(reply, new ApiError(apiError.status, apiError.code, apiError.message, apiError.context));
    });
    scope.addHook('onRequest', async (request, reply) => {
      noStore(reply);
      const current = await sessions.current(request);
      if (!current) return sendError(reply, new ApiError(401, 'notSignedIn', 'Sign in to Grantboard again.'));
      const presented = request.headers[CSRF_HEADER];
      if (typeof presented !== 'string' || !secretsEqual(current.csrf, presented)) {
        return sendError(
          reply,
          new ApiError(
            403,
            'csrfTokenInvalid',
            'The request did not carry this session’s CSRF token. Reload the page.',
          ),
        );
      }
      request.jsonSession = current;
    });
    routes(scope);
  });
}
