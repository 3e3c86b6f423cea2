import type { FastifyReply } from 'fastify';
import type { RateLimitDecision } from '../lib/rate-limit/rate-limiter.js';

/**
 * Responses that carry tokens, secrets or per-user data are never stored by caches (RFC 6749 §5.1,
 * RFC 7662 §4, RFC 9700 §4.16 for pages). `Pragma` is for HTTP/1.0 caches.
 */
export function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

/** How long a refused client should wait (RFC 9110 §10.2.3), in whole seconds, at least 1. */
export function retryAfter(reply: FastifyReply, seconds: number): FastifyReply {
  return reply.header('retry-after', String(Math.max(1, Math.ceil(seconds))));
}

/**
 * Miro's rate-limit headers on every budgeted response (ARCHITECTURE.md decision 13); when the budget
 * is spent, also `Retry-After`. Returns the seconds to wait, or undefined when the request may go on.
 */
export function rateLimitHeaders(reply: FastifyReply, decision: RateLimitDecision, now: number): number | undefined {
  reply.header('x-ratelimit-limit', decision.limit);
  reply.header('x-ratelimit-remaining', decision.remaining);
  reply.header('x-ratelimit-reset', Math.ceil(decision.resetAt / 1000));
  if (decision.allowed) return undefined;
  const seconds = Math.max(1, Math.ceil((decision.resetAt - now) / 1000));
  retryAfter(reply, seconds);
  return seconds;
}
