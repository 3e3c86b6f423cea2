import type { TokenErrorBody, TokenResponse } from '@grantboard/protocol';
import { retryAfterSeconds } from './api-error.js';
import { InvalidResponse, type OAuthErrorDetails, TokenRequestFailed } from './errors.js';
import type { TokenSet } from './token-store.js';

/** How the client talks to the token endpoint; built once by the client from its options. */
export interface TokenEndpointConfig {
  url: string;
  clientId: string;
  clientSecret: string | undefined;
  fetch: typeof fetch;
  timeoutMs: number;
}

/** The parsed answer of the token endpoint: a status and, when the body was JSON, the value. */
interface TokenEndpointReply {
  status: number;
  body: unknown;
  /** Seconds from `Retry-After`, when the answer carried one. */
  retryAfter: number | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * POSTs a grant to the token endpoint as an `application/x-www-form-urlencoded` body (RFC 6749
 * §4.1.3, §6), authenticating with `client_id`/`client_secret` parameters (client_secret_post),
 * which both Miro and Grantboard accept.
 */
async function post(config: TokenEndpointConfig, params: Record<string, string>): Promise<TokenEndpointReply> {
  const body = new URLSearchParams(params);
  body.set('client_id', config.clientId);
  if (config.clientSecret !== undefined) body.set('client_secret', config.clientSecret);
  let response: Response;
  try {
    response = await config.fetch(config.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
      redirect: 'error',
      signal: AbortSignal.timeout(config.timeoutMs),
    });
  } catch (cause) {
    throw new TokenRequestFailed('the token endpoint could not be reached', 0, undefined, { cause });
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, retryAfter: retryAfterSeconds(response.headers.get('retry-after')) };
}

/**
 * Reads an error body in either vocabulary: RFC 6749 §5.2 (`error`, `error_description`) or Miro's
 * envelope (`code`, `message`). Grantboard sends both at once.
 */
export function readOAuthError(body: unknown): OAuthErrorDetails | undefined {
  if (!isRecord(body)) return undefined;
  const fields = body as Partial<Record<keyof TokenErrorBody | 'error_uri', unknown>>;
  const error =
    typeof fields.error === 'string' ? fields.error : typeof fields.code === 'string' ? fields.code : undefined;
  if (error === undefined) return undefined;
  const details: OAuthErrorDetails = { error };
  const description =
    typeof fields.error_description === 'string'
      ? fields.error_description
      : typeof fields.message === 'string'
        ? fields.message
        : undefined;
  if (description !== undefined) details.errorDescription = description;
  if (typeof fields.error_uri === 'string') details.errorUri = fields.error_uri;
  return details;
}

function requireString(body: Record<string, unknown>, name: keyof TokenResponse): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') {
    throw new InvalidResponse(`the token response's '${name}' must be a non-empty string`);
  }
  return value;
}

function optionalString(body: Record<string, unknown>, name: keyof TokenResponse): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  // Ids as JSON numbers above 2^53 lose digits; refusing them beats storing a wrong id.
  if (typeof value !== 'string') throw new InvalidResponse(`the token response's '${name}' must be a string`);
  return value;
}

/**
 * Validates a successful token response (RFC 6749 §5.1 plus Miro's `user_id`/`team_id`) and turns it
 * into a {@link TokenSet}. `previous` is the token set being refreshed: RFC 6749 §6 lets a refresh
 * response leave out the refresh token and scope, and Miro's refresh response may leave out the ids.
 */
export function toTokenSet(body: unknown, requestedAt: number, previous?: TokenSet): TokenSet {
  if (!isRecord(body)) throw new InvalidResponse('the token response is not a JSON object');
  const accessToken = requireString(body, 'access_token');
  const tokenType = requireString(body, 'token_type');
  // RFC 6749 §5.1: token_type is case-insensitive.
  if (tokenType.toLowerCase() !== 'bearer') {
    throw new InvalidResponse(`the token response's token_type is '${tokenType}', expected 'bearer'`);
  }
  const expiresIn = body.expires_in;
  if (
    expiresIn !== undefined &&
    (typeof expiresIn !== 'number' || !Number.isFinite(requestedAt + expiresIn * 1000) || expiresIn < 0)
  ) {
    throw new InvalidResponse("the token response's 'expires_in' must be a non-negative number");
  }
  const refreshToken = optionalString(body, 'refresh_token') ?? previous?.refreshToken;
  const scope = optionalString(body, 'scope') ?? previous?.scope ?? '';
  const userId = optionalString(body, 'user_id') ?? previous?.userId;
  const teamId = optionalString(body, 'team_id') ?? previous?.teamId;
  if (userId === undefined || userId === '') throw new InvalidResponse("the token response has no 'user_id'");
  if (teamId === undefined || teamId === '') throw new InvalidResponse("the token response has no 'team_id'");
  if (refreshToken === '') throw new InvalidResponse("the token response's 'refresh_token' is empty");

  const tokens: TokenSet = { accessToken, tokenType: 'bearer', scope, userId, teamId, obtainedAt: requestedAt };
  if (refreshToken !== undefined) tokens.refreshToken = refreshToken;
  // Counted from when the request was sent, so the stored expiry is never later than the real one.
  if (typeof expiresIn === 'number') tokens.expiresAt = requestedAt + expiresIn * 1000;
  return tokens;
}

/** The outcome of a grant request that did not throw: tokens, or the OAuth error the server returned. */
export type GrantResult = { ok: true; tokens: TokenSet } | { ok: false; status: number; error: OAuthErrorDetails };

/**
 * Sends a grant and classifies the answer. 2xx must be a valid token response; a 4xx with an OAuth
 * error body is returned for the caller to interpret (`invalid_grant` means different things for a
 * code and a refresh token); anything else throws {@link TokenRequestFailed}.
 */
export async function requestGrant(
  config: TokenEndpointConfig,
  params: Record<string, string>,
  requestedAt: number,
  previous?: TokenSet,
): Promise<GrantResult> {
  const reply = await post(config, params);
  if (reply.status >= 200 && reply.status < 300) {
    return { ok: true, tokens: toTokenSet(reply.body, requestedAt, previous) };
  }
  const error = readOAuthError(reply.body);
  if (reply.status >= 400 && reply.status < 500 && error) return { ok: false, status: reply.status, error };
  throw new TokenRequestFailed(`the token endpoint answered HTTP ${reply.status}`, reply.status, error, {
    retryAfter: reply.retryAfter,
  });
}
