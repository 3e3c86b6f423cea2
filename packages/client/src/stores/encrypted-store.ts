import { base64url, fromBase64url } from '../encoding.js';
import type { LockLease, PendingAuthorization, TokenSet, TokenStore } from '../token-store.js';

/** Options of {@link EncryptedTokenStore}. */
export interface EncryptedTokenStoreOptions {
  /** The store that keeps the encrypted values. */
  store: TokenStore;
  /**
   * 256-bit AES keys, newest first: 32 bytes, or 64 hex characters, or 43 base64url characters.
   * New values are encrypted with the first; older keys still decrypt, so keys can be rotated.
   */
  keys: readonly (string | Uint8Array)[];
}

const PREFIX = 'gbenc1.';

function keyBytes(key: string | Uint8Array): Uint8Array<ArrayBuffer> {
  if (typeof key !== 'string') return new Uint8Array(key);
  if (/^[0-9a-fA-F]{64}$/.test(key)) return new Uint8Array(key.match(/../g)?.map((h) => Number.parseInt(h, 16)) ?? []);
  return fromBase64url(key);
}

/**
 * Wraps any {@link TokenStore} so that access tokens, refresh tokens and PKCE verifiers are stored
 * encrypted with AES-256-GCM (Web Crypto), bound to the user key or `state` they belong to: a
 * leaked database, file or Redis dump reveals no usable token, and a value copied to another
 * user's entry does not decrypt. Entries that no key decrypts read as absent (the user reconnects).
 */
export class EncryptedTokenStore implements TokenStore {
  readonly #inner: TokenStore;
  readonly #keys: Promise<CryptoKey[]>;

  /** Wraps `options.store`; throws `TypeError` when a key is not 256 bits. */
  constructor(options: EncryptedTokenStoreOptions) {
    if (options.keys.length === 0) throw new TypeError('EncryptedTokenStore needs at least one key');
    const raw = options.keys.map(keyBytes);
    if (raw.some((bytes) => bytes.length !== 32)) throw new TypeError('EncryptedTokenStore keys must be 256 bits');
    this.#inner = options.store;
    this.#keys = Promise.all(
      raw.map((bytes) => crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt'])),
    );
    this.#keys.catch(() => undefined);
  }

  async #seal(plain: string, context: string): Promise<string> {
    const [key] = await this.#keys;
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(context) },
      key as CryptoKey,
      new TextEncoder().encode(plain),
    );
    return `${PREFIX}${base64url(iv)}.${base64url(new Uint8Array(sealed))}`;
  }

  async #open(sealed: string, context: string): Promise<string | undefined> {
    const [iv, body] = sealed.startsWith(PREFIX) ? sealed.slice(PREFIX.length).split('.') : [];
    if (iv === undefined || body === undefined) return undefined;
    for (const key of await this.#keys) {
      try {
        const plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: fromBase64url(iv), additionalData: new TextEncoder().encode(context) },
          key,
          fromBase64url(body),
        );
        return new TextDecoder().decode(plain);
      } catch {
        // Not this key (or tampered): try the next one.
      }
    }
    return undefined;
  }

  /** {@inheritDoc TokenStore.getTokens} */
  async getTokens(userKey: string): Promise<TokenSet | undefined> {
    const stored = await this.#inner.getTokens(userKey);
    if (!stored) return undefined;
    const accessToken = await this.#open(stored.accessToken, `access:${userKey}`);
    if (accessToken === undefined) return undefined;
    const tokens: TokenSet = { ...stored, accessToken };
    if (stored.refreshToken !== undefined) {
      const refreshToken = await this.#open(stored.refreshToken, `refresh:${userKey}`);
      if (refreshToken === undefined) return undefined;
      tokens.refreshToken = refreshToken;
    }
    return tokens;
  }

  /** {@inheritDoc TokenStore.setTokens} */
  async setTokens(userKey: string, tokens: TokenSet): Promise<void> {
    const sealed: TokenSet = { ...tokens, accessToken: await this.#seal(tokens.accessToken, `access:${userKey}`) };
    if (tokens.refreshToken !== undefined) {
      sealed.refreshToken = await this.#seal(tokens.refreshToken, `refresh:${userKey}`);
    }
    await this.#inner.setTokens(userKey, sealed);
  }

  /** {@inheritDoc TokenStore.deleteTokens} */
  deleteTokens(userKey: string): Promise<void> {
    return this.#inner.deleteTokens(userKey);
  }

  /** {@inheritDoc TokenStore.putPendingAuthorization} */
  async putPendingAuthorization(state: string, pending: PendingAuthorization): Promise<void> {
    const codeVerifier = await this.#seal(pending.codeVerifier, `verifier:${state}`);
    await this.#inner.putPendingAuthorization(state, { ...pending, codeVerifier });
  }

  /** {@inheritDoc TokenStore.takePendingAuthorization} */
  async takePendingAuthorization(state: string): Promise<PendingAuthorization | undefined> {
    const stored = await this.#inner.takePendingAuthorization(state);
    if (!stored) return undefined;
    const codeVerifier = await this.#open(stored.codeVerifier, `verifier:${state}`);
    return codeVerifier === undefined ? undefined : { ...stored, codeVerifier };
  }

  /** {@inheritDoc TokenStore.tryAcquireLock} */
  tryAcquireLock(name: string, ttlMs: number): Promise<LockLease | undefined> {
    return this.#inner.tryAcquireLock(name, ttlMs);
  }

  /** {@inheritDoc TokenStore.releaseLock} */
  releaseLock(lease: LockLease): Promise<void> {
    return this.#inner.releaseLock(lease);
  }
}
