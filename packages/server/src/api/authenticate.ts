import type { FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import { readAccessToken } from '../lib/bearer.js';
import type { AccessGrant } from '../storage/repositories/tokens.js';
import { tokenExpired, tokenInvalid, tokenNotProvided } from './errors.js';

/** The grant behind the request's access token, or a 401 `ApiError` saying why there is none. */
export async function authenticateBearer(request: FastifyRequest, services: Services): Promise<AccessGrant> {
  const token = readAccessToken(request);
  if (token === undefined) throw tokenNotProvided();
  if (token === null) throw tokenInvalid();
  const check = await services.tokens.checkAccess(token, services.resources.rest);
  if (check.kind === 'expired') throw tokenExpired();
  if (check.kind === 'invalid') throw tokenInvalid();
  return check.grant;
}
