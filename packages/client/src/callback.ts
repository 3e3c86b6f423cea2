import {
  AuthorizationDenied,
  AuthorizationFailed,
  InvalidCallback,
  IssuerMismatch,
  type OAuthErrorDetails,
} from './errors.js';

/** The parameters of an authorization response this client reads (RFC 6749 §4.1.2, RFC 9207 §2). */
const READ = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri', 'client_id'] as const;

/** What {@link ReadCallback.verify} checks the response against. */
export interface CallbackExpectations {
  issuer: string;
  requireIssuer: boolean;
  clientId: string;
}

/** A parsed authorization response, before its checks. */
export interface ReadCallback {
  /** The `state` parameter, when present and not empty. */
  state: string | undefined;
  /**
   * Checks `iss`, raises an error response, checks `client_id`, and returns the `code`. Call it
   * after `state` has been matched.
   */
  verify(expected: CallbackExpectations): string;
}

/** Parses a callback URL, or a path with a query string. */
export function readCallback(callbackUrl: string | URL): ReadCallback {
  let url: URL;
  try {
    // A relative base lets apps pass `req.originalUrl` as it is.
    url = new URL(callbackUrl, 'http://callback.invalid');
  } catch {
    throw new InvalidCallback('the callback URL cannot be parsed');
  }
  const params = url.searchParams;
  for (const name of READ) {
    // RFC 6749 §3.1: request and response parameters must not be included more than once.
    if (params.getAll(name).length > 1) throw new InvalidCallback(`the callback repeats the '${name}' parameter`);
  }
  const get = (name: (typeof READ)[number]) => {
    const value = params.get(name);
    return value === null || value === '' ? undefined : value;
  };
  return {
    state: get('state'),
    verify(expected) {
      // RFC 9207 §2.4: compare iss before anything else in the response, error responses included.
      const iss = params.get('iss') ?? undefined;
      if (iss !== undefined ? iss !== expected.issuer : expected.requireIssuer) {
        throw new IssuerMismatch(expected.issuer, iss);
      }
      const error = get('error');
      if (error !== undefined) {
        const details: OAuthErrorDetails = { error };
        const description = get('error_description');
        const uri = get('error_uri');
        if (description !== undefined) details.errorDescription = description;
        if (uri !== undefined) details.errorUri = uri;
        throw error === 'access_denied' ? new AuthorizationDenied(details) : new AuthorizationFailed(details);
      }
      // Miro adds the app's client_id to the redirect; another app's id means a mixed-up response.
      const clientId = get('client_id');
      if (clientId !== undefined && clientId !== expected.clientId) {
        throw new InvalidCallback("the callback's client_id belongs to another app");
      }
      const code = get('code');
      if (code === undefined) throw new InvalidCallback("the callback has neither 'code' nor 'error'");
      return code;
    },
  };
}
