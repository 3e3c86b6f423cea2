import { PATHS, type TokenContext } from '@grantboard/protocol';
import type { FastifyInstance } from 'fastify';
import { tokenExpired, tokenInvalid, tokenNotProvided } from '../../api/errors.js';
import type { AppContext } from '../../app-context.js';
import { noStore } from '../../http/responses.js';
import { readAccessToken } from '../../lib/bearer.js';
import { TOKEN_CONTEXT_SCHEMA } from './response-schemas.js';

/**
 * `GET /v1/oauth-token`: who and what the token stands for. Needs no scope (ARCHITECTURE.md
 * decision 15). The token check and the names come from one query: this is the endpoint apps call
 * most to validate a token.
 */
export function tokenContextEndpoint(app: FastifyInstance, { services }: AppContext): void {
  app.get(PATHS.tokenContext, { schema: TOKEN_CONTEXT_SCHEMA }, async (request, reply) => {
    const token = readAccessToken(request);
    if (token === undefined) throw tokenNotProvided();
    if (token === null) throw tokenInvalid();
    const check = await services.tokens.context(token);
    if (check.kind === 'invalid') throw tokenInvalid();
    if (check.kind === 'expired') throw tokenExpired();
    const context = check.grant;
    const body: TokenContext = {
      type: 'oAuthToken',
      organization: { type: 'organization', id: context.organizationId, name: context.organizationName },
      team: { type: 'team', id: context.teamId, name: context.teamName },
      createdBy: { type: 'user', id: context.createdById, name: context.createdByName },
      user: { type: 'user', id: context.userId, name: context.userName },
      scopes: context.scopes,
      createdAt: new Date(context.createdAt).toISOString(),
    };
    return noStore(reply).send(body);
  });
}
