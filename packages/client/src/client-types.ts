import type { Scope } from '@grantboard/protocol';
import type { Clock, TokenSet, TokenStore } from './token-store.js';

// The option and result types of GrantboardClient, apart so the class file stays about behaviour.

/** Options of {@link GrantboardClient}. */
export interface GrantboardClientOptions {
  /** The app's client id. */
  clientId: string;
  /** The app's client secret; leave out for a public app (then PKCE is what protects the code). */
  clientSecret?: string;
  /** The redirect URI registered for the app; the callback arrives there. */
  redirectUri: string;
  /** Where tokens, pending requests and refresh locks live. Share one store between all processes of the app. */
  store: TokenStore;
  /** Origin of the authorization pages. Default `https://miro.com`; a Grantboard server's `PUBLIC_URL` otherwise. */
  authBaseUrl?: string;
  /** Origin of the token endpoint and REST API. Default `https://api.miro.com`; a Grantboard server's `PUBLIC_URL` otherwise. */
  apiBaseUrl?: string;
  /** The `iss` the callback must carry when it carries one (RFC 9207). Default: `authBaseUrl` without a trailing slash. */
  issuer?: string;
  /** Refuse callbacks without `iss`. Default `false`, because Miro does not send it; Grantboard does. */
  requireIssuer?: boolean;
  /** Send PKCE S256 with every authorization request. Default `true`. */
  pkce?: boolean;
  /** Allow plain `http` base URLs on non-loopback hosts. Default `false`. */
  allowInsecureHttp?: boolean;
  /** The `fetch` to use. Default: the global one. */
  fetch?: typeof fetch;
  /** Time source for token expiry. Default `Date`. */
  clock?: Clock;
  /** Refresh this many seconds before the access token expires (at most half its lifetime). Default 60. */
  refreshSkewSeconds?: number;
  /** How long a started authorization request stays valid, in seconds. Default 600. */
  authorizationTtlSeconds?: number;
  /** How long a refresh lock is held at most, in milliseconds. Default 30 000. */
  lockTtlMs?: number;
  /** How long to wait for another process's refresh before giving up, in milliseconds. Default 45 000. */
  lockWaitMs?: number;
  /** Timeout of each HTTP request, in milliseconds. Default 15 000. */
  timeoutMs?: number;
  /**
   * How many more times a refresh is sent after the token endpoint answers 503
   * (`temporarily_unavailable`), each after its `Retry-After`. Default 2; 0 turns retries off.
   */
  unavailableRetries?: number;
  /** A 503 asking to wait longer than this many seconds is not retried but raised. Default 5. */
  maxRetryAfterSeconds?: number;
}

/** Options of {@link GrantboardClient.createAuthorizationRequest}. */
export interface AuthorizationRequestOptions {
  /**
   * Binds the request to the app's user (or browser session): the callback is then only accepted
   * for this user key. Recommended: an unbound request's callback can be replayed into another
   * user's session (RFC 6749 §10.12, login CSRF).
   */
  userKey?: string;
  /** Pre-selects a team on the consent page (`team_id`). */
  teamId?: string;
  /** A subset of the app's scopes to ask for (`scope`); Grantboard honours it, Miro ignores it. */
  scopes?: readonly (Scope | (string & {}))[];
}

/** A started authorization request: send the user's browser to `url`. */
export interface AuthorizationRequest {
  /** The authorization URL to redirect the user to. */
  url: string;
  /** The random `state` the callback must carry back. Already stored; keep it only if you want to. */
  state: string;
  /** The PKCE verifier. Already stored with the pending request; returned for apps that keep their own. */
  codeVerifier: string;
  /** When the pending request expires (ms since the epoch). */
  expiresAt: number;
}

/** The outcome of {@link GrantboardClient.handleCallback}. */
export interface CallbackResult {
  /** The user key the tokens were stored under. */
  userKey: string;
  /** The stored token set. */
  tokens: TokenSet;
}

/** Options of {@link GrantboardClient.fetchApi}. */
export type ApiRequestInit = Omit<RequestInit, 'body'> & {
  /** The body. It may be sent twice (after a 401), so streams are not accepted. */
  body?: Exclude<BodyInit, ReadableStream> | null;
};
