import { PATHS, type TokenContext } from '@grantboard/protocol';
import type { FastifyInstance } from 'fastify';
import { tokenExpired, tokenInvalid, tokenNotProvided } from '../../api/errors.js';
import type { AppContext } from '../../app-context.js';
import { noStore } from '../../http/responses.js';
import { readAccessToken } from '../../lib/bearer.js';
import { digest, isWellFormedToken } from '../../lib/tokens.js';

/**
 * `GET /v1/oauth-token`: who and what the token stands for. Needs no scope (ARCHITECTURE.md
 * decision 15). The token check and the names come from one query: this is the endpoint apps call
 * most to validate a token.
 */
export function tokenContextEndpoint(app: FastifyInstance, { repos, clock }: AppContext): void {
  app.get(PATHS.tokenContext, async (request, reply) => {
    const token = readAccessToken(request);
    if (token === undefined) throw tokenNotProvided();
    if (token === null || !isWellFormedToken(token, 'access')) throw tokenInvalid();
    const context = await repos.tokens.findAccessWithContext(digest(token));
    if (!context) throw tokenInvalid();
    if (context.expiresAt !== null && context.expiresAt <= clock.now()) throw tokenExpired();
    const body: TokenContext = {
      type: 'oAuthToken',
      organization: { type: 'organization', id: context.organizationId, name: context.organizationName },
      team: { type: 'team', id: context.teamId, name: context.teamName },
      createdBy: { type: 'user', id: context.createdById, name: context.createdByName },
      user: { type: 'user', id: context.userId, name: context.userName },
      scopes: context.scopes.split(' ').filter(Boolean),
      createdAt: new Date(context.createdAt).toISOString(),
    };
    return noStore(reply).send(body);
  });
}
