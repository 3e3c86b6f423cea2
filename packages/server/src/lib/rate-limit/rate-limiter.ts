/** A budget: `limit` credits per fixed window of `windowMs`. */
export interface RateLimitPolicy {
  limit: number;
  windowMs: number;
}

export interface RateLimitDecision {
  /** Whether the credits were spent; a refused request spends nothing. */
  allowed: boolean;
  limit: number;
  /** Credits left in this window after the decision. */
  remaining: number;
  /** When the window ends, in milliseconds since the epoch. */
  resetAt: number;
}

/**
 * Credits spent per key in fixed windows. The REST API keys by user and app (ARCHITECTURE.md
 * decision 13); the token endpoint and sign-in can key by client or account with their own policy.
 */
export interface RateLimiter {
  /** Spends `cost` credits of the key's budget in the current window, if that many are left. */
  consume(key: string, cost: number, policy: RateLimitPolicy): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

/** The fixed window `now` falls in: windows start at multiples of their length since the epoch. */
export function windowOf(now: number, windowMs: number): { start: number; resetAt: number } {
  const start = Math.floor(now / windowMs) * windowMs;
  return { start, resetAt: start + windowMs };
}
