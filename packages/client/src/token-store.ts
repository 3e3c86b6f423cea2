/**
 * What the client keeps, and the small storage interface every store implements. A store holds
 * three things per app: token sets by user key, pending authorization requests by `state`, and
 * short-lived locks that make refresh single-flight across every process sharing the store.
 */

/** The tokens of one user, as stored. Times are milliseconds since the Unix epoch. */
export interface TokenSet {
  /** The bearer access token. Opaque. */
  accessToken: string;
  /** Always `bearer` (RFC 6750). */
  tokenType: 'bearer';
  /** The refresh token; absent for non-expiring tokens. */
  refreshToken?: string;
  /** When the access token expires; absent for non-expiring tokens. */
  expiresAt?: number;
  /** The granted scopes, space-separated, as the token endpoint returned them. */
  scope: string;
  /** The platform's id of the user who authorized the app. */
  userId: string;
  /** The platform's id of the team the app was installed in. */
  teamId: string;
  /** When this token set was obtained. */
  obtainedAt: number;
}

/** An authorization request that was started and whose callback has not arrived yet. */
export interface PendingAuthorization {
  /** The PKCE `code_verifier` (RFC 7636 §4.1), needed for the code exchange. */
  codeVerifier: string;
  /** The redirect URI sent in the request; the code exchange must repeat it (RFC 6749 §4.1.3). */
  redirectUri: string;
  /** The app's user key the request was started for, when it was bound to one. */
  userKey?: string;
  /** When the request was started. */
  createdAt: number;
  /** After this time the callback is refused. */
  expiresAt: number;
}

/** Proof of holding a lock; pass it back to {@link TokenStore.releaseLock}. */
export interface LockLease {
  /** The lock's name. */
  readonly name: string;
  /** A random value that identifies this holder, so only the holder can release the lock. */
  readonly owner: string;
}

/**
 * Storage behind the client. Implementations must make `takePendingAuthorization` single-use and
 * `tryAcquireLock` exclusive across every process that shares the store; both are what keep the
 * authorization flow and the refresh correct with many processes.
 */
export interface TokenStore {
  /** The token set stored for `userKey`, or `undefined`. */
  getTokens(userKey: string): Promise<TokenSet | undefined>;
  /** Stores (replaces) the token set for `userKey`. */
  setTokens(userKey: string, tokens: TokenSet): Promise<void>;
  /** Deletes the token set for `userKey`; deleting nothing is not an error. */
  deleteTokens(userKey: string): Promise<void>;
  /** Stores a pending authorization request under its `state` until `pending.expiresAt`. */
  putPendingAuthorization(state: string, pending: PendingAuthorization): Promise<void>;
  /**
   * Removes and returns the pending request stored under `state`. Returns `undefined` when there is
   * none or it has expired. Two concurrent calls with the same `state` never both get it.
   */
  takePendingAuthorization(state: string): Promise<PendingAuthorization | undefined>;
  /**
   * Tries once, without waiting, to take the lock `name` for `ttlMs` milliseconds. Returns a lease,
   * or `undefined` when someone else holds an unexpired lease. An expired lease may be taken over.
   */
  tryAcquireLock(name: string, ttlMs: number): Promise<LockLease | undefined>;
  /** Releases a lease if it is still the current holder; releasing an expired or lost lease is a no-op. */
  releaseLock(lease: LockLease): Promise<void>;
}

/** A source of the current time in milliseconds since the Unix epoch. `Date` itself is one. */
export interface Clock {
  /** The current time in milliseconds since the Unix epoch. */
  now(): number;
}
