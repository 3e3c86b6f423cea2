/** OAuth 2.0 error codes (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1; RFC 7009 §2.2.1; RFC 8707 §2; RFC 7591 §3.2.2). */
export const OAUTH_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'unsupported_response_type',
  'unsupported_token_type',
  'invalid_scope',
  'access_denied',
  'server_error',
  'temporarily_unavailable',
  'invalid_token',
  'insufficient_scope',
  'invalid_target',
  'invalid_redirect_uri',
  'invalid_client_metadata',
] as const;

export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

/**
 * The token endpoint's error body. It carries Miro's envelope (`status`, `code`, `message`, `type`)
 * and RFC 6749 §5.2's (`error`, `error_description`) at once, so both kinds of client understand it.
 */
export interface TokenErrorBody {
  status: number;
  code: OAuthErrorCode;
  message: string;
  type: 'error';
  error: OAuthErrorCode;
  error_description: string;
}

/** REST API error codes (Miro's envelope). */
export type ApiErrorCode =
  | 'tokenNotProvided'
  | 'tokenInvalid'
  | 'tokenExpired'
  | 'insufficientPermissions'
  | 'notFound'
  | 'invalidParameters'
  | 'payloadTooLarge'
  | 'conflict'
  | 'tooManyRequests'
  | 'internalError'
  | 'serviceUnavailable'
  // The board page's and the Web SDK's session-authenticated endpoints.
  | 'notSignedIn'
  | 'csrfTokenInvalid'
  | 'appNotInstalled';

/** The REST API's error body: Miro's `{status, code, message, type}` envelope. */
export interface ApiErrorBody {
  status: number;
  code: ApiErrorCode | string;
  message: string;
  type: 'error';
  context?: Record<string, unknown>;
}
