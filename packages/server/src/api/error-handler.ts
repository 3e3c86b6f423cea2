import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ForbiddenError,
  InsufficientRoleError,
  NotFoundError,
  TooLargeError,
  ValidationError,
} from '../domain/errors.js';
import { classifyFailure, UNAVAILABLE_RETRY_SECONDS } from '../http/failures.js';
import { retryAfter } from '../http/responses.js';
import { ApiError, invalidParameters, notFound } from './errors.js';

/** Fields the domain judges that arrive in the query string rather than the body. */
const QUERY_FIELDS = new Set(['cursor', 'tag_id']);

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
  if (error instanceof TooLargeError) return new ApiError(413, 'payloadTooLarge', error.message);
  if (error instanceof InsufficientRoleError) {
    return new ApiError(403, 'insufficientPermissions', error.message, {
      boardRole: error.role,
      requiredBoardRole: error.requiredRole,
    });
  }
  if (error instanceof ForbiddenError) return new ApiError(403, 'insufficientPermissions', error.message);
  const failure = classifyFailure(error, request);
  switch (failure.kind) {
    case 'client':
      if (failure.status === 413) return new ApiError(413, 'payloadTooLarge', failure.message);
      return invalidParameters(
        failure.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'Send the request body as application/json.'
          : failure.message,
      );
    case 'unavailable':
      return new ApiError(503, 'serviceUnavailable', 'The service is temporarily unavailable. Try again shortly.');
    case 'unexpected':
      return new ApiError(500, 'internalError', 'The server could not complete the request.');
  }
}

export function apiErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const apiError = toApiError(error, request);
  const challenge = apiError.challenge();
  if (challenge) reply.header('www-authenticate', challenge);
  if (apiError.status === 503) retryAfter(reply, UNAVAILABLE_RETRY_SECONDS);
  return reply.code(apiError.status).header('content-type', 'application/json; charset=utf-8').send(apiError.toBody());
}
