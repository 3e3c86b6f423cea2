import type { TokenContext } from '@grantboard/protocol';
import { readApiError } from './api-error.js';
import { readCallback } from './callback.js';
import type {
  ApiRequestInit,
  AuthorizationRequest,
  AuthorizationRequestOptions,
  CallbackResult,
  GrantboardClientOptions,
} from './client-types.js';
import { randomToken } from './encoding.js';
import { CLIENT_PATHS, endpoint, MIRO_API_BASE_URL, MIRO_AUTH_BASE_URL, normalizeBaseUrl } from './endpoints.js';
import { InvalidResponse, ReauthorizationRequired, StateMismatch, TokenRequestFailed } from './errors.js';
import { createPkcePair } from './pkce.js';
import { type QueryParams, UserApi } from './rest-api.js';
import { requestGrant, type TokenEndpointConfig } from './token-endpoint.js';
import { TokenManager } from './token-manager.js';
import type { Clock, PendingAuthorization, TokenSet, TokenStore } from './token-store.js';

export type {
  ApiRequestInit,
  AuthorizationRequest,
  AuthorizationRequestOptions,
  CallbackResult,
  GrantboardClientOptions,
} from './client-types.js';

/**
 * The OAuth 2.0 client for a Grantboard or Miro app: starts authorization requests (state + PKCE),
 * handles the callback, stores tokens, hands out valid access tokens with single-flight refresh
 * across processes, and calls the REST API.
 */
export class GrantboardClient {
  /** The app's client id. */
  readonly clientId: string;
  /** The redirect URI the client sends. */
  readonly redirectUri: string;
  /** The authorization pages' base URL, normalised. */
  readonly authBaseUrl: string;
  /** The API's base URL, normalised. */
  readonly apiBaseUrl: string;
  /** The issuer expected in `iss`. */
  readonly issuer: string;

  readonly #clientSecret: string | undefined;
  readonly #store: TokenStore;
  readonly #fetch: typeof fetch;
  readonly #clock: Clock;
  readonly #requireIssuer: boolean;
  readonly #pkce: boolean;
  readonly #authorizationTtlMs: number;
  readonly #timeoutMs: number;
  readonly #tokenEndpoint: TokenEndpointConfig;
  readonly #tokens: TokenManager;

  /** Creates a client. Throws `TypeError` on invalid options. */
  constructor(options: GrantboardClientOptions) {
    if (!options.clientId) throw new TypeError('clientId is required');
    if (options.clientSecret === '')
      throw new TypeError('clientSecret must not be empty; leave it out for a public app');
    const insecure = options.allowInsecureHttp ?? false;
    this.clientId = options.clientId;
    // Kept exactly as given: the server compares it with the registered one character by character.
    if (!URL.canParse(options.redirectUri))
      throw new TypeError(`redirectUri is not an absolute URL: ${options.redirectUri}`);
    this.redirectUri = options.redirectUri;
    this.authBaseUrl = normalizeBaseUrl('authBaseUrl', options.authBaseUrl ?? MIRO_AUTH_BASE_URL, insecure);
    this.apiBaseUrl = normalizeBaseUrl('apiBaseUrl', options.apiBaseUrl ?? MIRO_API_BASE_URL, insecure);
    this.issuer = options.issuer ?? this.authBaseUrl;
    this.#clientSecret = options.clientSecret;
    this.#store = options.store;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#clock = options.clock ?? Date;
    this.#requireIssuer = options.requireIssuer ?? false;
    this.#pkce = options.pkce ?? true;
    this.#authorizationTtlMs = (options.authorizationTtlSeconds ?? 600) * 1000;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    const lockTtlMs = options.lockTtlMs ?? 30_000;
    if (lockTtlMs <= this.#timeoutMs) {
      // A lock that can expire while its holder still waits for the token endpoint lets a second
      // process refresh with the same refresh token.
      throw new TypeError(`lockTtlMs (${lockTtlMs}) must be longer than timeoutMs (${this.#timeoutMs})`);
    }
    this.#tokenEndpoint = {
      url: endpoint(this.apiBaseUrl, CLIENT_PATHS.token),
      clientId: this.clientId,
      clientSecret: this.#clientSecret,
      fetch: this.#fetch,
      timeoutMs: this.#timeoutMs,
    };
    this.#tokens = new TokenManager({
      store: this.#store,
      clock: this.#clock,
      tokenEndpoint: this.#tokenEndpoint,
      refreshSkewMs: (options.refreshSkewSeconds ?? 60) * 1000,
      lockTtlMs,
      lockWaitMs: options.lockWaitMs ?? 45_000,
      unavailableRetries: options.unavailableRetries ?? 2,
      maxRetryAfterMs: (options.maxRetryAfterSeconds ?? 5) * 1000,
    });
  }

  /**
   * Starts an authorization request: makes a random `state` and a PKCE pair, stores them as pending
   * (so any process sharing the store can take the callback), and returns the URL to send the user to.
   */
  async createAuthorizationRequest(options: AuthorizationRequestOptions = {}): Promise<AuthorizationRequest> {
    const state = randomToken(32);
    const pkce = await createPkcePair();
    const now = this.#clock.now();
    const pending: PendingAuthorization = {
      codeVerifier: pkce.codeVerifier,
      redirectUri: this.redirectUri,
      createdAt: now,
      expiresAt: now + this.#authorizationTtlMs,
    };
    if (options.userKey !== undefined) pending.userKey = options.userKey;
    await this.#store.putPendingAuthorization(state, pending);

    const url = new URL(endpoint(this.authBaseUrl, CLIENT_PATHS.authorize));
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.clientId);
    url.searchParams.set('redirect_uri', this.redirectUri);
    url.searchParams.set('state', state);
    if (this.#pkce) {
      url.searchParams.set('code_challenge', pkce.codeChallenge);
      url.searchParams.set('code_challenge_method', pkce.codeChallengeMethod);
    }
    if (options.teamId !== undefined) url.searchParams.set('team_id', options.teamId);
    if (options.scopes !== undefined && options.scopes.length > 0)
      url.searchParams.set('scope', options.scopes.join(' '));
    return { url: url.href, state, codeVerifier: pkce.codeVerifier, expiresAt: pending.expiresAt };
  }

  /**
   * Handles the redirect back from the authorization server: checks `state` (single use) and `iss`,
   * raises the server's error, exchanges the code and stores the tokens under the user key.
   *
   * @param callbackUrl - the full callback URL, or just its path and query (e.g. Express's `req.originalUrl`).
   * @param userKey - the app's key for the user. Optional when the request was started with one;
   *   if both are given they must be equal.
   * @throws {@link StateMismatch}, {@link IssuerMismatch}, {@link InvalidCallback},
   *   {@link AuthorizationDenied}, {@link AuthorizationFailed}, {@link TokenRequestFailed}, {@link InvalidResponse}
   */
  async handleCallback(callbackUrl: string | URL, userKey?: string): Promise<CallbackResult> {
    const callback = readCallback(callbackUrl);
    if (callback.state === undefined) throw new StateMismatch("the callback has no 'state' parameter");
    const pending = await this.#store.takePendingAuthorization(callback.state);
    if (!pending || pending.expiresAt <= this.#clock.now()) {
      throw new StateMismatch('the callback state is unknown, expired or already used');
    }
    const boundUserKey = userKey ?? pending.userKey;
    if (boundUserKey === undefined) {
      throw new TypeError('handleCallback needs a userKey when the authorization request was not bound to one');
    }
    if (pending.userKey !== undefined && pending.userKey !== boundUserKey) {
      throw new StateMismatch('the callback state was issued for another user');
    }
    const code = callback.verify({
      issuer: this.issuer,
      requireIssuer: this.#requireIssuer,
      clientId: this.clientId,
    });

    const params: Record<string, string> = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: pending.redirectUri,
    };
    if (this.#pkce) params.code_verifier = pending.codeVerifier;
    const result = await requestGrant(this.#tokenEndpoint, params, this.#clock.now());
    if (!result.ok) throw new TokenRequestFailed('the code exchange was refused', result.status, result.error);
    await this.#store.setTokens(boundUserKey, result.tokens);
    return { userKey: boundUserKey, tokens: result.tokens };
  }

  /**
   * A valid access token for the user, refreshed first when it expires within the skew. At most one
   * refresh per user runs at a time across every process sharing the store.
   * @throws {@link ReauthorizationRequired} when there are no tokens or the grant is gone.
   */
  async getAccessToken(userKey: string): Promise<string> {
    return (await this.#tokens.current(userKey)).accessToken;
  }

  /** Like {@link GrantboardClient.getAccessToken}, but returns the whole token set (expiry, scope, ids). */
  async getTokenSet(userKey: string): Promise<TokenSet> {
    return this.#tokens.current(userKey);
  }

  /** The stored token set as it is, without refreshing, or `undefined`. */
  async peekTokenSet(userKey: string): Promise<TokenSet | undefined> {
    return this.#store.getTokens(userKey);
  }

  /**
   * Calls the API at `path` (relative to `apiBaseUrl`) with the user's bearer token. After a 401 it
   * refreshes once and retries once; a second 401 deletes the tokens and raises
   * {@link ReauthorizationRequired}. Other statuses are returned as they are.
   */
  async fetchApi(userKey: string, path: string, init: ApiRequestInit = {}): Promise<Response> {
    if (!path.startsWith('/') || path.startsWith('//')) {
      // The bearer token must never go to another origin.
      throw new TypeError(`fetchApi takes a path starting with '/', got '${path}'`);
    }
    const url = endpoint(this.apiBaseUrl, path);
    const tokens = await this.#tokens.current(userKey);
    const first = await this.#send(url, init, tokens.accessToken);
    if (first.status !== 401) return first;
    await first.body?.cancel();
    const refreshed = await this.#tokens.refresh(userKey, tokens);
    const second = await this.#send(url, init, refreshed.accessToken);
    if (second.status !== 401) return second;
    await second.body?.cancel();
    return this.#tokens.drop(userKey, refreshed, 'unauthorized');
  }

  /**
   * A JSON call through {@link GrantboardClient.fetchApi}: serialises `body`, parses the response,
   * returns `undefined` for 204, and raises {@link ApiError} for an error status.
   */
  async requestJson(
    userKey: string,
    method: string,
    path: string,
    options: { query?: QueryParams; body?: unknown } = {},
  ): Promise<unknown> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) search.set(name, String(value));
    }
    const query = search.size > 0 ? `?${search}` : '';
    const init: ApiRequestInit = { method, headers: { accept: 'application/json' } };
    if (options.body !== undefined) {
      init.headers = { accept: 'application/json', 'content-type': 'application/json' };
      init.body = JSON.stringify(options.body);
    }
    const response = await this.fetchApi(userKey, `${path}${query}`, init);
    if (!response.ok) throw await readApiError(response);
    if (response.status === 204) return undefined;
    const text = await response.text();
    if (text === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new InvalidResponse(`the API answered HTTP ${response.status} with a body that is not JSON`);
    }
  }

  /** Typed REST calls (boards, sticky notes, items, token context) on behalf of `userKey`. */
  as(userKey: string): UserApi {
    return new UserApi((method, path, options) => this.requestJson(userKey, method, path, options));
  }

  /** `GET /v1/oauth-token`: the user's token context (user, team, organization, scopes). */
  async tokenContext(userKey: string): Promise<TokenContext> {
    return this.as(userKey).tokenContext();
  }

  /**
   * Revokes the user's grant and deletes the stored tokens. A confidential app uses Miro's
   * `POST /v2/oauth/revoke` (JSON with the client secret); a public app, which has no secret for it,
   * uses RFC 7009's `POST /oauth/revoke`. Revoking the access token revokes its refresh token too.
   * An access token that has already expired is refreshed first, so the refresh token does not
   * outlive the disconnect. Nothing stored is not an error.
   */
  async revoke(userKey: string): Promise<void> {
    let tokens: TokenSet;
    try {
      tokens = await this.#tokens.current(userKey);
    } catch (error) {
      if (error instanceof ReauthorizationRequired) return; // Already gone, and the store is clean.
      throw error;
    }
    const response =
      this.#clientSecret === undefined
        ? await this.#post(CLIENT_PATHS.revokeRfc7009, 'application/x-www-form-urlencoded', {
            token: tokens.accessToken,
            token_type_hint: 'access_token',
            client_id: this.clientId,
          })
        : await this.#post(CLIENT_PATHS.revokeV2, 'application/json', {
            accessToken: tokens.accessToken,
            clientId: this.clientId,
            clientSecret: this.#clientSecret,
          });
    // 404 "Failed to revoke token": the token is not valid any more, which is the goal.
    if (!response.ok && response.status !== 404) throw await readApiError(response);
    await response.body?.cancel();
    await this.#store.deleteTokens(userKey);
  }

  #post(path: string, type: 'application/json' | 'application/x-www-form-urlencoded', fields: Record<string, string>) {
    return this.#fetch(endpoint(this.apiBaseUrl, path), {
      method: 'POST',
      headers: { 'content-type': type, accept: 'application/json' },
      body: type === 'application/json' ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
      redirect: 'error',
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
  }

  #send(url: string, init: ApiRequestInit, accessToken: string): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${accessToken}`);
    return this.#fetch(url, {
      ...init,
      headers,
      // Following a redirect could carry the Authorization header to another origin.
      redirect: init.redirect ?? 'manual',
      signal: init.signal ?? AbortSignal.timeout(this.#timeoutMs),
    });
  }
}
