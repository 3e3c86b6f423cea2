import { PATHS } from '@grantboard/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';

/**
 * `jwks_uri` (RFC 8414 §2): the public keys RFC 9068 JWT access tokens are signed with, the current
 * one and the retired ones whose tokens may still be live. Cached briefly: a verifier that meets an
 * unknown `kid` fetches again (docs/platform.md, "Key rotation").
 */
export function jwksEndpoint(app: FastifyInstance, { services }: AppContext): void {
  app.get(PATHS.jwks, async (_request, reply) =>
    reply
      .header('cache-control', 'public, max-age=300')
      .type('application/jwk-set+json')
      .send(await services.signingKeys.jwks()),
  );
}
