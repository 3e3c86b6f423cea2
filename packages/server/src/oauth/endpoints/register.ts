import { PATHS } from '@grantboard/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { noStore } from '../../http/responses.js';
import { InvalidClientMetadata, TooManyRequests } from '../errors.js';

/** A registration is a few hundred bytes; anything much larger is refused before it is parsed. */
const BODY_LIMIT = 8 * 1024;

/**
 * `POST /oauth/register`: RFC 7591 dynamic client registration for agents (docs/mcp.md). Open to
 * anyone, as the MCP authorization spec expects, so rate limited per client address; what it
 * creates is a public app of no team that expires unless a user authorizes it.
 */
export function registrationEndpoint(app: FastifyInstance, { services, config, rateLimiter, clock }: AppContext): void {
  const policy = { limit: config.registrationsPerHour, windowMs: 3600_000 };

  app.post(PATHS.register, { bodyLimit: BODY_LIMIT }, async (request, reply) => {
    if (policy.limit > 0) {
      const decision = await rateLimiter.consume(`register:${request.ip}`, 1, policy);
      if (!decision.allowed) {
        const wait = Math.max(1, Math.ceil((decision.resetAt - clock.now()) / 1000));
        throw new TooManyRequests(`Too many registrations from this address; retry in ${wait} seconds.`, wait);
      }
    }
    // RFC 7591 §3: the metadata is a JSON object in the body.
    if (!/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '')) {
      throw new InvalidClientMetadata('Send the client metadata as application/json.');
    }
    const registered = await services.registrations.register(request.body);
    return noStore(reply.code(201)).send(registered);
  });
}
