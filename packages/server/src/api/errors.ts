import type { ApiErrorBody, ApiErrorCode } from '@grantboard/protocol';

/** A REST API error in Miro's envelope (ARCHITECTURE.md decision 12). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly context?: Record<string, unknown>,
  ) {
    super(message);
  }

  toBody(): ApiErrorBody {
    const body: ApiErrorBody = { status: this.status, code: this.code, message: this.message, type: 'error' };
    if (this.context !== undefined) body.context = this.context;
    return body;
  }

  /** RFC 6750 §3: 401 and 403 answers carry a Bearer challenge naming the problem. */
  challenge(): string | undefined {
    const quote = (value: string) => value.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
    if (this.status === 401) {
      return this.code === 'tokenNotProvided'
        ? 'Bearer realm="grantboard"'
        : `Bearer realm="grantboard", error="invalid_token", error_description="${quote(this.message)}"`;
    }
    if (this.status === 403 && Array.isArray(this.context?.requiredScopes)) {
      return `Bearer realm="grantboard", error="insufficient_scope", scope="${quote((this.context.requiredScopes as string[]).join(' '))}"`;
    }
    return undefined;
  }
}

export const tokenNotProvided = () => new ApiError(401, 'tokenNotProvided', 'No access token was provided.');
export const tokenInvalid = () => new ApiError(401, 'tokenInvalid', 'The access token is invalid or has been revoked.');
export const tokenExpired = () => new ApiError(401, 'tokenExpired', 'The access token has expired.');

/** RFC 6750 §3.1 `insufficient_scope`: the token lacks a scope the route needs. */
export const insufficientScope = (required: string[]) =>
  new ApiError(403, 'insufficientPermissions', `Required scopes: ${required.join(' ')}`, {
    requiredScopes: required,
  });

export const notFound = (message: string) => new ApiError(404, 'notFound', message);

/** One invalid field of a request: where it is, its path and what is wrong with it. */
export interface InvalidField {
  in: 'body' | 'query' | 'path';
  field: string;
  message: string;
}

export const invalidParameters = (message: string, fields: InvalidField[] = []) =>
  new ApiError(400, 'invalidParameters', message, fields.length > 0 ? { fields } : undefined);

export const tooManyRequests = (retryAfterSeconds: number) =>
  new ApiError(
    429,
    'tooManyRequests',
    `Request rate limit exceeded: retry in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`,
  );
