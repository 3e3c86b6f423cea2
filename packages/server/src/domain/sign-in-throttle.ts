import type { ServiceContext } from './service-context.js';

/**
 * Where failed sign-ins are counted. The database implementation is the default and is shared by
 * every server process; any store with these three verbs (Redis, say) can take its place.
 */
export interface FailureStore {
  record(keys: string[], at: number): Promise<void>;
  since(keys: string[], since: number): Promise<Map<string, { count: number; first: number }>>;
  clear(key: string): Promise<void>;
  /** Forgets failures at or before `before`; a store whose entries expire by themselves needs none. */
  prune?(before: number): Promise<void>;
}

export type ThrottleVerdict =
  | { blocked: false }
  | { blocked: true; by: 'account' | 'address'; retryAfterSeconds: number; message: string };

/**
 * Online-guessing defence for sign-in (RFC 6819 §5.1.4.2.3, ARCHITECTURE.md decision 13): too many
 * failures for one account, or from one client address, within the window refuse further attempts —
 * even with the right password — until the oldest failure leaves the window.
 */
export function signInThrottle({ config, repos, clock }: ServiceContext, store: FailureStore = repos.signInFailures) {
  const windowMs = config.signInThrottleWindowSeconds * 1000;
  const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
  const addressKey = (address: string) => `address:${address}`;

  function minutes(seconds: number): string {
    const m = Math.max(1, Math.ceil(seconds / 60));
    return m === 1 ? '1 minute' : `${m} minutes`;
  }

  return {
    async check(email: string, address: string): Promise<ThrottleVerdict> {
      const now = clock.now();
      const keys = [accountKey(email), addressKey(address)];
      const counts = await store.since(keys, now - windowMs);
      const limits: ['account' | 'address', string, number][] = [
        ['account', accountKey(email), config.signInMaxFailuresPerAccount],
        ['address', addressKey(address), config.signInMaxFailuresPerAddress],
      ];
      for (const [by, key, limit] of limits) {
        const seen = counts.get(key);
        if (seen && seen.count >= limit) {
          const retryAfterSeconds = Math.max(1, Math.ceil((seen.first + windowMs - now) / 1000));
          const message =
            by === 'account'
              ? `Too many failed sign-in attempts for this account. For its safety, sign-in is paused: try again in ${minutes(retryAfterSeconds)}.`
              : `Too many failed sign-in attempts from your network address. Try again in ${minutes(retryAfterSeconds)}.`;
          return { blocked: true, by, retryAfterSeconds, message };
        }
      }
      return { blocked: false };
    },

    recordFailure(email: string, address: string): Promise<void> {
      return store.record([accountKey(email), addressKey(address)], clock.now());
    },

    /** A successful sign-in forgets the account's failures (the address keeps its count). */
    recordSuccess(email: string): Promise<void> {
      return store.clear(accountKey(email));
    },

    /** Failures that have left the window no longer count: the store may forget them. */
    async forgetExpired(): Promise<void> {
      await store.prune?.(clock.now() - windowMs);
    },
  };
}

export type SignInThrottle = ReturnType<typeof signInThrottle>;
