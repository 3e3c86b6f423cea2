import { PATHS } from '@grantboard/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { noStore } from '../../http/responses.js';
import { authenticateClient } from '../client-auth.js';
import { OAuthError, TooManyRequests, UnsupportedGrantType } from '../errors.js';
import { GRANTS } from '../grants/index.js';
import { readParams } from '../params.js';
import { applyTestFault } from '../test-faults.js';

/** `POST /v1/oauth/token` (RFC 6749 §3.2): read parameters, authenticate the client, dispatch to the grant. */
export function tokenEndpoint(
  app: FastifyInstance,
  { config, services, metrics, rateLimiter, clock }: AppContext,
): void {
  const policy = { limit: config.tokenRequestsPerMinute, windowMs: 60_000 };

  /** Per-client budget, counted after authentication so nobody can spend another client's. */
  async function spendClientBudget(clientId: string): Promise<void> {
    if (policy.limit === 0) return;
    const decision = await rateLimiter.consume(`token:${clientId}`, 1, policy);
    if (!decision.allowed) {
      const retryAfter = Math.max(1, Math.ceil((decision.resetAt - clock.now()) / 1000));
      throw new TooManyRequests(`Too many token requests for this client; retry in ${retryAfter} seconds.`, retryAfter);
    }
  }

  app.post(PATHS.token, async (request, reply) => {
    const params = readParams(request);
    const requested = params.get('grant_type');
    // Only known grant types become label values: a client cannot grow the metric without bound.
    const grantLabel = requested !== undefined && GRANTS.has(requested) ? requested : 'other';
    try {
      const client = await authenticateClient(params, request.headers.authorization, services.apps);
      await spendClientBudget(client.app.id);
      await applyTestFault(services, client.app.id);
      const grantType = params.require('grant_type');
      const grant = GRANTS.get(grantType);
      if (!grant) throw new UnsupportedGrantType(`Unsupported grant_type '${grantType.slice(0, 64)}'.`);
      const body = await grant.handle({ params, client, services });
      metrics.tokenRequests.inc({ grant_type: grantLabel, outcome: 'ok' });
      // RFC 6749 §5.1: token responses must not be cached.
      return noStore(reply).send(body);
    } catch (error) {
      metrics.tokenRequests.inc({
        grant_type: grantLabel,
        outcome: error instanceof OAuthError ? error.code : 'server_error',
      });
      throw error;
    }
  });
}
