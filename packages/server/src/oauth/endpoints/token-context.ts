import { PATHS, type TokenContext } from '@grantboard/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { tokenExpired, tokenInvalid, tokenNotProvided } from '../../api/errors.js';
import type { AppContext } from '../../app-context.js';
import type { AccessCheck } from '../../domain/token-service.js';
import { noStore } from '../../http/responses.js';
import { readAccessToken } from '../../lib/bearer.js';
import type { AccessContext } from '../../storage/repositories/tokens.js';
import { TOKEN_CONTEXT_SCHEMA } from './response-schemas.js';

/**
 * `GET /v1/oauth-token`: who and what the token stands for. Needs no scope (ARCHITECTURE.md
 * decision 15). The token check and the names come from one query: this is the endpoint apps call
 * most to validate a token. A token in the validated-token cache is answered without a promise and
 * with the body serialized when it was first answered (docs/performance.md).
 */
export function tokenContextEndpoint(app: FastifyInstance, { services }: AppContext): void {
  // A cached context is one object for as long as its entry lives, and its body never changes.
  const bodies = new WeakMap<AccessContext, string>();

  function answer(reply: FastifyReply, check: AccessCheck<AccessContext>): FastifyReply {
    if (check.kind === 'invalid') throw tokenInvalid();
    if (check.kind === 'expired') throw tokenExpired();
    let body = bodies.get(check.grant);
    if (body === undefined) {
      body = reply.serialize(present(check.grant)) as string;
      bodies.set(check.grant, body);
    }
    return noStore(reply).type('application/json; charset=utf-8').send(body);
  }

  app.get(PATHS.tokenContext, { schema: TOKEN_CONTEXT_SCHEMA }, (request, reply) => {
    const token = readAccessToken(request);
    if (token === undefined) throw tokenNotProvided();
    if (token === null) throw tokenInvalid();
    const check = services.tokens.context(token);
    if (check instanceof Promise) return check.then((found) => answer(reply, found));
    answer(reply, check);
  });
}

function present(context: AccessContext): TokenContext {
  return {
    type: 'oAuthToken',
    organization: { type: 'organization', id: context.organizationId, name: context.organizationName },
    team: { type: 'team', id: context.teamId, name: context.teamName },
    createdBy: { type: 'user', id: context.createdById, name: context.createdByName },
    user: { type: 'user', id: context.userId, name: context.userName },
    scopes: context.scopes,
    createdAt: new Date(context.createdAt).toISOString(),
  };
}
