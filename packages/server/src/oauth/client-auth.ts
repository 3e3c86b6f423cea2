import type { AppService } from '../domain/app-service.js';
import type { App } from '../storage/repositories/apps.js';
import { InvalidClient, InvalidRequest } from './errors.js';
import type { OAuthParams } from './params.js';

export interface AuthenticatedClient {
  app: App;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

const FAILED = 'Client authentication failed.';

/** RFC 6749 §2.3.1: HTTP Basic with form-urlencoded client id and secret. */
function parseBasic(header: string): { id: string; secret: string } | undefined {
  const match = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  try {
    const decode = (part: string) => decodeURIComponent(part.replaceAll('+', ' '));
    return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/**
 * Authenticates the client of a token, revocation or introspection request: the credentials come
 * as parameters or with HTTP Basic (exactly one method, RFC 6749 §2.3); the app service judges them.
 */
export async function authenticateClient(
  params: OAuthParams,
  authorization: string | undefined,
  apps: AppService,
): Promise<AuthenticatedClient> {
  const { id, secret, method, isBasic } = clientCredentials(params, authorization);
  const result = await apps.authenticate(id, secret);
  if (!result.ok) throw new InvalidClient(FAILED, isBasic, result.reason);
  return { app: result.app, method };
}

/** The credentials a client presents (exactly one method, RFC 6749 §2.3), not yet judged. */
export interface ClientCredentials {
  id: string;
  secret: string | undefined;
  method: AuthenticatedClient['method'];
  isBasic: boolean;
}

export function clientCredentials(params: OAuthParams, authorization: string | undefined): ClientCredentials {
  const isBasic = authorization !== undefined && /^basic /i.test(authorization);
  let id = params.get('client_id');
  let secret = params.get('client_secret');
  let method: AuthenticatedClient['method'] = secret === undefined ? 'none' : 'client_secret_post';
  if (isBasic) {
    const basic = parseBasic(authorization);
    if (!basic) throw new InvalidClient('The Authorization header is not valid HTTP Basic.', true);
    if (secret !== undefined) throw new InvalidRequest('Use one client authentication method, not several.');
    if (id !== undefined && id !== basic.id)
      throw new InvalidRequest('client_id does not match the Authorization header.');
    id = basic.id;
    secret = basic.secret;
    method = 'client_secret_basic';
  }
  if (id === undefined) throw new InvalidRequest("Missing required parameter 'client_id'.");
  return { id, secret, method, isBasic };
}

/** The message of every failed client authentication: it never says which part was wrong. */
export const CLIENT_AUTH_FAILED = FAILED;
