import { parseScopeList } from '@grantboard/protocol';
import type { AppService } from '../domain/app-service.js';
import { ClientMetadataUnavailable } from '../domain/client-metadata-service.js';
import { InvalidScopeError, InvalidTargetError } from '../domain/errors.js';
import { matchRedirectUri } from '../domain/redirect-uri.js';
import type { ResourceServerService, ScopeGroup } from '../domain/resource-server-service.js';
import { isValidS256Challenge } from '../lib/pkce.js';
import type { App } from '../storage/repositories/apps.js';
import { InvalidRequest, InvalidScope, InvalidTarget, type OAuthError, UnsupportedResponseType } from './errors.js';

/** A validated authorization request (RFC 6749 §4.1.1), ready for the consent page. */
export interface AuthorizationRequest {
  app: App;
  redirectUri: string;
  state: string | undefined;
  teamId: string | undefined;
  scopes: string[];
  codeChallenge: string | undefined;
  /** RFC 8707 resources (audiences) asked for; empty: the REST API. */
  resources: string[];
  /**
   * The grant's audience: the resources named, or the one inferred from the scopes' owners
   * (docs/platform.md); null: the REST API, as for every Miro app.
   */
  audience: string[] | null;
  /** The scopes grouped by the API they open, for the consent page. */
  scopeGroups: ScopeGroup[];
}

/**
 * The request cannot be answered with a redirect: the client or redirect URI is not verified
 * (RFC 6749 §4.1.2.1, RFC 9700 §4.11.2). Shown on an error page.
 */
export class UnverifiedClientError extends Error {}

/** The client and redirect URI are verified, but the request is not: answered by redirect with `error`. */
export class RedirectableError extends Error {
  constructor(
    readonly error: OAuthError,
    readonly redirectUri: string,
    readonly state: string | undefined,
  ) {
    super(error.description);
  }
}

const MAX_STATE_LENGTH = 2048;

/** Parameters that may appear at most once (RFC 6749 §3.1). */
const SINGLE_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'team_id',
  'code_challenge',
  'code_challenge_method',
];

/** Empty values count as absent (RFC 6749 §3.1; the official Node client always sends `team_id=&state=`). */
const read = (params: URLSearchParams, name: string) => params.get(name) || undefined;

/** Steps in the order of RFC 6749 §4.1.2.1: verify the client and redirect URI first, then the rest. */
export async function parseAuthorizationRequest(
  params: URLSearchParams,
  apps: AppService,
  servers: ResourceServerService,
): Promise<AuthorizationRequest> {
  const duplicated = SINGLE_PARAMS.filter((name) => params.getAll(name).length > 1);
  if (duplicated.includes('client_id') || duplicated.includes('redirect_uri')) {
    throw new UnverifiedClientError('The request repeats client_id or redirect_uri.');
  }
  const clientId = read(params, 'client_id');
  if (!clientId) throw new UnverifiedClientError('The request has no client_id.');
  let app: App | undefined;
  try {
    app = await apps.resolveClient(clientId);
  } catch (error) {
    if (error instanceof ClientMetadataUnavailable) {
      throw new UnverifiedClientError(
        `The client metadata document at this client_id cannot be used: ${error.message}`,
      );
    }
    throw error;
  }
  if (!app) throw new UnverifiedClientError('There is no app with this client_id.');
  const redirectUri = read(params, 'redirect_uri');
  if (!redirectUri) throw new UnverifiedClientError('The request has no redirect_uri.');
  if (!matchRedirectUri(app.redirectUris, redirectUri)) {
    throw new UnverifiedClientError(`The redirect_uri is not registered for ${app.name}. It must match exactly.`);
  }

  const rawState = params.get('state') ?? undefined;
  const state = rawState && rawState.length <= MAX_STATE_LENGTH && !duplicated.includes('state') ? rawState : undefined;
  const fail = (error: OAuthError) => new RedirectableError(error, redirectUri, state);
  if (duplicated.length > 0) throw fail(new InvalidRequest(`Repeated parameter: ${duplicated.join(', ')}.`));
  if (rawState && rawState.length > MAX_STATE_LENGTH)
    throw fail(new InvalidRequest('The state parameter is too long.'));
  const responseType = read(params, 'response_type');
  if (!responseType) throw fail(new InvalidRequest("Missing required parameter 'response_type'."));
  // RFC 9700 §2.1.2: only the code flow; no tokens from the authorization endpoint.
  if (responseType !== 'code') throw fail(new UnsupportedResponseType("Only response_type 'code' is supported."));

  const scopes = requestedScopes(app, read(params, 'scope'), fail);
  const codeChallenge = read(params, 'code_challenge');
  const method = read(params, 'code_challenge_method');
  if (codeChallenge === undefined) {
    if (method !== undefined) throw fail(new InvalidRequest('code_challenge_method was sent without code_challenge.'));
    // RFC 9700 §2.1.1: public clients must use PKCE.
    if (app.isPublic)
      throw fail(new InvalidRequest('This app is public: PKCE (code_challenge with S256) is required.'));
  } else {
    // RFC 7636 §4.3 defaults a missing method to 'plain', which exposes the verifier: S256 only.
    if (method !== 'S256') throw fail(new InvalidRequest("code_challenge_method must be 'S256'."));
    // RFC 7636 §4.2: the S256 challenge is 43 base64url characters.
    if (!isValidS256Challenge(codeChallenge))
      throw fail(new InvalidRequest('code_challenge is not a valid S256 challenge.'));
  }
  const teamId = read(params, 'team_id');
  // RFC 8707 §2: `resource` may be repeated, one absolute URI without a fragment each.
  let resources: string[];
  let audience: string[] | null;
  try {
    resources = await servers.parseResources(params.getAll('resource').filter((value) => value !== ''));
    audience = await servers.audienceFor(app, scopes, resources);
  } catch (error) {
    if (error instanceof InvalidTargetError) throw fail(new InvalidTarget(error.message));
    if (error instanceof InvalidScopeError) throw fail(new InvalidScope(error.message));
    throw error;
  }
  const scopeGroups = await servers.groups(scopes);
  return { app, redirectUri, state, teamId, scopes, codeChallenge, resources, audience, scopeGroups };
}

/** RFC 6749 §3.3: the requested subset of the app's scopes, or all of them. */
function requestedScopes(app: App, requested: string | undefined, fail: (error: OAuthError) => Error): string[] {
  if (requested === undefined) return app.scopes;
  const parsed = parseScopeList(requested);
  if (!parsed || parsed.length === 0) throw fail(new InvalidScope('The scope parameter is malformed.'));
  const extra = parsed.filter((s) => !app.scopes.includes(s));
  if (extra.length > 0) throw fail(new InvalidScope(`The app is not registered for: ${extra.join(' ')}.`));
  return parsed;
}

/** The redirect back to the client: RFC 6749 §4.1.2 plus Miro's `client_id`, `team_id` and RFC 9207's `iss`. */
export function successRedirect(issuer: string, request: AuthorizationRequest, code: string, teamId: string): string {
  return withParams(request.redirectUri, {
    code,
    state: request.state,
    client_id: request.app.id,
    team_id: teamId,
    iss: issuer,
  });
}

/** RFC 6749 §4.1.2.1: the error, its description and the state, with RFC 9207's `iss`. */
export function errorRedirect(issuer: string, error: RedirectableError): string {
  return withParams(error.redirectUri, {
    error: error.error.code,
    error_description: error.error.description,
    state: error.state,
    iss: issuer,
  });
}

function withParams(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.append(name, value);
  }
  return url.href;
}
