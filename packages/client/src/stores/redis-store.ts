import type { Cluster, Redis } from 'ioredis';
import { randomToken } from '../encoding.js';
import type { LockLease, PendingAuthorization, TokenSet, TokenStore } from '../token-store.js';
import { decodePending, decodeTokenSet, encode } from './codec.js';

/** Options of {@link RedisTokenStore}. */
export interface RedisTokenStoreOptions {
  /** An ioredis client (or cluster). The store never closes it. */
  redis: Redis | Cluster;
  /** Prefix of every key the store writes. Default `grantboard:client:`. */
  keyPrefix?: string;
}

// Compare-and-delete: only the holder that set the lock may remove it (the Redis SET docs' pattern).
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
// GET then DEL in one script: two callers can never both take the same pending request. (GETDEL
// does the same from Redis 6.2 on; the script also works on older servers.)
const TAKE = `local v = redis.call('GET', KEYS[1]); if v then redis.call('DEL', KEYS[1]) end; return v`;

/**
 * A {@link TokenStore} in Redis, for apps with several processes or hosts. Refresh locks are
 * `SET key owner NX PX ttl` and are released with a compare-and-delete script; pending requests
 * carry a Redis expiry. Import from `@grantboard/client/redis`; `ioredis` is a peer dependency.
 */
export class RedisTokenStore implements TokenStore {
  readonly #redis: Redis | Cluster;
  readonly #prefix: string;

  /** Creates a store over an existing ioredis connection. */
  constructor(options: RedisTokenStoreOptions) {
    this.#redis = options.redis;
    this.#prefix = options.keyPrefix ?? 'grantboard:client:';
  }

  // User keys and states are percent-encoded, so no id can reach into another kind's key space.
  #key(kind: 'token' | 'state' | 'lock', id: string): string {
    return `${this.#prefix}${kind}:${encodeURIComponent(id)}`;
  }

  /** {@inheritDoc TokenStore.getTokens} */
  async getTokens(userKey: string): Promise<TokenSet | undefined> {
    const text = await this.#redis.get(this.#key('token', userKey));
    return text === null ? undefined : decodeTokenSet(text);
  }

  /** {@inheritDoc TokenStore.setTokens} */
  async setTokens(userKey: string, tokens: TokenSet): Promise<void> {
    await this.#redis.set(this.#key('token', userKey), encode(tokens));
  }

  /** {@inheritDoc TokenStore.deleteTokens} */
  async deleteTokens(userKey: string): Promise<void> {
    await this.#redis.del(this.#key('token', userKey));
  }

  /** {@inheritDoc TokenStore.putPendingAuthorization} */
  async putPendingAuthorization(state: string, pending: PendingAuthorization): Promise<void> {
    const ttl = Math.max(1, Math.ceil(pending.expiresAt - Date.now()));
    await this.#redis.set(this.#key('state', state), encode(pending), 'PX', ttl);
  }

  /** {@inheritDoc TokenStore.takePendingAuthorization} */
  async takePendingAuthorization(state: string): Promise<PendingAuthorization | undefined> {
    const text = (await this.#redis.eval(TAKE, 1, this.#key('state', state))) as string | null;
    const pending = text === null ? undefined : decodePending(text);
    return pending && pending.expiresAt > Date.now() ? pending : undefined;
  }

  /** {@inheritDoc TokenStore.tryAcquireLock} */
  async tryAcquireLock(name: string, ttlMs: number): Promise<LockLease | undefined> {
    const owner = randomToken(16);
    const reply = await this.#redis.set(this.#key('lock', name), owner, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
    return reply === 'OK' ? { name, owner } : undefined;
  }

  /** {@inheritDoc TokenStore.releaseLock} */
  async releaseLock(lease: LockLease): Promise<void> {
    await this.#redis.eval(RELEASE, 1, this.#key('lock', lease.name), lease.owner);
  }
}
