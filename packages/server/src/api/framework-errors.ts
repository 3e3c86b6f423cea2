import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { apiErrorHandler } from './error-handler.js';
import { invalidParameters } from './errors.js';

/** Whether a request is for the REST API v2, by its raw path. */
const isApiPath = (url: string): boolean => url === '/v2' || url.startsWith('/v2/') || url.startsWith('/v2?');

/**
 * Fastify's `frameworkErrors`: the router refuses a path before any plugin sees it when a `%` escape
 * is malformed (FST_ERR_BAD_URL) or a path parameter is longer than `maxParamLength`
 * (FST_ERR_MAX_PARAM_LENGTH). On `/v2` paths these answer Miro's envelope, 400 `invalidParameters`
 * (ARCHITECTURE.md decision 12); elsewhere Fastify's own answer is kept, byte for byte.
 */
export function apiFrameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (isApiPath(request.url)) {
    reply.header('cache-control', 'no-store');
    const message =
      error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? 'A path parameter is too long.'
        : 'The path is not a valid URL: a percent-escape (%) in it is malformed.';
    apiErrorHandler(invalidParameters(message), request, reply);
    return;
  }
  const statusCode = error.statusCode ?? 400;
  reply
    .code(statusCode)
    .header('content-type', 'application/json')
    .send(JSON.stringify({ error: 'Bad Request', code: error.code, message: error.message, statusCode }));
}
