import type { Clock } from '../clock.js';
import { type RateLimitDecision, type RateLimiter, type RateLimitPolicy, windowOf } from './rate-limiter.js';

/** Past this many counters, ended windows are swept on the next call. */
const SWEEP_AT = 10_000;

/** Counters in this process only: the default without Redis, and right for a single process. */
export function memoryRateLimiter(clock: Clock): RateLimiter {
  const counters = new Map<string, { used: number; resetAt: number }>();

  function sweep(now: number): void {
    for (const [key, counter] of counters) if (counter.resetAt <= now) counters.delete(key);
  }

  return {
    async consume(key: string, cost: number, policy: RateLimitPolicy): Promise<RateLimitDecision> {
      const now = clock.now();
      const { start, resetAt } = windowOf(now, policy.windowMs);
      if (counters.size >= SWEEP_AT) sweep(now);
      const id = `${key}:${start}`;
      const counter = counters.get(id) ?? { used: 0, resetAt };
      const allowed = counter.used + cost <= policy.limit;
      if (allowed) counter.used += cost;
      counters.set(id, counter);
      return { allowed, limit: policy.limit, remaining: policy.limit - counter.used, resetAt };
    },
    async close() {
      counters.clear();
    },
  };
}
