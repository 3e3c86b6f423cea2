/**
 * Every error the client raises on purpose is a {@link GrantboardError} with a stable `code`, so an
 * app can branch on `error.code` (or `instanceof`) without parsing messages. Messages are for logs
 * and never contain token values.
 */

/** The stable codes of {@link GrantboardError} subclasses. */
export type GrantboardErrorCode =
  | 'state_mismatch'
  | 'issuer_mismatch'
  | 'invalid_callback'
  | 'authorization_denied'
  | 'authorization_failed'
  | 'token_request_failed'
  | 'invalid_response'
  | 'reauthorization_required'
  | 'refresh_lock_timeout'
  | 'api_error';

/** Base class of every error the client raises on purpose. */
export abstract class GrantboardError extends Error {
  /** A stable, machine-readable code; it never changes between versions. */
  abstract readonly code: GrantboardErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The callback's `state` is missing, unknown, expired, already used, or was issued for another
 * user key. RFC 6749 §10.12: the callback must be bound to the request the app itself started.
 */
export class StateMismatch extends GrantboardError {
  readonly code = 'state_mismatch' as const;
}

/**
 * The callback's `iss` is not the expected issuer (RFC 9207 §2.4), or is missing while required.
 * This is what a mix-up attack looks like.
 */
export class IssuerMismatch extends GrantboardError {
  readonly code = 'issuer_mismatch' as const;

  /** The issuer the client expected. */
  readonly expected: string;
  /** The `iss` the callback carried, or `undefined` when it had none. */
  readonly received: string | undefined;

  constructor(expected: string, received: string | undefined) {
    super(
      received === undefined
        ? `the authorization response has no 'iss' parameter, expected '${expected}'`
        : `the authorization response was issued by '${received}', expected '${expected}'`,
    );
    this.expected = expected;
    this.received = received;
  }
}

/** The callback URL is malformed: no `code`, a repeated parameter, or another app's `client_id`. */
export class InvalidCallback extends GrantboardError {
  readonly code = 'invalid_callback' as const;
}

/** Details of an OAuth error response (RFC 6749 §4.1.2.1, §5.2). */
export interface OAuthErrorDetails {
  /** The RFC 6749 `error` code, e.g. `access_denied` or `invalid_grant`. */
  error: string;
  /** The server's `error_description`, when it sent one. */
  errorDescription?: string;
  /** The server's `error_uri`, when it sent one. */
  errorUri?: string;
}

function describe(prefix: string, details: OAuthErrorDetails): string {
  return details.errorDescription
    ? `${prefix}: ${details.error} (${details.errorDescription})`
    : `${prefix}: ${details.error}`;
}

/** The user declined the authorization request (`error=access_denied` on the callback). */
export class AuthorizationDenied extends GrantboardError {
  readonly code = 'authorization_denied' as const;
  /** The OAuth error the callback carried. */
  readonly details: OAuthErrorDetails;

  constructor(details: OAuthErrorDetails) {
    super(describe('the user denied the authorization request', details));
    this.details = details;
  }
}

/** The authorization server answered the authorization request with an error other than `access_denied`. */
export class AuthorizationFailed extends GrantboardError {
  readonly code = 'authorization_failed' as const;
  /** The OAuth error the callback carried (`invalid_request`, `invalid_scope`, `server_error`, …). */
  readonly details: OAuthErrorDetails;

  constructor(details: OAuthErrorDetails) {
    super(describe('the authorization request failed', details));
    this.details = details;
  }
}

/**
 * The token endpoint refused a request for a reason that a new authorization does not fix by itself
 * (bad client credentials, a used or expired authorization code, a server error), or could not be
 * reached. `status` is 0 when no HTTP response arrived.
 */
export class TokenRequestFailed extends GrantboardError {
  readonly code = 'token_request_failed' as const;
  /** The HTTP status, or 0 when the request failed before a response. */
  readonly status: number;
  /** The OAuth error from the body (`error`, or Miro's `code`), when the body had one. */
  readonly details: OAuthErrorDetails | undefined;
  /** Seconds the server asked to wait before trying again (`Retry-After`, e.g. with a 503), when it said. */
  readonly retryAfter: number | undefined;

  constructor(
    message: string,
    status: number,
    details?: OAuthErrorDetails,
    options?: { cause?: unknown; retryAfter?: number | undefined },
  ) {
    super(details ? describe(message, details) : message, options?.cause === undefined ? {} : { cause: options.cause });
    this.status = status;
    this.details = details;
    this.retryAfter = options?.retryAfter;
  }
}

/** A response did not have the shape the protocol requires (e.g. a token response without `access_token`). */
export class InvalidResponse extends GrantboardError {
  readonly code = 'invalid_response' as const;
}

/** Why {@link ReauthorizationRequired} was raised. */
export type ReauthorizationReason =
  /** Nothing is stored for this user key (never connected, disconnected, or revoked). */
  | 'no_tokens'
  /** The refresh token was refused (`invalid_grant`): revoked, expired, uninstalled or reused. */
  | 'invalid_grant'
  /** The access token expired and there is no refresh token to renew it. */
  | 'expired'
  /** The API refused the access token even right after a refresh (or it cannot be refreshed). */
  | 'unauthorized';

/**
 * The grant is gone: the app must send the user through the authorization flow again. The stored
 * tokens for the user key have been deleted by the time this is raised.
 */
export class ReauthorizationRequired extends GrantboardError {
  readonly code = 'reauthorization_required' as const;
  /** The user key whose grant is gone. */
  readonly userKey: string;
  /** Why the grant is considered gone. */
  readonly reason: ReauthorizationReason;

  constructor(userKey: string, reason: ReauthorizationReason, options?: { cause?: unknown }) {
    super(`reauthorization required (${reason})`, options);
    this.userKey = userKey;
    this.reason = reason;
  }
}

/** Another process held the refresh lock for longer than `lockWaitMs` without storing new tokens. */
export class RefreshLockTimeout extends GrantboardError {
  readonly code = 'refresh_lock_timeout' as const;
}

/** A REST API call answered with an error status; the fields come from Miro's error envelope. */
export class ApiError extends GrantboardError {
  readonly code = 'api_error' as const;
  /** The HTTP status. */
  readonly status: number;
  /** The API's own error code (`notFound`, `insufficientPermissions`, `tooManyRequests`, …), or `unknown`. */
  readonly apiCode: string;
  /** The envelope's `context` object, when present (e.g. `requiredScopes`). */
  readonly context: Record<string, unknown> | undefined;
  /** Seconds to wait before retrying, from `Retry-After`, when present. */
  readonly retryAfter: number | undefined;

  constructor(
    status: number,
    apiCode: string,
    message: string,
    extra: { context?: Record<string, unknown> | undefined; retryAfter?: number | undefined } = {},
  ) {
    super(message);
    this.status = status;
    this.apiCode = apiCode;
    this.context = extra.context;
    this.retryAfter = extra.retryAfter;
  }
}

/** Whether `value` is an error raised by this client, optionally with the given code. */
export function isGrantboardError<C extends GrantboardErrorCode>(
  value: unknown,
  code?: C,
): value is GrantboardError & { code: C } {
  return value instanceof GrantboardError && (code === undefined || value.code === code);
}
