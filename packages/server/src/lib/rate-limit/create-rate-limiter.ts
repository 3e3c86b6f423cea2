import type { Config } from '../../config/config.js';
import type { Clock } from '../clock.js';
import { memoryRateLimiter } from './memory-rate-limiter.js';
import type { RateLimiter } from './rate-limiter.js';
import { redisRateLimiter } from './redis-rate-limiter.js';

export type { RateLimitDecision, RateLimiter, RateLimitPolicy } from './rate-limiter.js';

/** Redis when `REDIS_URL` is set (shared by every process), otherwise this process's memory. */
export function createRateLimiter(config: Config, clock: Clock, onError: (error: unknown) => void): RateLimiter {
  if (config.redisUrl === undefined) return memoryRateLimiter(clock);
  return redisRateLimiter({ url: config.redisUrl, keyPrefix: config.rateLimitKeyPrefix, clock, onError });
}
