import { PATHS } from '@grantboard/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { isResourceServerClientId } from '../../domain/resource-server-service.js';
import type { IntrospectionCaller } from '../../domain/token-service.js';
import { noStore } from '../../http/responses.js';
import { authenticateClient, CLIENT_AUTH_FAILED, clientCredentials } from '../client-auth.js';
import { InvalidClient } from '../errors.js';
import { readParams } from '../params.js';

/**
 * RFC 7662 token introspection. The caller authenticates (§2.1: the endpoint needs authentication;
 * the metadata lists exactly the secret-based methods) as a confidential app, and learns only about
 * tokens issued to that app, or as a registered resource server, and learns only about access
 * tokens for its audience; anything else is `{"active":false}` with no detail (§2.2, §4).
 */
export function introspectEndpoint(app: FastifyInstance, { config, services }: AppContext): void {
  /** A resource server's credentials (its client id starts `rs-`) or a confidential app's. */
  async function authenticateCaller(
    params: ReturnType<typeof readParams>,
    authorization: string | undefined,
  ): Promise<IntrospectionCaller> {
    const credentials = clientCredentials(params, authorization);
    if (isResourceServerClientId(credentials.id)) {
      const server = await services.resourceServers.authenticate(credentials.id, credentials.secret);
      if (!server) throw new InvalidClient(CLIENT_AUTH_FAILED, credentials.isBasic, 'resource server credentials');
      return { audience: server.identifier };
    }
    const client = await authenticateClient(params, authorization, services.apps);
    if (client.method === 'none') {
      throw new InvalidClient('Introspection needs a confidential client.', false, 'public client');
    }
    return { appId: client.app.id };
  }

  app.post(PATHS.introspect, async (request, reply) => {
    const params = readParams(request);
    const caller = await authenticateCaller(params, request.headers.authorization);
    const token = params.require('token');
    noStore(reply);
    const found = await services.tokens.introspect(token, caller);
    switch (found.kind) {
      case 'inactive':
        return { active: false };
      case 'access': {
        const { grant } = found;
        return {
          active: true,
          // RFC 7662 §2.2: the token type of RFC 6749 §5.1.
          token_type: 'bearer',
          scope: grant.scopes.join(' '),
          client_id: grant.appId,
          sub: grant.userId,
          user_id: grant.userId,
          team_id: grant.teamId,
          iss: config.publicUrl,
          iat: Math.floor(grant.createdAt / 1000),
          ...(grant.expiresAt !== null ? { exp: Math.floor(grant.expiresAt / 1000) } : {}),
          // RFC 7662 §2.2: the audience the token is for (RFC 8707).
          aud: grant.audience ?? [...services.resources.default],
        };
      }
      case 'refresh': {
        // A refresh token has no RFC 6749 §5.1 type: `token_type` is left out.
        const { family } = found;
        return {
          active: true,
          scope: family.scopes.join(' '),
          client_id: family.appId,
          sub: family.userId,
          user_id: family.userId,
          team_id: family.teamId,
          iss: config.publicUrl,
          iat: Math.floor(family.createdAt / 1000),
          exp: Math.floor(found.expiresAt / 1000),
        };
      }
    }
  });
}
