import { PATHS } from '@grantboard/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { noStore } from '../../http/responses.js';
import { readAccessToken } from '../../lib/bearer.js';
import { authenticateClient } from '../client-auth.js';
import { readParams } from '../params.js';

function miroError(status: number, code: string, message: string) {
  return { status, code, message, type: 'error' as const };
}

/** Miro's v2 body, `{accessToken, clientId, clientSecret}`, all non-empty strings (no type coercion). */
function revokeV2Body(body: unknown): { accessToken: string; clientId: string; clientSecret: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { accessToken, clientId, clientSecret } = body as Record<string, unknown>;
  const ok = [accessToken, clientId, clientSecret].every(
    (v) => typeof v === 'string' && v.length > 0 && v.length <= 512,
  );
  return ok
    ? ({ accessToken, clientId, clientSecret } as { accessToken: string; clientId: string; clientSecret: string })
    : undefined;
}

/**
 * Revocation, three ways. Revoking an access token also revokes its refresh token; the app stays
 * installed (Miro's docs).
 */
export function revokeEndpoints(app: FastifyInstance, { services }: AppContext): void {
  // Miro's deprecated v1: the token in the query string (the official Node client still uses it).
  app.post(PATHS.revokeV1, async (request, reply) => {
    const token = readAccessToken(request);
    if (typeof token === 'string' && (await services.tokens.revoke(token))) return reply.code(204).send();
    return reply.code(400).send(miroError(400, 'revokeFailed', 'Failed to revoke token'));
  });

  app.post(PATHS.revokeV2, async (request, reply) => {
    const body = revokeV2Body(request.body);
    if (!body) {
      const message = 'The body must be JSON with string fields accessToken, clientId and clientSecret.';
      return reply.code(400).send(miroError(400, 'invalidParameters', message));
    }
    const client = await services.apps.authenticate(body.clientId, body.clientSecret);
    if (!client.ok) return reply.code(401).send(miroError(401, 'invalidClient', 'Client authentication failed.'));
    if (await services.tokens.revoke(body.accessToken, { appId: client.app.id })) return reply.code(204).send();
    return reply.code(404).send(miroError(404, 'notFound', 'Failed to revoke token'));
  });

  // RFC 7009: authenticated client; 200 whether or not the token was valid (§2.2). The body is an
  // empty JSON object, which RFC 7009 clients ignore and clients that parse every answer can read.
  app.post(PATHS.revoke, async (request, reply) => {
    const params = readParams(request);
    const client = await authenticateClient(params, request.headers.authorization, services.apps);
    const token = params.require('token');
    await services.tokens.revoke(token, { appId: client.app.id });
    return noStore(reply.code(200)).send({});
  });
}
