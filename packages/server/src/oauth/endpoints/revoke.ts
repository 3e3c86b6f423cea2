import { PATHS } from '@grantboard/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { readAccessToken } from '../../lib/bearer.js';
import { authenticateClient } from '../client-auth.js';
import { readParams } from '../params.js';

function miroError(status: number, code: string, message: string) {
  return { status, code, message, type: 'error' as const };
}

/**
 * Revocation, three ways. Revoking an access token also revokes its refresh token; the app stays
 * installed (Miro's docs).
 */
export function revokeEndpoints(app: FastifyInstance, { repos, services }: AppContext): void {
  // Miro's deprecated v1: the token in the query string (the official Node client still uses it).
  app.post(PATHS.revokeV1, async (request, reply) => {
    const token = readAccessToken(request);
    if (typeof token === 'string' && (await services.tokens.revoke(token))) return reply.code(204).send();
    return reply.code(400).send(miroError(400, 'revokeFailed', 'Failed to revoke token'));
  });

  // Miro's v2: JSON {accessToken, clientId, clientSecret}; 204 or 404.
  app.post(
    PATHS.revokeV2,
    {
      schema: {
        body: {
          type: 'object',
          required: ['accessToken', 'clientId', 'clientSecret'],
          properties: {
            accessToken: { type: 'string', minLength: 1, maxLength: 512 },
            clientId: { type: 'string', minLength: 1, maxLength: 64 },
            clientSecret: { type: 'string', minLength: 1, maxLength: 512 },
          },
        },
      },
    },
    async (request, reply) => {
      const { accessToken, clientId, clientSecret } = request.body as {
        accessToken: string;
        clientId: string;
        clientSecret: string;
      };
      const client = await repos.apps.findById(/^\d{1,30}$/.test(clientId) ? clientId : '');
      if (!client || !services.apps.secretMatches(client, clientSecret)) {
        return reply.code(401).send(miroError(401, 'invalidClient', 'Client authentication failed.'));
      }
      if (await services.tokens.revoke(accessToken, { appId: client.id })) return reply.code(204).send();
      return reply.code(404).send(miroError(404, 'notFound', 'Failed to revoke token'));
    },
  );

  // RFC 7009: authenticated client; 200 whether or not the token was valid (§2.2).
  app.post(PATHS.revoke, async (request, reply) => {
    const params = readParams(request);
    const client = await authenticateClient(params, request.headers.authorization, repos, services.apps);
    const token = params.require('token');
    await services.tokens.revoke(token, { appId: client.app.id });
    return reply.code(200).header('cache-control', 'no-store').send();
  });
}
