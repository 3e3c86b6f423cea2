import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { apiErrorHandler } from './error-handler.js';
import { invalidParameters } from './errors.js';

/** Whether a request is for the REST API v2, by its raw path. */
export const isApiPath = (url: string): boolean => url === '/v2' || url.startsWith('/v2/') || url.startsWith('/v2?');

/**
 * Fastify's `frameworkErrors`: the router refuses a path before any plugin sees it when a `%` escape
 * is malformed (FST_ERR_BAD_URL) or a path parameter is longer than `maxParamLength`
 * (FST_ERR_MAX_PARAM_LENGTH). On `/v2` paths these answer Miro's envelope, 400 `invalidParameters`
 * (ARCHITECTURE.md decision 12). The other surfaces answer in their own vocabulary (app.ts).
 */
export function apiFrameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('cache-control', 'no-store');
  apiErrorHandler(invalidParameters(frameworkErrorMessage(error)), request, reply);
}

/** The sentence for a path the router refused. */
export function frameworkErrorMessage(error: FastifyError): string {
  return error.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? 'A path parameter is too long.'
    : 'The path is not a valid URL: a percent-escape (%) in it is malformed.';
}
