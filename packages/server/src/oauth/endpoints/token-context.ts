import { PATHS, type TokenContext } from '@grantboard/protocol';
import type { FastifyInstance } from 'fastify';
import { authenticateBearer } from '../../api/authenticate.js';
import { tokenInvalid } from '../../api/errors.js';
import type { AppContext } from '../../app-context.js';

/** `GET /v1/oauth-token`: who and what the token stands for. Needs no scope (ARCHITECTURE.md decision 15). */
export function tokenContextEndpoint(app: FastifyInstance, { repos, services }: AppContext): void {
  app.get(PATHS.tokenContext, async (request, reply) => {
    const grant = await authenticateBearer(request, services);
    const context = await repos.tokens.context(grant.familyId);
    if (!context) throw tokenInvalid();
    const body: TokenContext = {
      type: 'oAuthToken',
      organization: { type: 'organization', id: context.organizationId, name: context.organizationName },
      team: { type: 'team', id: context.teamId, name: context.teamName },
      createdBy: { type: 'user', id: context.createdById, name: context.createdByName },
      user: { type: 'user', id: context.userId, name: context.userName },
      scopes: grant.scopes.split(' ').filter(Boolean),
      createdAt: new Date(context.createdAt).toISOString(),
    };
    return reply.header('cache-control', 'no-store').send(body);
  });
}
