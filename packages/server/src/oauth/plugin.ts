import { PATHS } from '@grantboard/protocol';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../api/errors.js';
import type { AppContext } from '../app-context.js';
import {
  InvalidClientMetadataError,
  InvalidGrantError,
  InvalidScopeError,
  InvalidTargetError,
} from '../domain/errors.js';
import { classifyFailure, UNAVAILABLE_RETRY_SECONDS } from '../http/failures.js';
import { noStore, retryAfter } from '../http/responses.js';
import { introspectEndpoint } from './endpoints/introspect.js';
import { jwksEndpoint } from './endpoints/jwks.js';
import { metadataEndpoint } from './endpoints/metadata.js';
import { registrationEndpoint } from './endpoints/register.js';
import { resourceMetadataEndpoints } from './endpoints/resource-metadata.js';
import { revokeEndpoints } from './endpoints/revoke.js';
import { tokenEndpoint } from './endpoints/token.js';
import { tokenContextEndpoint } from './endpoints/token-context.js';
import {
  InvalidClient,
  InvalidClientMetadata,
  InvalidGrant,
  InvalidRedirectUri,
  InvalidRequest,
  InvalidScope,
  InvalidTarget,
  OAuthError,
  ServerError,
  TemporarilyUnavailable,
  TooManyRequests,
} from './errors.js';

/**
 * The OAuth endpoints other than the authorization page (which is part of the web surface). One
 * error handler turns every failure into the two-vocabulary JSON body; Fastify's own validation and
 * parsing errors never reach a client in their default shape.
 */
export async function oauthPlugin(app: FastifyInstance, context: AppContext): Promise<void> {
  allowCrossOrigin(app);
  tokenEndpoint(app, context);
  revokeEndpoints(app, context);
  introspectEndpoint(app, context);
  metadataEndpoint(app, context);
  jwksEndpoint(app, context);
  resourceMetadataEndpoints(app, context);
  registrationEndpoint(app, context);
  tokenContextEndpoint(app, context);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      const challenge = error.challenge();
      if (challenge) reply.header('www-authenticate', challenge);
      return noStore(reply.code(error.status)).send(error.toBody());
    }
    const oauthError = toOAuthError(error, request);
    if (oauthError.detail)
      request.log.info({ oauthError: oauthError.code, detail: oauthError.detail }, 'oauth request refused');
    if (oauthError instanceof TooManyRequests) retryAfter(reply, oauthError.retryAfterSeconds);
    if (oauthError instanceof TemporarilyUnavailable)
      retryAfter(reply, oauthError.retryAfterSeconds ?? UNAVAILABLE_RETRY_SECONDS);
    if (oauthError instanceof InvalidClient && oauthError.triedBasic) {
      reply.header('www-authenticate', 'Basic realm="grantboard", charset="UTF-8"');
    }
    return noStore(reply.code(oauthError.status)).send(oauthError.toBody());
  });
}

/** Every failure as an OAuth error: the client's own, the database's, or a bug (`server_error`, no internals). */
function toOAuthError(error: unknown, request: FastifyRequest): OAuthError {
  if (error instanceof OAuthError) return error;
  // The domain's refusals, in the OAuth vocabulary (RFC 6749 §5.2).
  if (error instanceof InvalidGrantError) return new InvalidGrant(error.message, error.detail);
  if (error instanceof InvalidScopeError) return new InvalidScope(error.message);
  if (error instanceof InvalidTargetError) return new InvalidTarget(error.message);
  if (error instanceof InvalidClientMetadataError) {
    return error.code === 'invalid_redirect_uri'
      ? new InvalidRedirectUri(error.message)
      : new InvalidClientMetadata(error.message);
  }
  const failure = classifyFailure(error, request);
  switch (failure.kind) {
    case 'client':
      return new InvalidRequest(
        failure.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'Send the parameters as application/x-www-form-urlencoded or in the query string.'
          : failure.message,
        (error as Error).message,
      );
    case 'unavailable':
      return new TemporarilyUnavailable('The service is temporarily unavailable. Try again shortly.');
    case 'unexpected':
      return new ServerError('The server could not complete the request.');
  }
}

/**
 * CORS for the endpoints a browser app calls directly (RFC 9700 §2.6 allows it on the token,
 * metadata and revocation endpoints; never on the authorization endpoint, which is not in this
 * plugin). No credentials: these endpoints never read cookies.
 */
function allowCrossOrigin(app: FastifyInstance): void {
  const paths = [
    PATHS.token,
    PATHS.revoke,
    PATHS.revokeV2,
    PATHS.introspect,
    PATHS.metadata,
    PATHS.jwks,
    PATHS.tokenContext,
    PATHS.register,
  ];
  const crossOrigin = new Set<string | undefined>(paths);
  app.addHook('onRequest', (request, reply, done) => {
    if (crossOrigin.has(request.routeOptions.url)) reply.header('access-control-allow-origin', '*');
    done();
  });
  for (const path of paths) {
    app.options(path, async (_request, reply) =>
      reply
        .code(204)
        .header(
          'access-control-allow-methods',
          path === PATHS.metadata || path === PATHS.jwks || path === PATHS.tokenContext ? 'GET' : 'POST',
        )
        .header('access-control-allow-headers', 'authorization, content-type')
        .header('access-control-max-age', '600')
        .send(),
    );
  }
}
