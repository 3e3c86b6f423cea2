import type { OAuthErrorCode, TokenErrorBody } from '@grantboard/protocol';

/**
 * One class per registered OAuth error code. `description` is public (it reaches the client);
 * `detail` is private and only goes to the log.
 */
export abstract class OAuthError extends Error {
  abstract readonly code: OAuthErrorCode;
  readonly status: number = 400;

  constructor(
    readonly description: string,
    readonly detail?: string,
  ) {
    super(description);
  }

  toBody(): TokenErrorBody {
    return {
      status: this.status,
      code: this.code,
      message: this.description,
      type: 'error',
      error: this.code,
      error_description: this.description,
    };
  }
}

export class InvalidRequest extends OAuthError {
  readonly code = 'invalid_request';
}

export class InvalidClient extends OAuthError {
  readonly code = 'invalid_client';
  override readonly status = 401;
  /** RFC 6749 §5.2: when the client tried HTTP Basic, the 401 carries a matching challenge. */
  constructor(
    description: string,
    readonly triedBasic = false,
    detail?: string,
  ) {
    super(description, detail);
  }
}

export class InvalidGrant extends OAuthError {
  readonly code = 'invalid_grant';
}

export class UnauthorizedClient extends OAuthError {
  readonly code = 'unauthorized_client';
}

export class UnsupportedGrantType extends OAuthError {
  readonly code = 'unsupported_grant_type';
}

export class UnsupportedResponseType extends OAuthError {
  readonly code = 'unsupported_response_type';
}

export class InvalidScope extends OAuthError {
  readonly code = 'invalid_scope';
}

/** RFC 8707 §2. */
export class InvalidTarget extends OAuthError {
  readonly code = 'invalid_target';
}

/** RFC 7591 §3.2.2. */
export class InvalidRedirectUri extends OAuthError {
  readonly code = 'invalid_redirect_uri';
}

/** RFC 7591 §3.2.2. */
export class InvalidClientMetadata extends OAuthError {
  readonly code = 'invalid_client_metadata';
}

export class AccessDenied extends OAuthError {
  readonly code = 'access_denied';
  override readonly status = 403;
}

export class TemporarilyUnavailable extends OAuthError {
  readonly code = 'temporarily_unavailable';
  override readonly status = 503;
  /** Seconds for `Retry-After`; the server's default when absent. */
  constructor(
    description: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(description);
  }
}

/** Too many token requests for one client (ARCHITECTURE.md decision 13); retryable. */
export class TooManyRequests extends OAuthError {
  readonly code = 'temporarily_unavailable';
  override readonly status = 429;
  constructor(
    description: string,
    readonly retryAfterSeconds: number,
  ) {
    super(description);
  }
}

export class ServerError extends OAuthError {
  readonly code = 'server_error';
  override readonly status = 500;
}
