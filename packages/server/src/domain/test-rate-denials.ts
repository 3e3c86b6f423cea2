import type { RateLimitDecision, RateLimiter, RateLimitPolicy } from '../lib/rate-limit/rate-limiter.js';
import type { TestControlsService } from './test-controls-service.js';

/**
 * The rate limiter with the test controls' deny entries in front (ARCHITECTURE.md decision 18):
 * a REST API or Web SDK budget key (`api:<app>:<user>`) with a live entry is refused until the
 * entry ends, so `Retry-After` counts down to it. Used only when the controls are on.
 */
export function withTestDenials(limiter: RateLimiter, controls: TestControlsService): RateLimiter {
  return {
    async consume(key: string, cost: number, policy: RateLimitPolicy): Promise<RateLimitDecision> {
      const match = /^api:(\d+):(\d+)$/.exec(key);
      if (match) {
        const until = await controls.rateDeniedUntil(match[1]!, match[2]!);
        if (until !== undefined) return { allowed: false, limit: policy.limit, remaining: 0, resetAt: until };
      }
      return limiter.consume(key, cost, policy);
    },
    close: () => limiter.close(),
  };
}
