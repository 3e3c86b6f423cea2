import { ReauthorizationRequired, RefreshLockTimeout, TokenRequestFailed } from './errors.js';
import { type GrantResult, requestGrant, type TokenEndpointConfig } from './token-endpoint.js';
import type { Clock, TokenSet, TokenStore } from './token-store.js';

/** Settings of the refresh machinery, resolved from the client's options. */
export interface TokenManagerConfig {
  store: TokenStore;
  clock: Clock;
  tokenEndpoint: TokenEndpointConfig;
  refreshSkewMs: number;
  lockTtlMs: number;
  lockWaitMs: number;
  /** Further attempts of a refresh the server answered 503 (`temporarily_unavailable`). */
  unavailableRetries: number;
  /** The longest `Retry-After` waited for before such a retry, in milliseconds. */
  maxRetryAfterMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The name of the per-user refresh lock in the store. */
export function refreshLockName(userKey: string): string {
  return `refresh:${userKey}`;
}

/**
 * Hands out valid access tokens and refreshes them single-flight: one refresh per user at a time in
 * this process (a shared promise) and across processes (a lock in the store). Rotating refresh
 * tokens die on first use, so two refreshes with the same one would log the user out.
 */
export class TokenManager {
  readonly #config: TokenManagerConfig;
  readonly #inflight = new Map<string, Promise<TokenSet>>();

  constructor(config: TokenManagerConfig) {
    this.#config = config;
  }

  /**
   * Whether the access token is expired or about to be: within the skew, or within the last half of
   * its life for tokens shorter-lived than twice the skew (else every fresh token would look stale
   * and each call would refresh).
   */
  needsRefresh(tokens: TokenSet): boolean {
    if (tokens.expiresAt === undefined) return false;
    const skew = Math.min(this.#config.refreshSkewMs, Math.max(0, tokens.expiresAt - tokens.obtainedAt) / 2);
    return this.#config.clock.now() >= tokens.expiresAt - skew;
  }

  /**
   * The stored token set, refreshed first when it is about to expire. If that early refresh fails
   * for a passing reason (network, server error, lock timeout) while the access token has not
   * actually expired, the current token is still good and is returned; the next call tries again.
   */
  async current(userKey: string): Promise<TokenSet> {
    const tokens = await this.#config.store.getTokens(userKey);
    if (!tokens) throw new ReauthorizationRequired(userKey, 'no_tokens');
    if (!this.needsRefresh(tokens)) return tokens;
    try {
      return await this.refresh(userKey, tokens);
    } catch (error) {
      const transient = error instanceof TokenRequestFailed || error instanceof RefreshLockTimeout;
      if (transient && tokens.expiresAt !== undefined && this.#config.clock.now() < tokens.expiresAt) return tokens;
      throw error;
    }
  }

  /**
   * Returns a token set newer than `seen`: the one another caller or process stored meanwhile, or
   * the result of a refresh this call makes. Concurrent calls for one user in this process share
   * one attempt.
   */
  refresh(userKey: string, seen: TokenSet): Promise<TokenSet> {
    const running = this.#inflight.get(userKey);
    if (running) return running;
    const attempt = this.#refreshAcrossProcesses(userKey, seen).finally(() => this.#inflight.delete(userKey));
    this.#inflight.set(userKey, attempt);
    return attempt;
  }

  /**
   * Deletes the stored tokens if they are still the ones that failed (another process may have
   * stored a good set since), then raises {@link ReauthorizationRequired}.
   */
  async drop(userKey: string, failed: TokenSet, reason: 'unauthorized' | 'expired'): Promise<never> {
    const { store } = this.#config;
    const lease = await store.tryAcquireLock(refreshLockName(userKey), this.#config.lockTtlMs);
    try {
      const stored = await store.getTokens(userKey);
      if (stored && stored.accessToken !== failed.accessToken && !this.needsRefresh(stored)) {
        // Someone stored a different set meanwhile; it is not ours to delete. Still, this call failed.
        throw new ReauthorizationRequired(userKey, reason);
      }
      await store.deleteTokens(userKey);
    } finally {
      if (lease) await store.releaseLock(lease);
    }
    throw new ReauthorizationRequired(userKey, reason);
  }

  /** Whether `candidate` can be used instead of refreshing `seen`. */
  #supersedes(candidate: TokenSet, seen: TokenSet): boolean {
    return candidate.accessToken !== seen.accessToken && !this.needsRefresh(candidate);
  }

  async #refreshAcrossProcesses(userKey: string, seen: TokenSet): Promise<TokenSet> {
    const { store, clock, lockTtlMs, lockWaitMs } = this.#config;
    const deadline = Date.now() + lockWaitMs;
    for (let attempt = 0; ; attempt++) {
      const lease = await store.tryAcquireLock(refreshLockName(userKey), lockTtlMs);
      if (lease) {
        try {
          // Read again under the lock: another process may have refreshed while we waited, and
          // refreshing with the refresh token it already used would revoke the whole grant.
          const latest = await store.getTokens(userKey);
          if (!latest) throw new ReauthorizationRequired(userKey, 'no_tokens');
          if (this.#supersedes(latest, seen)) return latest;
          return await this.#refreshNow(userKey, latest, clock.now());
        } finally {
          await store.releaseLock(lease).catch(() => undefined);
        }
      }
      const latest = await store.getTokens(userKey);
      if (!latest) throw new ReauthorizationRequired(userKey, 'no_tokens');
      if (this.#supersedes(latest, seen)) return latest;
      if (Date.now() >= deadline) {
        throw new RefreshLockTimeout(`another process held the refresh lock for more than ${lockWaitMs} ms`);
      }
      // Exponential backoff with jitter, 10 ms up to 250 ms, so waiters do not poll in lockstep.
      await sleep(Math.min(250, 10 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random()));
    }
  }

  /**
   * Sends the grant, and again after a 503 (RFC 6749 §5.2's `temporarily_unavailable`, which
   * Grantboard and load balancers answer while overloaded), at most `unavailableRetries` more times,
   * each after the server's `Retry-After` (1 s when absent). A retry is made only when the wait is
   * at most `maxRetryAfterMs` and the attempt can end before the refresh lock could expire, so no
   * other process can take the lock and refresh with the same refresh token meanwhile.
   */
  async #grantRetryingUnavailable(send: () => Promise<GrantResult>): Promise<GrantResult> {
    const { unavailableRetries, maxRetryAfterMs, lockTtlMs, tokenEndpoint } = this.#config;
    const started = Date.now();
    for (let retry = 0; ; retry++) {
      try {
        return await send();
      } catch (error) {
        if (!(error instanceof TokenRequestFailed) || error.status !== 503 || retry >= unavailableRetries) throw error;
        const waitMs = (error.retryAfter ?? 1) * 1000;
        const endsBy = Date.now() - started + waitMs + tokenEndpoint.timeoutMs;
        if (waitMs > maxRetryAfterMs || endsBy >= lockTtlMs) throw error;
        await sleep(waitMs);
      }
    }
  }

  /** Refreshes with the stored refresh token; the caller holds the lock. */
  async #refreshNow(userKey: string, tokens: TokenSet, requestedAt: number): Promise<TokenSet> {
    const { store, tokenEndpoint } = this.#config;
    if (tokens.refreshToken === undefined) {
      await store.deleteTokens(userKey);
      throw new ReauthorizationRequired(userKey, tokens.expiresAt === undefined ? 'unauthorized' : 'expired');
    }
    const result = await this.#grantRetryingUnavailable(() =>
      requestGrant(
        tokenEndpoint,
        { grant_type: 'refresh_token', refresh_token: tokens.refreshToken! },
        requestedAt,
        tokens,
      ),
    );
    if (!result.ok) {
      // RFC 6749 §5.2: invalid_grant = the refresh token is invalid, expired, revoked or was issued
      // to another client. Nothing but a new authorization helps, so the dead tokens go.
      if (result.error.error === 'invalid_grant') {
        await store.deleteTokens(userKey);
        throw new ReauthorizationRequired(userKey, 'invalid_grant');
      }
      throw new TokenRequestFailed('the refresh was refused', result.status, result.error);
    }
    await store.setTokens(userKey, result.tokens);
    return result.tokens;
  }
}
