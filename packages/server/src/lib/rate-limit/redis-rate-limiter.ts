import { Redis } from 'ioredis';
import type { Clock } from '../clock.js';
import { type RateLimitDecision, type RateLimiter, type RateLimitPolicy, windowOf } from './rate-limiter.js';

/**
 * Check and spend in one atomic step, so that every server process shares one budget: the credits
 * are added only if they fit, and the counter expires shortly after its window ends.
 * KEYS[1] counter; ARGV cost, limit, ttl ms. Returns {allowed 0|1, used}.
 */
const CONSUME = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local cost = tonumber(ARGV[1])
if used + cost > tonumber(ARGV[2]) then return {0, used} end
used = redis.call('INCRBY', KEYS[1], cost)
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return {1, used}
`;

type ConsumeCommand = (key: string, cost: number, limit: number, ttlMs: number) => Promise<[number, number]>;

export interface RedisRateLimiterOptions {
  url: string;
  keyPrefix: string;
  clock: Clock;
  /** Called when Redis cannot answer; the request is then let through (the API stays up). */
  onError(error: unknown): void;
}

/**
 * Counters in Redis, shared by all server processes. Windows come from each process's clock, so
 * the servers' clocks should be synchronised (NTP), as they must be for token expiry anyway.
 */
export function redisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const redis = new Redis(options.url, {
    keyPrefix: options.keyPrefix,
    // A slow or absent Redis must not hold API requests: fail fast and let the request through.
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
  });
  // Connection errors surface on the commands; without a listener ioredis would log them loudly.
  redis.on('error', () => {});
  redis.defineCommand('grantboardConsume', { numberOfKeys: 1, lua: CONSUME });
  const consume = (redis as unknown as { grantboardConsume: ConsumeCommand }).grantboardConsume.bind(redis);

  return {
    async consume(key: string, cost: number, policy: RateLimitPolicy): Promise<RateLimitDecision> {
      const now = options.clock.now();
      const { start, resetAt } = windowOf(now, policy.windowMs);
      try {
        const [allowed, used] = await consume(`${key}:${start}`, cost, policy.limit, resetAt - now + 1000);
        return { allowed: allowed === 1, limit: policy.limit, remaining: Math.max(0, policy.limit - used), resetAt };
      } catch (error) {
        options.onError(error);
        return { allowed: true, limit: policy.limit, remaining: policy.limit, resetAt };
      }
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
