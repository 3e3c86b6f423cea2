import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import type { Actor } from '../domain/board-roles.js';
import { rateLimitHeaders } from '../http/responses.js';
import type { AccessGrant } from '../storage/repositories/tokens.js';
import { authenticateBearer } from './authenticate.js';
import { insufficientScope, tooManyRequests } from './errors.js';
import { type ApiRouteConfig, LEVEL_CREDITS } from './route.js';

declare module 'fastify' {
  interface FastifyContextConfig extends Partial<ApiRouteConfig> {}
}

/**
 * The three steps every API request passes before its handler, in order: authenticate the token,
 * spend the rate-limit credits of the route's level, check the route's scopes. Only routes that
 * declare scopes are guarded (the OpenAPI document and reference page are public). Handlers get
 * the actor; the grant stays here.
 */
export function apiGuards({ services, rateLimiter, config, clock }: AppContext) {
  const grants = new WeakMap<FastifyRequest, AccessGrant>();
  const policy = { limit: config.rateLimitCreditsPerMinute, windowMs: config.rateLimitWindowSeconds * 1000 };

  function grantOf(request: FastifyRequest): AccessGrant {
    const grant = grants.get(request);
    if (!grant) throw new Error('API route reached without authentication');
    return grant;
  }

  return {
    async authenticate(request: FastifyRequest): Promise<void> {
      if (request.routeOptions.config.scopes === undefined) return;
      grants.set(request, await authenticateBearer(request, services));
    },

    /** Decision 13: credits per user per app; every authenticated response says where the budget stands. */
    async rateLimit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const level = request.routeOptions.config.rateLimitLevel;
      if (level === undefined) return;
      const grant = grantOf(request);
      const decision = await rateLimiter.consume(`api:${grant.appId}:${grant.userId}`, LEVEL_CREDITS[level], policy);
      const wait = rateLimitHeaders(reply, decision, clock.now());
      if (wait !== undefined) throw tooManyRequests(wait);
    },

    /**
     * A route charged per item (Miro: bulk create "takes Level 2 rate limiting … per item") spends
     * the credits of the items after the first once its body is read; `rateLimit` spent the first.
     */
    async chargeItems(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const { chargePerItem, rateLimitLevel: level } = request.routeOptions.config;
      if (!chargePerItem || level === undefined || !Array.isArray(request.body) || request.body.length < 2) return;
      const grant = grantOf(request);
      const cost = LEVEL_CREDITS[level] * (request.body.length - 1);
      const decision = await rateLimiter.consume(`api:${grant.appId}:${grant.userId}`, cost, policy);
      const wait = rateLimitHeaders(reply, decision, clock.now());
      if (wait !== undefined) throw tooManyRequests(wait);
    },

    /** RFC 6750 §3.1: a token without a scope the route needs gets 403 `insufficient_scope`. */
    async checkScope(request: FastifyRequest): Promise<void> {
      const required = request.routeOptions.config.scopes;
      if (required === undefined) return;
      const granted = new Set(grantOf(request).scopes);
      if (!required.every((scope) => granted.has(scope))) throw insufficientScope(required);
    },

    actorOf(request: FastifyRequest): Actor {
      const grant = grantOf(request);
      return { userId: grant.userId, teamId: grant.teamId, appId: grant.appId };
    },
  };
}
