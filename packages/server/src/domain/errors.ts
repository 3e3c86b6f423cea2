/** A request to the domain that breaks a rule; the message is a sentence fit to show the user. */
export class ValidationError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends Error {}

/** Something sent is larger than the rule allows (an uploaded file over its limit). */
export class TooLargeError extends Error {}

/** Too busy to do this now (a bound on costly work is reached); the same request may be repeated shortly. */
export class BusyError extends Error {}

export class ForbiddenError extends Error {}

/** The user's role on a board does not allow the action, whatever the token's scopes. */
export class InsufficientRoleError extends ForbiddenError {
  constructor(
    message: string,
    readonly role: string,
    readonly requiredRole: string,
  ) {
    super(message);
  }
}

/**
 * A grant that cannot be used: an authorization code or refresh token that is unknown, expired,
 * used, revoked, issued to another client, or whose bindings (redirect URI, PKCE) do not hold.
 * `detail` is for the log only.
 */
export class InvalidGrantError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** A requested scope beyond what the app or the grant allows. */
export class InvalidScopeError extends Error {}

/** RFC 8707 §2: a `resource` that is malformed or names no resource server this server issues tokens for. */
export class InvalidTargetError extends Error {}

/** RFC 7591 §3.2.2: a client registration (or client metadata document) that breaks a rule. */
export class InvalidClientMetadataError extends Error {
  constructor(
    message: string,
    readonly code: 'invalid_redirect_uri' | 'invalid_client_metadata' = 'invalid_client_metadata',
  ) {
    super(message);
  }
}
