import { randomToken } from '../encoding.js';
import type { Clock, LockLease, PendingAuthorization, TokenSet, TokenStore } from '../token-store.js';

/** Options of {@link MemoryTokenStore}. */
export interface MemoryTokenStoreOptions {
  /** Time source for lock and pending-request expiry; defaults to `Date`. */
  clock?: Clock;
}

/**
 * A {@link TokenStore} in this process's memory. Locks are an in-process mutex, so refresh is
 * single-flight within one process only: use it for tests, scripts and single-process apps.
 * Everything is lost when the process exits.
 */
export class MemoryTokenStore implements TokenStore {
  readonly #tokens = new Map<string, TokenSet>();
  readonly #pending = new Map<string, PendingAuthorization>();
  readonly #locks = new Map<string, { owner: string; expiresAt: number }>();
  readonly #clock: Clock;

  /** Creates an empty store. */
  constructor(options: MemoryTokenStoreOptions = {}) {
    this.#clock = options.clock ?? Date;
  }

  /** {@inheritDoc TokenStore.getTokens} */
  async getTokens(userKey: string): Promise<TokenSet | undefined> {
    const tokens = this.#tokens.get(userKey);
    // A copy, so a caller mutating the result does not change what is stored.
    return tokens ? structuredClone(tokens) : undefined;
  }

  /** {@inheritDoc TokenStore.setTokens} */
  async setTokens(userKey: string, tokens: TokenSet): Promise<void> {
    this.#tokens.set(userKey, structuredClone(tokens));
  }

  /** {@inheritDoc TokenStore.deleteTokens} */
  async deleteTokens(userKey: string): Promise<void> {
    this.#tokens.delete(userKey);
  }

  /** {@inheritDoc TokenStore.putPendingAuthorization} */
  async putPendingAuthorization(state: string, pending: PendingAuthorization): Promise<void> {
    // Callbacks that never arrive would otherwise accumulate for the life of the process.
    const now = this.#clock.now();
    for (const [key, value] of this.#pending) if (value.expiresAt <= now) this.#pending.delete(key);
    this.#pending.set(state, structuredClone(pending));
  }

  /** {@inheritDoc TokenStore.takePendingAuthorization} */
  async takePendingAuthorization(state: string): Promise<PendingAuthorization | undefined> {
    const pending = this.#pending.get(state);
    this.#pending.delete(state);
    if (!pending || pending.expiresAt <= this.#clock.now()) return undefined;
    return pending;
  }

  /** {@inheritDoc TokenStore.tryAcquireLock} */
  async tryAcquireLock(name: string, ttlMs: number): Promise<LockLease | undefined> {
    const now = this.#clock.now();
    const current = this.#locks.get(name);
    if (current && current.expiresAt > now) return undefined;
    const owner = randomToken(16);
    this.#locks.set(name, { owner, expiresAt: now + ttlMs });
    return { name, owner };
  }

  /** {@inheritDoc TokenStore.releaseLock} */
  async releaseLock(lease: LockLease): Promise<void> {
    if (this.#locks.get(lease.name)?.owner === lease.owner) this.#locks.delete(lease.name);
  }
}
