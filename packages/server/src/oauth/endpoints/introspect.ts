import { PATHS } from '@grantboard/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { noStore } from '../../http/responses.js';
import { digest, isWellFormedToken } from '../../lib/tokens.js';
import { authenticateClient } from '../client-auth.js';
import { readParams } from '../params.js';

/**
 * RFC 7662 token introspection. The caller authenticates as an app and learns only about tokens
 * issued to that app; anything else is `{"active":false}` with no detail (§2.2, §4).
 */
export function introspectEndpoint(app: FastifyInstance, { config, repos, services, clock }: AppContext): void {
  app.post(PATHS.introspect, async (request, reply) => {
    const params = readParams(request);
    const client = await authenticateClient(params, request.headers.authorization, repos, services.apps);
    const token = params.require('token');
    noStore(reply);
    const inactive = { active: false };

    if (isWellFormedToken(token, 'access')) {
      const check = await services.tokens.checkAccess(token);
      if (check.kind !== 'valid' || check.grant.appId !== client.app.id) return inactive;
      const { grant } = check;
      return {
        active: true,
        token_type: 'access_token',
        scope: grant.scopes,
        client_id: grant.appId,
        sub: grant.userId,
        user_id: grant.userId,
        team_id: grant.teamId,
        iss: config.publicUrl,
        iat: Math.floor(grant.createdAt / 1000),
        ...(grant.expiresAt !== null ? { exp: Math.floor(grant.expiresAt / 1000) } : {}),
      };
    }
    if (isWellFormedToken(token, 'refresh')) {
      const family = await repos.tokens.findLiveRefresh(digest(token), clock.now());
      if (!family || family.app_id !== client.app.id) return inactive;
      return {
        active: true,
        token_type: 'refresh_token',
        scope: family.scopes,
        client_id: family.app_id,
        sub: family.user_id,
        user_id: family.user_id,
        team_id: family.team_id,
        iss: config.publicUrl,
        exp: Math.floor(family.expiresAt / 1000),
      };
    }
    return inactive;
  });
}
