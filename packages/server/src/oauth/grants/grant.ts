import type { TokenResponse } from '@grantboard/protocol';
import type { Services } from '../../domain/services.js';
import type { AuthenticatedClient } from '../client-auth.js';
import type { OAuthParams } from '../params.js';

export interface GrantContext {
  params: OAuthParams;
  client: AuthenticatedClient;
  services: Services;
}

/** A grant type the token endpoint dispatches to. */
export interface Grant {
  grantType: string;
  handle(context: GrantContext): Promise<TokenResponse>;
}

/**
 * RFC 8707 §2.2: the `resource` of a token request narrows the grant's audience to it (one value:
 * a parameter sent twice is refused as repeated, RFC 6749 §3.2). None: the grant's whole audience.
 */
export async function requestedResources(params: OAuthParams, services: Services): Promise<string[]> {
  const resource = params.get('resource');
  return resource === undefined ? [] : services.resourceServers.parseResources([resource]);
}
