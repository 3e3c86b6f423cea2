import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError, InsufficientRoleError, NotFoundError, ValidationError } from '../domain/errors.js';
import { isDatabaseUnavailable } from '../storage/database.js';
import { ApiError, invalidParameters, notFound } from './errors.js';

/** Fields the domain judges that arrive in the query string rather than the body. */
const QUERY_FIELDS = new Set(['cursor', 'tag_id']);

/** A sentence for a request Fastify refused before validation (body parsing, media type). */
function parseFailure(error: FastifyError): ApiError {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'payloadTooLarge', 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return invalidParameters('Send the request body as application/json.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidParameters('The request body is not valid JSON.');
    default:
      return invalidParameters('The request is malformed.');
  }
}

/**
 * Every failure as Miro's envelope; domain errors map to their statuses, a database that cannot answer
 * right now to 503, anything else to a bare 500.
 */
export function toApiError(error: unknown, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ValidationError) {
    const where = error.field !== undefined && QUERY_FIELDS.has(error.field) ? 'query' : 'body';
    return invalidParameters(
      error.message,
      error.field === undefined ? [] : [{ in: where, field: error.field, message: error.message }],
    );
  }
  if (error instanceof NotFoundError) return notFound(error.message);
  if (error instanceof InsufficientRoleError) {
    return new ApiError(403, 'insufficientPermissions', error.message, {
      boardRole: error.role,
      requiredBoardRole: error.requiredRole,
    });
  }
  if (error instanceof ForbiddenError) return new ApiError(403, 'insufficientPermissions', error.message);
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.statusCode !== undefined && fastifyError.statusCode < 500)
    return parseFailure(error as FastifyError);
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    return new ApiError(503, 'serviceUnavailable', 'The service is temporarily unavailable. Try again shortly.');
  }
  request.log.error({ err: error }, 'unexpected error');
  return new ApiError(500, 'internalError', 'The server could not complete the request.');
}

export function apiErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const apiError = toApiError(error, request);
  const challenge = apiError.challenge();
  if (challenge) reply.header('www-authenticate', challenge);
  if (apiError.status === 503) reply.header('retry-after', '1');
  return reply.code(apiError.status).header('content-type', 'application/json; charset=utf-8').send(apiError.toBody());
}
