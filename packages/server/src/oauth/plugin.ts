import { PATHS } from '@grantboard/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError } from '../api/errors.js';
import type { AppContext } from '../app-context.js';
import { isDatabaseUnavailable } from '../storage/database.js';
import { introspectEndpoint } from './endpoints/introspect.js';
import { metadataEndpoint } from './endpoints/metadata.js';
import { revokeEndpoints } from './endpoints/revoke.js';
import { tokenEndpoint } from './endpoints/token.js';
import { tokenContextEndpoint } from './endpoints/token-context.js';
import {
  InvalidClient,
  InvalidRequest,
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
  tokenContextEndpoint(app, context);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      const challenge = error.challenge();
      if (challenge) reply.header('www-authenticate', challenge);
      return reply.code(error.status).header('cache-control', 'no-store').send(error.toBody());
    }
    let oauthError: OAuthError;
    if (error instanceof OAuthError) oauthError = error;
    else if (error.validation || (error.statusCode !== undefined && error.statusCode < 500)) {
      oauthError = new InvalidRequest(clientErrorMessage(error), error.message);
    } else if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      oauthError = new TemporarilyUnavailable('The service is temporarily unavailable. Try again shortly.');
      reply.header('retry-after', '1');
    } else {
      request.log.error({ err: error }, 'unexpected error');
      oauthError = new ServerError('The server could not complete the request.');
    }
    if (oauthError.detail)
      request.log.info({ oauthError: oauthError.code, detail: oauthError.detail }, 'oauth request refused');
    if (oauthError instanceof TooManyRequests) reply.header('retry-after', String(oauthError.retryAfterSeconds));
    if (oauthError instanceof InvalidClient && oauthError.triedBasic) {
      reply.header('www-authenticate', 'Basic realm="grantboard", charset="UTF-8"');
    }
    return reply
      .code(oauthError.status)
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache')
      .send(oauthError.toBody());
  });
}

/**
 * CORS for the endpoints a browser app calls directly (RFC 9700 §2.6 allows it on the token,
 * metadata and revocation endpoints; never on the authorization endpoint, which is not in this
 * plugin). No credentials: these endpoints never read cookies.
 */
function allowCrossOrigin(app: FastifyInstance): void {
  const paths: string[] = [
    PATHS.token,
    PATHS.revoke,
    PATHS.revokeV2,
    PATHS.introspect,
    PATHS.metadata,
    PATHS.tokenContext,
  ];
  app.addHook('onRequest', async (request, reply) => {
    if (paths.includes(request.url.split('?')[0] ?? '')) reply.header('access-control-allow-origin', '*');
  });
  for (const path of paths) {
    app.options(path, async (_request, reply) =>
      reply
        .code(204)
        .header('access-control-allow-methods', path === PATHS.metadata || path === PATHS.tokenContext ? 'GET' : 'POST')
        .header('access-control-allow-headers', 'authorization, content-type')
        .header('access-control-max-age', '600')
        .send(),
    );
  }
}

/** A sentence for a request Fastify refused before a handler ran. */
function clientErrorMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Send the parameters as application/x-www-form-urlencoded or in the query string.';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large.';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The request body is not valid JSON.';
    default:
      return error.validation ? `Invalid request: ${error.message}.` : 'The request is malformed.';
  }
}
