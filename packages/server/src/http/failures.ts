import type { FastifyError, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../storage/database.js';

/**
 * What went wrong with a request that no surface-specific rule answered, sorted once for every
 * surface: the client's fault (with a sentence fit to show), the database out of reach for now
 * (503 with `Retry-After`), or a bug (500 without internals). Each surface renders the result in its
 * own vocabulary (docs/errors.md).
 */
export type Failure =
  | { kind: 'client'; status: number; message: string; code: string | undefined }
  | { kind: 'unavailable' }
  | { kind: 'unexpected' };

/** Seconds a client waits before retrying after a `unavailable` failure. */
export const UNAVAILABLE_RETRY_SECONDS = 1;

/** Sorts a failure and logs it: database outages as warnings, bugs as errors, client faults not at all. */
export function classifyFailure(error: unknown, request: FastifyRequest): Failure {
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.statusCode !== undefined && fastifyError.statusCode < 500) {
    return {
      kind: 'client',
      status: clientStatus(fastifyError),
      message: clientMessage(fastifyError),
      code: fastifyError.code,
    };
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    return { kind: 'unavailable' };
  }
  request.log.error({ err: error }, 'unexpected error');
  return { kind: 'unexpected' };
}

function clientStatus(error: Partial<FastifyError>): number {
  // A too-long path parameter or a broken %-escape is a malformed request, whatever Fastify calls it.
  return error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 413 : 400;
}

/** A sentence for a request Fastify refused before a handler ran. */
function clientMessage(error: Partial<FastifyError>): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large.';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The request body is not valid JSON.';
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_INVALID_URL':
      return 'The request path is malformed.';
    default:
      return error.validation ? `Invalid request: ${error.message}.` : 'The request is malformed.';
  }
}
