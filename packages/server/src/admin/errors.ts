import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../api/errors.js';
import {
  ForbiddenError,
  InvalidScopeError,
  InvalidTargetError,
  NotFoundError,
  ValidationError,
} from '../domain/errors.js';
import { FixturesError } from '../fixtures/load.js';
import { classifyFailure, UNAVAILABLE_RETRY_SECONDS } from '../http/failures.js';
import { noStore, retryAfter } from '../http/responses.js';

/**
 * The admin API's error shape (docs/admin-api.md), the same document `grantboard … --json` prints:
 * `{"error":{"code","message","field"?}}` with code `unauthorized` (401), `invalid` (400),
 * `forbidden` (403), `not_found` (404, also for test controls that are off), `unavailable` (503)
 * or `server_error` (500, no internals).
 */
export interface AdminErrorBody {
  error: { code: string; message: string; field?: string };
}

export class AdminUnauthorized extends Error {}

function describe(error: unknown, request: FastifyRequest): { status: number; body: AdminErrorBody } {
  const body = (code: string, message: string, field?: string): AdminErrorBody => ({
    error: { code, message, ...(field ? { field } : {}) },
  });
  if (error instanceof FixturesError) return { status: 400, body: body('invalid', error.message) };
  if (error instanceof AdminUnauthorized) return { status: 401, body: body('unauthorized', error.message) };
  if (error instanceof ValidationError) return { status: 400, body: body('invalid', error.message, error.field) };
  if (error instanceof InvalidScopeError) return { status: 400, body: body('invalid', error.message, 'scopes') };
  // A grant a registered API's token policy refuses (docs/platform.md).
  if (error instanceof InvalidTargetError) return { status: 400, body: body('invalid', error.message, 'scopes') };
  if (error instanceof NotFoundError) return { status: 404, body: body('not_found', error.message) };
  if (error instanceof ForbiddenError) return { status: 403, body: body('forbidden', error.message) };
  // The TypeBox validator speaks Miro's envelope; here it is said in the admin shape.
  if (error instanceof ApiError) return { status: error.status, body: body('invalid', error.message) };
  const failure = classifyFailure(error, request);
  if (failure.kind === 'client') return { status: failure.status, body: body('invalid', failure.message) };
  if (failure.kind === 'unavailable')
    return { status: 503, body: body('unavailable', 'The database is unavailable. Try again shortly.') };
  return { status: 500, body: body('server_error', 'The server could not complete the request.') };
}

export function adminErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const { status, body } = describe(error, request);
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="grantboard-admin"');
  if (status === 503) retryAfter(reply, UNAVAILABLE_RETRY_SECONDS);
  return noStore(reply.code(status)).send(body);
}
