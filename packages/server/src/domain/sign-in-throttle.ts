import type { FailureLimit, Reservation } from '../storage/repositories/sign-in-failures.js';
import type { ServiceContext } from './service-context.js';

/**
 * Where failed sign-ins are counted. The database implementation is the default and is shared by
 * every server process; any store with these verbs (Redis, say) can take its place, if its
 * `reserve` is atomic: of attempts racing for one key, at most its limit may be reserved.
 */
export interface FailureStore {
  /** Records one failure for every key, all or none: only if each key is under its limit. */
  reserve(limits: FailureLimit[], at: number, since: number): Promise<Reservation>;
  /** Takes reserved failures back. */
  release(ids: string[]): Promise<void>;
  clear(key: string): Promise<void>;
  /** Forgets failures at or before `before`; a store whose entries expire by themselves needs none. */
  prune?(before: number): Promise<void>;
}

/** An attempt that may go on to the password check; its failure is already recorded. */
export interface SignInAttempt {
  /** The password was right: the attempt does not count, and the account's failures are forgotten. */
  succeeded(): Promise<void>;
  /** The password was never checked (the server was too busy, or failed): the attempt does not count. */
  abandoned(): Promise<void>;
}

export type ThrottleVerdict =
  | { blocked: false; attempt: SignInAttempt }
  | { blocked: true; by: 'account' | 'address'; retryAfterSeconds: number; message: string };

/**
 * Online-guessing defence for sign-in (RFC 6819 §5.1.4.2.3, ARCHITECTURE.md decision 13): too many
 * failures for one account, or from one client address, within the window refuse further attempts —
 * even with the right password — until the oldest failure leaves the window.
 *
 * Each attempt is counted as a failure before its password is checked, in one atomic step that
 * refuses it past either limit; a right password takes it back. So parallel guesses cannot slip
 * through between a check and a record: of a burst at one account, at most the limit are checked.
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
    /** Reserves an attempt for the account and the address, or says why and how long not. */
    async begin(email: string, address: string): Promise<ThrottleVerdict> {
      const now = clock.now();
      const limits = [
        { key: accountKey(email), limit: config.signInMaxFailuresPerAccount },
        { key: addressKey(address), limit: config.signInMaxFailuresPerAddress },
      ];
      const reservation = await store.reserve(limits, now, now - windowMs);
      if (reservation.reserved) {
        const { ids } = reservation;
        return {
          blocked: false,
          attempt: {
            async succeeded() {
              await store.release(ids);
              await store.clear(accountKey(email));
            },
            abandoned: () => store.release(ids),
          },
        };
      }
      const by = reservation.key === accountKey(email) ? 'account' : 'address';
      const retryAfterSeconds = Math.max(1, Math.ceil((reservation.first + windowMs - now) / 1000));
      const message =
        by === 'account'
          ? `Too many failed sign-in attempts for this account. For its safety, sign-in is paused: try again in ${minutes(retryAfterSeconds)}.`
          : `Too many failed sign-in attempts from your network address. Try again in ${minutes(retryAfterSeconds)}.`;
      return { blocked: true, by, retryAfterSeconds, message };
    },

    /** Failures that have left the window no longer count: the store may forget them. */
    async forgetExpired(): Promise<void> {
      await store.prune?.(clock.now() - windowMs);
    },
  };
}

export type SignInThrottle = ReturnType<typeof signInThrottle>;
